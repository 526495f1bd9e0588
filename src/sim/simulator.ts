/**
 * The simulator: N routers running the real VRRP state machine (src/vrrp) on an in-memory LAN
 * that carries the real encoded datagrams, in virtual time, from a seed.
 *
 * Deterministic: all randomness comes from one seeded RNG, events at the same virtual time run
 * in the order they were scheduled, and nothing reads the system clock. The same seed and the
 * same calls give the same trace, byte for byte.
 */
import type { InstanceConfig, VipConfig } from '../vrrp/config';
import { isMulticast } from '../vrrp/ipv4';
import {
  initialState,
  step,
  type RouterState,
  type TimerName,
  type VrrpEffect,
  type VrrpInput,
  type VrrpStateName,
} from '../vrrp/state-machine';
import { VirtualClock } from './clock';
import { EventQueue } from './event-queue';
import { SeededRng } from './rng';

export interface SimNodeSpec {
  name: string;
  address: string;
  /** One or more VRRP instances on the node's interface. */
  instances: InstanceConfig[];
  /** Processes the node runs (default: nginx). Track scripts check them, see `scriptChecks`. */
  processes?: string[];
  /** Virtual time at which the node boots (default 0). */
  bootAt?: number;
}

export interface SimOptions {
  seed: number;
  nodes: SimNodeSpec[];
  /** One-way LAN latency in ms (default 0). */
  latencyMs?: number;
  /** How long a track script takes to answer, ms (default 0). */
  scriptLatencyMs?: number;
}

export type Direction = 'in' | 'out' | 'both';

/** What a LAN fault does to one packet. */
interface PacketFilter {
  id: string;
  /** true: the packet from `from` to `to` is dropped. */
  drops(from: string, to: string, dst: string): boolean;
}

export type TraceEvent =
  | { t: number; type: 'boot' | 'power-off' | 'power-on'; node: string }
  | {
      t: number;
      type: 'send';
      node: string;
      dst: string;
      vrid: number;
      priority: number;
      hex: string;
    }
  /** A packet lost to a fault; `to` is the receiving node, or the destination for egress loss. */
  | {
      t: number;
      type: 'lost';
      from: string;
      to: string;
      vrid: number;
      priority: number;
      why: string;
    }
  | {
      t: number;
      type: 'state';
      node: string;
      instance: string;
      from: VrrpStateName;
      to: VrrpStateName;
      reason: string;
      priority: number;
    }
  | { t: number; type: 'vip'; node: string; action: 'add' | 'remove'; vips: string[] }
  | { t: number; type: 'garp'; node: string; vips: string[]; count: number }
  | { t: number; type: 'script'; node: string; name: string; ok: boolean }
  | { t: number; type: 'drop'; node: string; instance: string; reason: string; from?: string }
  | { t: number; type: 'priority'; node: string; instance: string; from: number; to: number }
  | { t: number; type: 'fault'; action: string; detail: string };

/** One VRRP packet as it crossed the LAN, for pcap export and analysis. */
export interface WirePacket {
  t: number;
  from: string;
  /** Node names that received it. */
  to: string[];
  dst: string;
  datagram: Uint8Array;
}

interface NodeRuntime {
  spec: SimNodeSpec;
  powered: boolean;
  linkUp: boolean;
  processes: Set<string>;
  routers: RouterState[];
  /** Live timer deadlines per `${instanceIndex}|${timer}`. */
  timers: Map<string, number>;
  vips: Set<string>;
  /** Dropped packets by reason, as the state machine reported them. */
  drops: Record<string, number>;
  /** Bumps on power-off so that events scheduled before are void. */
  epoch: number;
}

type SimEvent =
  | { kind: 'timer'; node: string; epoch: number; instance: number; timer: TimerName }
  /** One datagram reaching every target at the same time (multicast fans out in one event). */
  | { kind: 'deliver'; targets: { node: string; epoch: number }[]; datagram: Uint8Array }
  | {
      kind: 'script-done';
      node: string;
      epoch: number;
      instance: number;
      name: string;
      ok: boolean;
    }
  | { kind: 'action'; run: () => void };

export class Simulator {
  readonly clock = new VirtualClock(0);
  readonly trace: TraceEvent[] = [];
  readonly wire: WirePacket[] = [];
  private readonly rng: SeededRng;
  private readonly queue = new EventQueue<SimEvent>();
  private readonly nodes = new Map<string, NodeRuntime>();
  private readonly nodeList: NodeRuntime[] = [];
  private readonly byAddress = new Map<string, string>();
  private filters: PacketFilter[] = [];
  private lossRate = new Map<string, number>();
  private extraDelay = new Map<string, { ms: number; jitterMs: number }>();
  private readonly latencyMs: number;
  private readonly scriptLatencyMs: number;
  /** When false, `wire` is not recorded (benchmarks). */
  recordWire = true;
  /** When false, `trace` is not recorded (benchmarks). */
  recordTrace = true;

  constructor(opts: SimOptions) {
    this.rng = new SeededRng(opts.seed);
    this.latencyMs = opts.latencyMs ?? 0;
    this.scriptLatencyMs = opts.scriptLatencyMs ?? 0;
    for (const spec of opts.nodes) {
      if (this.nodes.has(spec.name)) throw new Error(`Duplicate simulated node name: ${spec.name}`);
      const node: NodeRuntime = {
        spec,
        powered: false,
        linkUp: true,
        processes: new Set(spec.processes ?? ['nginx']),
        routers: [],
        timers: new Map(),
        vips: new Set(),
        drops: {},
        epoch: 0,
      };
      this.nodes.set(spec.name, node);
      this.nodeList.push(node);
      this.byAddress.set(spec.address, spec.name);
      for (const inst of spec.instances)
        if (inst.unicastSrcIp) this.byAddress.set(inst.unicastSrcIp, spec.name);
      this.at(spec.bootAt ?? 0, () => this.boot(node, 'boot'));
    }
  }

  get now(): number {
    return this.clock.now();
  }

  nodeNames(): string[] {
    return [...this.nodes.keys()];
  }

  /** Run `fn` at virtual time `t` (absolute ms). */
  at(t: number, fn: () => void): void {
    this.queue.push(Math.max(t, this.now), { kind: 'action', run: fn });
  }

  /** Process events up to and including virtual time `t`, then set the clock to `t`. */
  runUntil(t: number): void {
    for (;;) {
      const next = this.queue.peekTime();
      if (next === undefined || next > t) break;
      const ev = this.queue.pop()!;
      this.clock.set(ev.at);
      this.dispatch(ev.item);
    }
    if (t > this.now) this.clock.set(t);
  }

  /** Run for `ms` more virtual milliseconds. */
  runFor(ms: number): void {
    this.runUntil(this.now + ms);
  }

  /**
   * Run until `predicate` holds (checked after every event) or `deadline` passes. Returns the
   * virtual time at which it first held, or undefined.
   */
  runUntilTrue(predicate: () => boolean, deadline: number): number | undefined {
    if (predicate()) return this.now;
    for (;;) {
      const next = this.queue.peekTime();
      if (next === undefined || next > deadline) {
        this.clock.set(Math.max(this.now, deadline));
        return predicate() ? this.now : undefined;
      }
      const ev = this.queue.pop()!;
      this.clock.set(ev.at);
      this.dispatch(ev.item);
      if (predicate()) return this.now;
    }
  }

  // -------------------------------------------------------------------------------------------
  // Observation

  state(node: string, instance = 0): VrrpStateName {
    const n = this.node(node);
    return n.powered ? (n.routers[instance]?.state ?? 'INIT') : 'STOPPED';
  }

  router(node: string, instance = 0): RouterState | undefined {
    return this.node(node).routers[instance];
  }

  /** Nodes that hold `vip` now (more than one is split brain). */
  vipOwners(vip: string): string[] {
    const owners: string[] = [];
    for (const [name, n] of this.nodes) if (n.powered && n.vips.has(vip)) owners.push(name);
    return owners;
  }

  /** Packets the node's routers dropped, by reason, since the simulation began. */
  drops(node: string): Readonly<Record<string, number>> {
    return this.node(node).drops;
  }

  holdsVip(node: string, vip: string): boolean {
    const n = this.node(node);
    return n.powered && n.vips.has(vip);
  }

  // -------------------------------------------------------------------------------------------
  // Faults. Each has its heal; heals are idempotent.

  powerOff(node: string): void {
    const n = this.node(node);
    if (!n.powered) return;
    this.record({ t: this.now, type: 'power-off', node });
    n.powered = false;
    n.epoch++;
    n.timers.clear();
    n.vips.clear();
    n.routers = [];
  }

  powerOn(node: string): void {
    const n = this.node(node);
    if (n.powered) return;
    this.boot(n, 'power-on');
  }

  /** The VRRP daemon stops gracefully (SIGTERM): priority 0 from a master. */
  gracefulStop(node: string): void {
    const n = this.node(node);
    this.fault('graceful-stop', node);
    if (!n.powered) return;
    n.routers.forEach((_, i) => this.input(n, i, { kind: 'shutdown', now: this.now }));
  }

  /** The VRRP daemon starts again after a graceful stop. */
  startDaemon(node: string): void {
    const n = this.node(node);
    this.fault('start', node);
    if (!n.powered) return;
    n.routers.forEach((r, i) => {
      if (r.state === 'STOPPED') {
        n.routers[i] = initialState(r.config, n.spec.address);
        this.input(n, i, { kind: 'start', now: this.now });
      }
    });
  }

  /** The node's interface goes down (the seed's `service network stop`). */
  linkDown(node: string): void {
    const n = this.node(node);
    this.fault('network-down', node);
    if (!n.linkUp) return;
    n.linkUp = false;
    if (n.powered)
      n.routers.forEach((_, i) =>
        this.input(n, i, { kind: 'interface', up: false, now: this.now }),
      );
  }

  linkUp(node: string): void {
    const n = this.node(node);
    this.fault('network-up', node);
    if (n.linkUp) return;
    n.linkUp = true;
    if (n.powered)
      n.routers.forEach((_, i) => this.input(n, i, { kind: 'interface', up: true, now: this.now }));
  }

  /**
   * Drop VRRP multicast on `node` (iptables on 224.0.0.18), in, out or both; by default on
   * receipt (INPUT), as the course and the Docker fault do.
   */
  blockMulticast(node: string, direction: Direction = 'in'): void {
    const id = `block-multicast:${node}:${direction}`;
    this.fault('block-multicast', `${node} ${direction}`);
    this.addFilter({
      id,
      drops: (from, to, dst) =>
        isMulticast(dst) &&
        (((direction === 'in' || direction === 'both') && to === node) ||
          ((direction === 'out' || direction === 'both') && from === node)),
    });
  }

  unblockMulticast(node: string, direction: Direction = 'in'): void {
    this.fault('unblock-multicast', `${node} ${direction}`);
    this.removeFilter(`block-multicast:${node}:${direction}`);
  }

  /** Drop all VRRP (multicast and unicast) from `from` to `to`. */
  blockVrrp(from: string, to: string): void {
    this.fault('block-vrrp', `${from} -> ${to}`);
    this.addFilter({ id: `block-vrrp:${from}:${to}`, drops: (f, t) => f === from && t === to });
  }

  unblockVrrp(from: string, to: string): void {
    this.fault('unblock-vrrp', `${from} -> ${to}`);
    this.removeFilter(`block-vrrp:${from}:${to}`);
  }

  /** No traffic between the node sets (each side still talks within itself). */
  partition(a: string[], b: string[]): void {
    const id = `partition:${[...a].sort().join(',')}|${[...b].sort().join(',')}`;
    this.fault('partition', `${a.join(',')} | ${b.join(',')}`);
    this.addFilter({
      id,
      drops: (f, t) => (a.includes(f) && b.includes(t)) || (b.includes(f) && a.includes(t)),
    });
  }

  healPartition(a: string[], b: string[]): void {
    this.fault('heal-partition', `${a.join(',')} | ${b.join(',')}`);
    this.removeFilter(`partition:${[...a].sort().join(',')}|${[...b].sort().join(',')}`);
  }

  /** Lose packets sent by `node` with probability `rate` (seeded). 0 heals. */
  loss(node: string, rate: number): void {
    this.fault('loss', `${node} ${rate}`);
    if (rate > 0) this.lossRate.set(node, rate);
    else this.lossRate.delete(node);
  }

  /** Delay packets sent by `node` by `ms` plus up to `jitterMs` (seeded). 0 heals. */
  delay(node: string, ms: number, jitterMs = 0): void {
    this.fault('delay', `${node} ${ms}ms jitter ${jitterMs}ms`);
    if (ms > 0 || jitterMs > 0) this.extraDelay.set(node, { ms, jitterMs });
    else this.extraDelay.delete(node);
  }

  /** Kill a process on the node (tracked scripts that check it then fail). */
  killProcess(node: string, process = 'nginx'): void {
    this.fault('kill-process', `${node} ${process}`);
    this.node(node).processes.delete(process);
  }

  startProcess(node: string, process = 'nginx'): void {
    this.fault('start-process', `${node} ${process}`);
    this.node(node).processes.add(process);
  }

  /** Heal every LAN fault (filters, loss, delay). */
  healNetwork(): void {
    this.fault('heal-network', 'all');
    this.filters = [];
    this.lossRate.clear();
    this.extraDelay.clear();
  }

  // -------------------------------------------------------------------------------------------
  // Internals

  private node(name: string): NodeRuntime {
    const n = this.nodes.get(name);
    if (!n)
      throw new Error(`No simulated node named ${name} (have ${this.nodeNames().join(', ')})`);
    return n;
  }

  private record(ev: TraceEvent): void {
    if (this.recordTrace) this.trace.push(ev);
  }

  private fault(action: string, detail: string): void {
    this.record({ t: this.now, type: 'fault', action, detail });
  }

  private addFilter(f: PacketFilter): void {
    if (!this.filters.some((x) => x.id === f.id)) this.filters.push(f);
  }

  private removeFilter(id: string): void {
    this.filters = this.filters.filter((f) => f.id !== id);
  }

  private boot(n: NodeRuntime, type: 'boot' | 'power-on'): void {
    n.powered = true;
    n.epoch++;
    n.timers.clear();
    n.vips.clear();
    n.routers = n.spec.instances.map((c) => initialState(c, n.spec.address));
    this.record({ t: this.now, type, node: n.spec.name });
    n.routers.forEach((_, i) => this.input(n, i, { kind: 'start', now: this.now }));
    if (!n.linkUp)
      n.routers.forEach((_, i) =>
        this.input(n, i, { kind: 'interface', up: false, now: this.now }),
      );
  }

  private dispatch(ev: SimEvent): void {
    if (ev.kind === 'action') {
      ev.run();
      return;
    }
    if (ev.kind === 'deliver') {
      const input: VrrpInput = { kind: 'packet', now: this.now, datagram: ev.datagram };
      for (const target of ev.targets) {
        const n = this.nodes.get(target.node)!;
        if (!n.powered || n.epoch !== target.epoch || !n.linkUp) continue;
        for (let i = 0; i < n.routers.length; i++) this.input(n, i, input);
      }
      return;
    }
    const n = this.nodes.get(ev.node);
    if (!n || !n.powered || n.epoch !== ev.epoch) return;
    switch (ev.kind) {
      case 'timer': {
        const key = `${ev.instance}|${ev.timer}`;
        if (n.timers.get(key) !== this.now) return; // replaced or cleared since
        n.timers.delete(key);
        this.input(n, ev.instance, { kind: 'timer', timer: ev.timer, now: this.now });
        return;
      }
      case 'script-done':
        this.record({ t: this.now, type: 'script', node: n.spec.name, name: ev.name, ok: ev.ok });
        this.input(n, ev.instance, {
          kind: 'script-result',
          name: ev.name,
          ok: ev.ok,
          now: this.now,
        });
        return;
    }
  }

  private input(n: NodeRuntime, instance: number, input: VrrpInput): void {
    const router = n.routers[instance];
    if (!router) return;
    const [next, effects] = step(router, input);
    n.routers[instance] = next;
    for (const fx of effects) this.apply(n, instance, next, fx);
  }

  private apply(n: NodeRuntime, instance: number, router: RouterState, fx: VrrpEffect): void {
    const name = n.spec.name;
    switch (fx.kind) {
      case 'set-timer':
        n.timers.set(`${instance}|${fx.timer}`, fx.at);
        this.queue.push(fx.at, {
          kind: 'timer',
          node: name,
          epoch: n.epoch,
          instance,
          timer: fx.timer,
        });
        return;
      case 'clear-timer':
        n.timers.delete(`${instance}|${fx.timer}`);
        return;
      case 'send':
        this.send(n, fx.dst, fx.datagram, fx.packet.vrid, fx.packet.priority);
        return;
      case 'add-vips':
        for (const v of fx.vips) n.vips.add(v.address);
        this.record({
          t: this.now,
          type: 'vip',
          node: name,
          action: 'add',
          vips: addresses(fx.vips),
        });
        return;
      case 'remove-vips':
        for (const v of fx.vips) n.vips.delete(v.address);
        this.record({
          t: this.now,
          type: 'vip',
          node: name,
          action: 'remove',
          vips: addresses(fx.vips),
        });
        return;
      case 'garp':
        this.record({
          t: this.now,
          type: 'garp',
          node: name,
          vips: addresses(fx.vips),
          count: fx.count,
        });
        return;
      case 'run-script': {
        const ok = this.scriptOutcome(n, fx.name, fx.command);
        this.queue.push(this.now + this.scriptLatencyMs, {
          kind: 'script-done',
          node: name,
          epoch: n.epoch,
          instance,
          name: fx.name,
          ok,
        });
        return;
      }
      case 'transition':
        this.record({
          t: this.now,
          type: 'state',
          node: name,
          instance: router.config.name,
          from: fx.from,
          to: fx.to,
          reason: fx.reason,
          priority: fx.priority,
        });
        return;
      case 'priority-change':
        this.record({
          t: this.now,
          type: 'priority',
          node: name,
          instance: router.config.name,
          from: fx.from,
          to: fx.to,
        });
        return;
      case 'drop':
        n.drops[fx.reason] = (n.drops[fx.reason] ?? 0) + 1;
        if (fx.reason === 'vrid') return; // other groups' adverts: counted, not traced
        this.record(
          fx.from === undefined
            ? {
                t: this.now,
                type: 'drop',
                node: name,
                instance: router.config.name,
                reason: fx.reason,
              }
            : {
                t: this.now,
                type: 'drop',
                node: name,
                instance: router.config.name,
                reason: fx.reason,
                from: fx.from,
              },
        );
        return;
      case 'notify':
        return; // notify scripts have no effect on the simulated LAN
    }
  }

  /**
   * A track script passes when every process it names (by the script's name or command
   * containing the process name) runs on the node; a script naming no known process passes
   * while the node's processes are all up.
   */
  private scriptOutcome(n: NodeRuntime, name: string, command: string): boolean {
    const known = new Set([...(n.spec.processes ?? ['nginx'])]);
    const named = [...known].filter((p) => name.includes(p) || command.includes(p));
    const checked = named.length > 0 ? named : [...known];
    return checked.every((p) => n.processes.has(p));
  }

  private send(
    n: NodeRuntime,
    dst: string,
    datagram: Uint8Array,
    vrid: number,
    priority: number,
  ): void {
    const from = n.spec.name;
    if (!n.linkUp) return;
    this.record({
      t: this.now,
      type: 'send',
      node: from,
      dst,
      vrid,
      priority,
      hex: Buffer.from(datagram).toString('hex'),
    });
    // Loss and delay act on the sender's egress (as tc netem does): once per packet.
    const loss = this.lossRate.get(from) ?? 0;
    if (loss > 0 && this.rng.chance(loss)) {
      this.record({
        t: this.now,
        type: 'lost',
        from,
        to: dst,
        vrid,
        priority,
        why: `loss ${loss}`,
      });
      if (this.recordWire) this.wire.push({ t: this.now, from, to: [], dst, datagram });
      return;
    }
    let delay = this.latencyMs;
    const extra = this.extraDelay.get(from);
    if (extra) delay += extra.ms + (extra.jitterMs > 0 ? this.rng.next() * extra.jitterMs : 0);
    const targets: { node: string; epoch: number }[] = [];
    const candidates = isMulticast(dst)
      ? this.nodeList
      : [this.nodes.get(this.byAddress.get(dst) ?? '')];
    for (const target of candidates) {
      if (!target || target === n) continue;
      const to = target.spec.name;
      const filter =
        this.filters.length > 0 ? this.filters.find((f) => f.drops(from, to, dst)) : undefined;
      if (filter) {
        this.record({ t: this.now, type: 'lost', from, to, vrid, priority, why: filter.id });
        continue;
      }
      targets.push({ node: to, epoch: target.epoch });
    }
    if (targets.length > 0)
      this.queue.push(this.now + delay, { kind: 'deliver', targets, datagram });
    if (this.recordWire)
      this.wire.push({ t: this.now, from, to: targets.map((x) => x.node), dst, datagram });
  }
}

function addresses(vips: VipConfig[]): string[] {
  return vips.map((v) => v.address);
}

/** The trace as JSON lines: the byte-for-byte comparable form. */
export function traceToJsonl(trace: readonly TraceEvent[]): string {
  return trace.map((e) => JSON.stringify(e)).join('\n') + (trace.length ? '\n' : '');
}
