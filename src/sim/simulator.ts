/**
 * The simulator: N routers running the real VRRP state machine (src/vrrp) on an in-memory LAN
 * that carries the real encoded datagrams, in virtual time, from a seed.
 *
 * Deterministic: all randomness comes from one seeded RNG, events at the same virtual time run
 * in the order they were scheduled, and nothing reads the system clock. The same seed and the
 * same calls give the same trace, byte for byte.
 *
 * This file is the public face: the run loop, what can be observed, and the faults. The parts
 * are nodes.ts (the nodes and their processes), routers.ts (the state machine's inputs and
 * effects), lan.ts and packet-filters.ts (the network), trace.ts (what a run leaves behind).
 */
import type { RouterState, VrrpStateName } from '../vrrp/state-machine';
import { VirtualClock } from './clock';
import { starvedLateness } from './cpu-lateness';
import { EventQueue } from './event-queue';
import { SimFlood } from './flood';
import { Jitter } from './jitter';
import type { SimFaultTarget } from './fault-target';
import { SimLan } from './lan';
import { SimNodes, resetNode, type NodeRuntime, type SimNodeSpec } from './nodes';
import {
  multicastBlock,
  multicastBlockId,
  partitionFilter,
  partitionId,
  vrrpBlock,
  vrrpBlockId,
  type Direction,
} from './packet-filters';
import { SeededRng } from './rng';
import { SimRouters } from './routers';
import type { SimEvent } from './sim-event';
import { record, type SimRecorder, type TraceEvent, type WirePacket } from './trace';

export type { SimFaultTarget } from './fault-target';
export type { SimNodeSpec } from './nodes';
export type { Direction } from './packet-filters';
export { traceToJsonl, type TraceEvent, type WirePacket } from './trace';

export interface SimOptions {
  seed: number;
  nodes: SimNodeSpec[];
  /** One-way LAN latency in ms (default 0). */
  latencyMs?: number;
  /** How long a track script takes to answer, ms (default 0). */
  scriptLatencyMs?: number;
  /** Up to this much seeded jitter per router timer and per packet copy, ms (default 0: exact). */
  jitterMs?: number;
}

export class Simulator implements SimFaultTarget, SimRecorder {
  readonly clock = new VirtualClock(0);
  readonly trace: TraceEvent[] = [];
  readonly wire: WirePacket[] = [];
  private readonly queue = new EventQueue<SimEvent>();
  private readonly nodes = new SimNodes();
  private readonly lan: SimLan;
  private readonly routers: SimRouters;
  private readonly floods = new Map<string, SimFlood>();
  /** When false, `wire` is not recorded (benchmarks). */
  recordWire = true;
  /** When false, `trace` is not recorded (benchmarks). */
  recordTrace = true;

  constructor(opts: SimOptions) {
    const rng = new SeededRng(opts.seed);
    const jitter = new Jitter(opts.seed, opts.jitterMs ?? 0);
    this.lan = new SimLan(this.clock, rng, this.queue, this.nodes, this, opts.latencyMs ?? 0);
    this.lan.jitter = jitter;
    this.routers = new SimRouters(
      this.clock,
      this.queue,
      this.lan,
      this,
      opts.scriptLatencyMs ?? 0,
      rng,
      jitter,
    );
    for (const spec of opts.nodes) {
      const node = this.nodes.add(spec);
      this.at(spec.bootAt ?? 0, () => this.routers.boot(node, 'boot'));
    }
  }

  get now(): number {
    return this.clock.now();
  }

  nodeNames(): string[] {
    return this.nodes.names();
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
    for (const n of this.nodes.list) if (n.powered && n.vips.has(vip)) owners.push(n.spec.name);
    return owners;
  }

  /** Packets the node's routers dropped, by reason, since the simulation began. */
  drops(node: string): Readonly<Record<string, number>> {
    return this.node(node).drops;
  }

  /** A node's address. */
  address(node: string): string {
    return this.node(node).spec.address;
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
    record(this, { t: this.now, type: 'power-off', node });
    resetNode(n, false);
  }

  powerOn(node: string): void {
    const n = this.node(node);
    if (n.powered) return;
    this.routers.boot(n, 'power-on');
  }

  /** The VRRP daemon stops gracefully (SIGTERM): priority 0 from a master. */
  gracefulStop(node: string): void {
    const n = this.node(node);
    this.fault('graceful-stop', node);
    if (!n.powered) return;
    this.routers.inputAll(n, { kind: 'shutdown', now: this.now });
  }

  /** The VRRP daemon starts again after a graceful stop. */
  startDaemon(node: string): void {
    const n = this.node(node);
    this.fault('start', node);
    if (!n.powered) return;
    this.routers.restartStopped(n);
  }

  /** The node's interface goes down (the seed's `service network stop`). */
  linkDown(node: string): void {
    const n = this.node(node);
    this.fault('network-down', node);
    if (!n.linkUp) return;
    n.linkUp = false;
    if (n.powered) this.routers.inputAll(n, { kind: 'interface', up: false, now: this.now });
  }

  linkUp(node: string): void {
    const n = this.node(node);
    this.fault('network-up', node);
    if (n.linkUp) return;
    n.linkUp = true;
    if (n.powered) this.routers.inputAll(n, { kind: 'interface', up: true, now: this.now });
  }

  /**
   * Drop VRRP multicast on `node` (iptables on 224.0.0.18), in, out or both; by default on
   * receipt (INPUT), as the course and the Docker fault do.
   */
  blockMulticast(node: string, direction: Direction = 'in'): void {
    this.fault('block-multicast', `${node} ${direction}`);
    this.lan.addFilter(multicastBlock(node, direction));
  }

  unblockMulticast(node: string, direction: Direction = 'in'): void {
    this.fault('unblock-multicast', `${node} ${direction}`);
    this.lan.removeFilter(multicastBlockId(node, direction));
  }

  /** Drop all VRRP (multicast and unicast) from `from` to `to`. */
  blockVrrp(from: string, to: string): void {
    this.fault('block-vrrp', `${from} -> ${to}`);
    this.lan.addFilter(vrrpBlock(from, to));
  }

  unblockVrrp(from: string, to: string): void {
    this.fault('unblock-vrrp', `${from} -> ${to}`);
    this.lan.removeFilter(vrrpBlockId(from, to));
  }

  /** No traffic between the node sets (each side still talks within itself). */
  partition(a: string[], b: string[]): void {
    this.fault('partition', `${a.join(',')} | ${b.join(',')}`);
    this.lan.addFilter(partitionFilter(a, b));
  }

  healPartition(a: string[], b: string[]): void {
    this.fault('heal-partition', `${a.join(',')} | ${b.join(',')}`);
    this.lan.removeFilter(partitionId(a, b));
  }

  /** Lose packets sent by `node` with probability `rate` (seeded). 0 heals. */
  loss(node: string, rate: number): void {
    this.fault('loss', `${node} ${rate}`);
    this.lan.setLoss(node, rate);
  }

  ingressLoss(node: string, rate: number): void {
    this.fault('ingress-loss', `${node} ${rate}`);
    this.lan.setIngressLoss(node, rate);
  }

  /** Delay packets sent by `node` by `ms` plus up to `jitterMs` (seeded). 0 heals. */
  delay(node: string, ms: number, jitterMs = 0): void {
    this.fault('delay', `${node} ${ms}ms jitter ${jitterMs}ms`);
    this.lan.setDelay(node, ms, jitterMs);
  }

  /** Delay packets `node` receives by `ms` plus up to `jitterMs` (seeded). 0 heals. */
  ingressDelay(node: string, ms: number, jitterMs = 0): void {
    this.fault('ingress-delay', `${node} ${ms}ms jitter ${jitterMs}ms`);
    this.lan.setDelay(node, ms, jitterMs, 'in');
  }

  /** Starve the node's CPU to `cpus`: its timers fire late (cpu-lateness.ts); null heals. */
  cpuLimit(node: string, cpus: number | null): void {
    this.fault('cpu-limit', `${node} ${cpus ?? 'none'}`);
    this.node(node).cpu = cpus === null ? null : starvedLateness(cpus);
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
    this.lan.heal();
  }

  /** `sender` floods the group `vrid` with broken adverts (src/sim/flood.ts); idempotent. */
  malformedFlood(f: { sender: string; vrid: number; pps: number; kinds?: string[] }): void {
    if (this.floods.has(f.sender)) return;
    this.fault('malformed-flood', `${f.sender} ${f.pps} pps ${f.kinds?.join(',') ?? 'mixed'}`);
    const instance = this.nodes.list
      .flatMap((n) => n.spec.instances)
      .find((i) => i.vrid === f.vrid);
    if (!instance) throw new Error(`no simulated node runs VRID ${f.vrid}`);
    const host = {
      now: () => this.now,
      at: (t: number, fn: () => void) => this.at(t, fn),
      send: this.lan.send.bind(this.lan),
    };
    this.floods.set(f.sender, new SimFlood(host, this.node(f.sender), instance, f.pps, f.kinds));
  }

  stopFlood(sender: string): Record<string, number> {
    const flood = this.floods.get(sender);
    if (!flood) return {};
    this.fault('stop-malformed-flood', sender);
    this.floods.delete(sender);
    return flood.stop();
  }

  // -------------------------------------------------------------------------------------------
  // Internals

  private node(name: string): NodeRuntime {
    return this.nodes.get(name);
  }

  private fault(action: string, detail: string): void {
    record(this, { t: this.now, type: 'fault', action, detail });
  }

  private dispatch(ev: SimEvent): void {
    if (ev.kind === 'action') ev.run();
    else this.routers.dispatch(ev);
  }
}
