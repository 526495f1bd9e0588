/**
 * The simulator driver: runs a scenario on src/sim's Simulator in virtual time, from a seed.
 * The web nodes run the real VRRP state machine with the instances of their keepalived
 * configs; the wire carries the real encoded adverts, which go through the same timeline
 * analysis (src/capture) as the Docker driver's pcaps.
 *
 * What the simulator models:
 * - VRRP exactly (timers, skew, preemption, priority 0, auth, unicast, v3), every fault on the
 *   VRRP nodes' LAN: power-off/on, graceful stop/start, link down/up, multicast and VRRP
 *   blocks (in/out/both), partitions between VRRP nodes, loss and delay of a node's egress
 *   (seeded), rogue routers (a simulated node that boots when the fault is applied).
 * - kill-process: the process is gone, so a track script checking it fails at its next run
 *   (the state machine then goes FAULT or lowers the priority); nginx gone means the node no
 *   longer answers HTTP.
 * - The client (prober): one request every probe interval, answered instantly. The client's
 *   ARP entry for the VIP follows the latest gratuitous ARP (or VIP takeover) it saw, as a
 *   Linux client's does. A request succeeds when that node still holds the VIP, is a web node
 *   and runs nginx. So an outage lasts from the old owner losing the VIP (or dying, or its
 *   nginx dying) until a serving node announces it; in a split brain the last announcer gets
 *   the traffic. Without a gratuitous ARP to correct it, a client re-asks after the ARP entry
 *   expires (ARP_RERESOLVE_MS, a fixed approximation of Linux's neighbour timers). A
 *   CPU-starved node (cpu-starve) answers no request within the prober's timeout, as on Docker
 *   at the default 0.02 CPU under the prober's load (src/sim/cpu-lateness.ts).
 *
 * What it cannot model, so these are refused before the run starts (SIM_FAULT_UNSUPPORTED):
 * pause/resume (a frozen process), and any fault on a node that runs no VRRP (the database,
 * the prober): there is no MySQL, shop app or HTTP stack in the simulator. Nor does it model
 * HTTP timeouts, the shop's 503s, Linux's neighbour timers beyond the fixed ARP_RERESOLVE_MS,
 * or loss/delay hitting HTTP requests. A scenario about those says `drivers: [docker]`; an
 * `answers` expectation with a status other than 200 is refused (SIM_EXPECTATION_UNSUPPORTED).
 * The refusals are in refusals.ts, from the fault catalog (src/faults).
 */
import { observeFrame, type Observation } from '../../capture';
import { LINKTYPE_RAW } from '../../capture/link';
import type { Clock } from '../../clock';
import { ChaosError } from '../../errors';
import { faultDef, simulateFault, type FaultUnit, type SimFaultContext } from '../../faults';
import type { Driver, DriverOptions, Observed, ProbeRecord, VipSample } from '../../run/driver';
import type { LoadedScenario } from '../../scenario/loader';
import { scenarioFaults } from '../../scenario/normalise';
import type { Scenario } from '../../scenario/types';
import { SeededRng } from '../../sim/rng';
import { Simulator, type SimNodeSpec } from '../../sim/simulator';
import type { VrrpStateName } from '../../vrrp/state-machine';
import { malformedReason, type MalformedKind } from '../../vrrp/malformed';
import { ReceiveCheckLog, counterDelta, type ReceiveChecks } from '../../run/receive-checks';
import { simRefusals } from './refusals';

export { SIM_EXPECTATION_UNSUPPORTED } from './refusals';
export { SIM_FAULT_UNSUPPORTED } from '../../faults';
export const SIM_CONFIG_MISSING = 'SIM_CONFIG_MISSING';

/**
 * How long a client keeps using an ARP entry for the VIP after its last answered request when
 * no gratuitous ARP corrects it: Linux's neighbour cache with default sysctls stays REACHABLE
 * for base_reachable_time (30 s, randomised 15-45 s), then STALE -> DELAY (5 s) -> PROBE
 * (3 x 1 s) before it asks the whole LAN again. 38 s is the middle of that range.
 */
export const ARP_RERESOLVE_MS = 38_000;

export class SimDriver implements Driver {
  readonly name = 'sim' as const;
  readonly pollIntervalMs = 10;
  readonly sim: Simulator;
  private readonly scenario: Scenario;
  private readonly vip: string;
  private readonly web: string[];
  private readonly rogues: string[];
  private readonly present = new Set<string>();
  private readonly killed = new Map<string, Set<string>>();
  /** CPU-starved nodes (cpu-starve): their HTTP answers time out. */
  private readonly starved = new Set<string>();
  private readonly probeLog: ProbeRecord[] = [];
  /** The node the client's ARP entry for the VIP points at. */
  private arp: string | null = null;
  private traceSeen = 0;
  private readonly announcedAt = new Map<string, number>();
  private lastOkAt = 0;
  private observed: { wire: number; seen: Observed } | undefined;
  private readonly faults: SimFaultContext;
  private readonly leadInMs: number;
  private readonly actionLatencyMs: number;
  private readonly sampleLatencyMs: number;
  /** Draws the action latencies (its own stream: the simulator's draws stay as they were). */
  private readonly actionRng: SeededRng;
  private readonly configs: LoadedScenario['configs'];
  private readonly floods = new Map<
    string,
    { vrid: number; pps: number; at: number; drops: Map<string, Record<string, number>> }
  >();
  private readonly receiveLog = new ReceiveCheckLog();

  constructor(loaded: LoadedScenario, options: DriverOptions) {
    this.scenario = loaded.scenario;
    this.configs = loaded.configs;
    this.leadInMs = options.leadInMs ?? 0;
    this.actionLatencyMs = options.actionLatencyMs ?? 0;
    this.sampleLatencyMs = options.sampleLatencyMs ?? 0;
    this.actionRng = new SeededRng(options.seed ^ 0x5eed);
    const lab = loaded.scenario.lab;
    this.vip = lab.vip;
    // What the scenario's faults need from the start: processes to track, routers to add.
    const prepared = scenarioFaults(this.scenario).map((f) => {
      const model = faultDef(f.kind).sim;
      return 'unsupported' in model ? {} : (model.prepare?.(f, lab) ?? {});
    });
    const nodes: SimNodeSpec[] = [];
    for (const node of lab.nodes) {
      if (node.role !== 'web') continue;
      const config = loaded.configs[node.name];
      if (!config)
        throw new ChaosError(SIM_CONFIG_MISSING, `no parsed keepalived config for ${node.name}`);
      const processes = new Set(['nginx']);
      for (const p of prepared.flatMap((x) => x.processes ?? []))
        if (p.node === node.name) processes.add(p.name);
      nodes.push({
        name: node.name,
        address: node.address,
        instances: config.instances,
        processes: [...processes],
      });
    }
    this.web = nodes.map((n) => n.name);
    const extra = new Map(prepared.flatMap((x) => x.nodes ?? []).map((n) => [n.name, n]));
    this.rogues = [...extra.keys()];
    nodes.push(...extra.values());
    this.sim = new Simulator({
      seed: options.seed,
      nodes,
      latencyMs: options.lanLatencyMs ?? 0,
      jitterMs: options.jitterMs ?? 0,
    });
    this.faults = this.faultContext();
  }

  /**
   * The simulator's fault primitives, plus what the driver keeps for its samples and probes:
   * which processes are gone (nginx: no answers) and which rogues are on the LAN.
   */
  private faultContext(): SimFaultContext {
    const sim = this.sim;
    return {
      powerOff: (n) => sim.powerOff(n),
      powerOn: (n) => sim.powerOn(n),
      gracefulStop: (n) => sim.gracefulStop(n),
      startDaemon: (n) => sim.startDaemon(n),
      linkDown: (n) => sim.linkDown(n),
      linkUp: (n) => sim.linkUp(n),
      blockMulticast: (n, d) => sim.blockMulticast(n, d),
      unblockMulticast: (n, d) => sim.unblockMulticast(n, d),
      blockVrrp: (from, to) => sim.blockVrrp(from, to),
      unblockVrrp: (from, to) => sim.unblockVrrp(from, to),
      partition: (a, b) => sim.partition(a, b),
      healPartition: (a, b) => sim.healPartition(a, b),
      loss: (n, rate) => sim.loss(n, rate),
      ingressLoss: (n, rate) => sim.ingressLoss(n, rate),
      delay: (n, ms, jitter) => sim.delay(n, ms, jitter),
      ingressDelay: (n, ms, jitter) => sim.ingressDelay(n, ms, jitter),
      cpuLimit: (n, cpus) => {
        if (cpus === null) this.starved.delete(n);
        else this.starved.add(n);
        sim.cpuLimit(n, cpus);
      },
      healNetwork: () => sim.healNetwork(),
      nodeNames: () => sim.nodeNames(),
      killProcess: (n, p = 'nginx') => {
        const set = this.killed.get(n) ?? new Set<string>();
        set.add(p);
        this.killed.set(n, set);
        sim.killProcess(n, p);
      },
      startProcess: (n, p = 'nginx') => {
        this.killed.get(n)?.delete(p);
        sim.startProcess(n, p);
      },
      malformedFlood: (f) => this.floodStarted(f),
      stopFlood: (sender) => this.floodStopped(sender),
      rogueOn: (name) => {
        this.present.add(name);
        sim.powerOn(name);
      },
      rogueOff: (name) => {
        this.present.delete(name);
        sim.powerOff(name);
      },
    };
  }

  /** A flood begins: where each web node's drop counters stand. */
  private floodStarted(f: { sender: string; vrid: number; pps: number; kinds?: string[] }): void {
    if (this.floods.has(f.sender)) return;
    this.sim.malformedFlood(f);
    const drops = new Map(this.web.map((n) => [n, { ...this.sim.drops(n) }]));
    this.floods.set(f.sender, { ...f, at: this.sim.now, drops });
  }

  /** A flood ends: what it sent by kind, and what each web node dropped meanwhile. */
  private floodStopped(sender: string): Record<string, number> {
    const sent = this.sim.stopFlood(sender);
    const flood = this.floods.get(sender);
    if (!flood) return sent;
    this.floods.delete(sender);
    const instance = Object.values(this.configs)
      .flatMap((c) => c.instances)
      .find((i) => i.vrid === flood.vrid);
    this.receiveLog.addSent({
      sender,
      address: this.sim.address(sender),
      pps: flood.pps,
      seconds: (this.sim.now - flood.at) / 1000,
      kinds: Object.entries(sent).map(([kind, n]) => ({
        kind,
        reason: instance ? malformedReason(kind as MalformedKind, instance) : kind,
        sent: n,
      })),
    });
    for (const node of this.web)
      this.receiveLog.addNode({
        node,
        daemon: 'sim',
        counters: counterDelta(flood.drops.get(node) ?? {}, this.sim.drops(node)),
        uncounted: [],
      });
    return sent;
  }

  receiveChecks(): Promise<ReceiveChecks | null> {
    return Promise.resolve(this.receiveLog.result());
  }

  get clock(): Clock {
    return this.sim.clock;
  }

  refusals(): ReturnType<Driver['refusals']> {
    return simRefusals(this.scenario);
  }

  start(): Promise<void> {
    const interval = this.scenario.probe.intervalMs;
    const probe = (): void => {
      this.probeOnce();
      this.sim.at(this.sim.now + interval, probe);
    };
    this.sim.at(0, probe);
    // The lab runs (and the client probes) for the lead-in before the scenario's first step.
    if (this.leadInMs > 0) this.sim.runFor(this.leadInMs);
    return Promise.resolve();
  }

  /** One client request at the current virtual time. */
  private probeOnce(): void {
    this.followArp();
    const t = this.sim.now;
    if (
      t - this.lastOkAt >= ARP_RERESOLVE_MS &&
      (this.arp === null || !this.sim.holdsVip(this.arp, this.vip))
    )
      this.reresolveArp();
    const node = this.arp;
    let error: string | undefined;
    if (node === null) error = 'no node has announced the VIP';
    else if (!this.sim.holdsVip(node, this.vip))
      error = `${node} (last to announce the VIP) no longer holds it`;
    else if (!this.web.includes(node)) error = `${node} holds the VIP but serves no web page`;
    else if (this.killed.get(node)?.has('nginx')) error = `nginx is not running on ${node}`;
    else if (this.starved.has(node)) error = `${node} is CPU-starved: the request timed out`;
    if (error === undefined) this.lastOkAt = t;
    this.probeLog.push(
      error === undefined
        ? { t, ok: true, status: 200, servedBy: node, latencyMs: 0 }
        : { t, ok: false, status: null, servedBy: null, latencyMs: null, error },
    );
  }

  /** The client's ARP entry follows VIP takeovers and gratuitous ARPs, latest wins. */
  private followArp(): void {
    const trace = this.sim.trace;
    for (; this.traceSeen < trace.length; this.traceSeen++) {
      const e = trace[this.traceSeen]!;
      if (
        (e.type === 'garp' || (e.type === 'vip' && e.action === 'add')) &&
        e.vips.includes(this.vip)
      ) {
        this.arp = e.node;
        this.announcedAt.set(e.node, e.t);
      }
    }
  }

  /** The stale ARP entry expired: ask again; of the current owners the latest announcer answers. */
  private reresolveArp(): void {
    const owners = this.sim.vipOwners(this.vip);
    if (owners.length === 0) return;
    this.arp = owners.reduce((a, b) =>
      (this.announcedAt.get(b) ?? 0) > (this.announcedAt.get(a) ?? 0) ? b : a,
    );
  }

  apply(f: FaultUnit): Promise<void> {
    this.actionDelay();
    simulateFault(f, this.faults, 'apply');
    return Promise.resolve();
  }

  heal(f: FaultUnit): Promise<void> {
    this.actionDelay();
    simulateFault(f, this.faults, 'heal');
    return Promise.resolve();
  }

  /** The time a fault's plan takes before it acts (DriverOptions.actionLatencyMs). */
  private actionDelay(): void {
    if (this.actionLatencyMs > 0) this.sim.runFor(this.actionRng.next() * this.actionLatencyMs);
  }

  wait(ms: number): Promise<void> {
    this.sim.runFor(ms);
    return Promise.resolve();
  }

  sample(): Promise<VipSample> {
    if (this.sampleLatencyMs > 0) this.sim.runFor(this.actionRng.next() * this.sampleLatencyMs);
    return this.peek();
  }

  peek(): Promise<VipSample> {
    const states: Record<string, VrrpStateName> = {};
    for (const node of this.web) states[node] = this.sim.state(node);
    for (const node of this.rogues) if (this.present.has(node)) states[node] = this.sim.state(node);
    return Promise.resolve({ t: this.sim.now, owners: this.sim.vipOwners(this.vip), states });
  }

  probes(): Promise<ProbeRecord[]> {
    return Promise.resolve([...this.probeLog]);
  }

  /**
   * The adverts every node sent (as captures in each node's network namespace would see them,
   * before any drop). Times: virtual seconds.
   */
  observations(): Promise<Observed> {
    const wire = this.sim.wire;
    if (this.observed?.wire !== wire.length) {
      const observations: Observation[] = wire.map((p, i) =>
        observeFrame(LINKTYPE_RAW, p.datagram, p.t / 1000, 0, i + 1),
      );
      this.observed = { wire: wire.length, seen: { observations, sources: [] } };
    }
    return Promise.resolve(this.observed.seen);
  }

  stop(): Promise<void> {
    return Promise.resolve();
  }
}

export function createSimDriver(loaded: LoadedScenario, options: DriverOptions): SimDriver {
  return new SimDriver(loaded, options);
}
