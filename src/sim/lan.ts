/**
 * The simulated LAN: carries each datagram a router sends to the nodes it reaches (every other
 * node for multicast, the owner of the address for unicast) after the LAN's latency, and applies
 * the LAN faults on the way: packet filters, loss on a sender's egress or a receiver's ingress, and
 * delay on either (seeded; delay-lines.ts). As tcpdump in a node's namespace sees them, a packet
 * is on the wire when it leaves the sender's egress delay.
 */
import { isMulticast } from '../vrrp/ipv4';
import type { VirtualClock } from './clock';
import type { Jitter } from './jitter';
import { DelayLines, type LineDirection } from './delay-lines';
import type { NodeRuntime, SimNodes } from './nodes';
import type { PacketFilter } from './packet-filters';
import type { SeededRng } from './rng';
import type { SimQueue } from './sim-event';
import { record, type SimRecorder } from './trace';

export class SimLan {
  private filters: PacketFilter[] = [];
  private readonly lossRate = new Map<string, number>();
  private readonly ingressLossRate = new Map<string, number>();
  private readonly delays: DelayLines;
  /** Per-copy arrival jitter (set by the simulator; none by default). */
  jitter: Jitter | null = null;

  constructor(
    private readonly clock: VirtualClock,
    private readonly rng: SeededRng,
    private readonly queue: SimQueue,
    private readonly nodes: SimNodes,
    private readonly out: SimRecorder,
    /** One-way latency, ms. */
    private readonly latencyMs: number,
  ) {
    this.delays = new DelayLines(clock, rng, queue);
  }

  /** A filter applies once: a second one with the same id is ignored. */
  addFilter(f: PacketFilter): void {
    if (!this.filters.some((x) => x.id === f.id)) this.filters.push(f);
  }

  removeFilter(id: string): void {
    this.filters = this.filters.filter((f) => f.id !== id);
  }

  /** Lose packets sent by `node` with probability `rate`; 0 heals. */
  setLoss(node: string, rate: number): void {
    if (rate > 0) this.lossRate.set(node, rate);
    else this.lossRate.delete(node);
  }

  /** Lose packets `node` receives with probability `rate` (each copy on its own); 0 heals. */
  setIngressLoss(node: string, rate: number): void {
    if (rate > 0) this.ingressLossRate.set(node, rate);
    else this.ingressLossRate.delete(node);
  }

  /**
   * Delay packets `node` sends (out) or receives (in, each copy on its own) by `ms` plus up to
   * `jitterMs`; 0 and 0 heal, and what was held goes on at once.
   */
  setDelay(node: string, ms: number, jitterMs: number, dir: LineDirection = 'out'): void {
    this.delays.set(node, dir, ms, jitterMs);
  }

  /** Every LAN fault healed (filters, loss, delay). */
  heal(): void {
    this.filters = [];
    this.lossRate.clear();
    this.ingressLossRate.clear();
    this.delays.clear();
  }

  /** A datagram that node `n`'s router sends to `dst` (nothing leaves a node whose link is down). */
  send(n: NodeRuntime, dst: string, datagram: Uint8Array, vrid: number, priority: number): void {
    const from = n.spec.name;
    if (!n.linkUp) return;
    const now = this.clock.now();
    record(this.out, {
      t: now,
      type: 'send',
      node: from,
      dst,
      vrid,
      priority,
      hex: Buffer.from(datagram).toString('hex'),
    });
    // Loss and delay on the sender's egress (iptables OUTPUT): once per packet.
    const loss = this.lossRate.get(from) ?? 0;
    if (loss > 0 && this.rng.chance(loss)) {
      record(this.out, {
        t: now,
        type: 'lost',
        from,
        to: dst,
        vrid,
        priority,
        why: `loss ${loss}`,
      });
      // Never on the wire: iptables OUTPUT drops it before any capture (tcpdump sees egress
      // after netfilter), so no node's pcap on Docker has it either.
      return;
    }
    // A packet held on the way out is gone if its node powers off or loses its link meanwhile.
    const epoch = n.epoch;
    const depart = (): void => {
      if (n.epoch === epoch && n.linkUp) this.depart(from, dst, datagram, vrid, priority);
    };
    if (!this.delays.hold(from, 'out', depart)) depart();
  }

  /** A datagram leaves its sender: the filters and ingress faults of each node it reaches. */
  private depart(
    from: string,
    dst: string,
    datagram: Uint8Array,
    vrid: number,
    priority: number,
  ): void {
    const now = this.clock.now();
    const targets: { node: NodeRuntime; epoch: number }[] = [];
    const candidates = isMulticast(dst) ? this.nodes.list : [this.nodes.atAddress(dst)];
    for (const target of candidates) {
      if (!target || target.spec.name === from) continue;
      const to = target.spec.name;
      const filter =
        this.filters.length > 0 ? this.filters.find((f) => f.drops(from, to, dst)) : undefined;
      if (filter) {
        record(this.out, { t: now, type: 'lost', from, to, vrid, priority, why: filter.id });
        continue;
      }
      // Loss on the receiver's ingress (as iptables INPUT with `statistic` drops): per copy.
      const inLoss = this.ingressLossRate.get(to) ?? 0;
      if (inLoss > 0 && this.rng.chance(inLoss)) {
        record(this.out, {
          t: now,
          type: 'lost',
          from,
          to,
          vrid,
          priority,
          why: `loss in ${inLoss}`,
        });
        continue;
      }
      targets.push({ node: target, epoch: target.epoch });
    }
    const arrive = now + this.latencyMs;
    const direct = targets.filter((t) => !this.delays.has(t.node.spec.name, 'in'));
    const jitter = this.jitter && this.jitter.maxMs > 0 ? this.jitter : null;
    if (jitter)
      // Each copy on its own: two receivers of one multicast advert may hear it in either order.
      for (const t of direct)
        this.queue.push(arrive + jitter.draw(), { kind: 'deliver', targets: [t], datagram });
    else if (direct.length > 0)
      this.queue.push(arrive, { kind: 'deliver', targets: direct, datagram });
    // A receiver's ingress delay holds its copy from when it arrives.
    for (const t of targets.filter((x) => !direct.includes(x))) {
      const deliver = (): void =>
        this.queue.push(this.clock.now(), { kind: 'deliver', targets: [t], datagram });
      this.queue.push(arrive, {
        kind: 'action',
        run: () => {
          if (!this.delays.hold(t.node.spec.name, 'in', deliver)) deliver();
        },
      });
    }
    if (this.out.recordWire)
      this.out.wire.push({ t: now, from, to: targets.map((x) => x.node.spec.name), dst, datagram });
  }
}
