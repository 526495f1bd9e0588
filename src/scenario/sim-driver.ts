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
 *   expires (ARP_RERESOLVE_MS, a fixed approximation of Linux's neighbour timers).
 *
 * What it cannot model, so these are refused before the run starts (SIM_FAULT_UNSUPPORTED):
 * pause/resume (a frozen process), and any fault on a node that runs no VRRP (the database,
 * the prober): there is no MySQL, shop app or HTTP stack in the simulator. Nor does it model
 * HTTP timeouts, the shop's 503s, ARP cache expiry, or loss/delay hitting HTTP requests.
 * A scenario about those says `drivers: [docker]`; an `answers` expectation with a status other
 * than 200 is refused (SIM_EXPECTATION_UNSUPPORTED).
 */
import { analyzeTimeline, observeFrame, type AnalysisResult, type Observation } from '../capture';
import { LINKTYPE_RAW } from '../capture/link';
import type { Clock } from '../clock';
import { Simulator, type SimNodeSpec } from '../sim/simulator';
import type { VrrpStateName } from '../vrrp/state-machine';
import type { Driver, DriverOptions, FaultUnit, ProbeRecord, Refusal, VipSample } from './driver';
import type { LoadedScenario } from './loader';
import { rogueInstance } from './lab';
import { scenarioRogues } from './normalise';
import type { RogueSpec, Scenario } from './types';

export const SIM_FAULT_UNSUPPORTED = 'SIM_FAULT_UNSUPPORTED';
export const SIM_CONFIG_MISSING = 'SIM_CONFIG_MISSING';
export const SIM_EXPECTATION_UNSUPPORTED = 'SIM_EXPECTATION_UNSUPPORTED';

/**
 * How long a client keeps using an ARP entry for the VIP after its last answered request when
 * no gratuitous ARP corrects it: Linux's neighbour cache with default sysctls stays REACHABLE
 * for base_reachable_time (30 s, randomised 15-45 s), then STALE -> DELAY (5 s) -> PROBE
 * (3 x 1 s) before it asks the whole LAN again. 38 s is the middle of that range.
 */
export const ARP_RERESOLVE_MS = 38_000;

/** Rogue routers exist from the start but boot only when their fault is applied. */
const NEVER = Number.MAX_SAFE_INTEGER;

function rogueNode(r: RogueSpec, vip: string): SimNodeSpec {
  return {
    name: r.name,
    address: r.address,
    processes: [],
    bootAt: NEVER,
    instances: [rogueInstance(r, vip)],
  };
}

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
  private readonly probeLog: ProbeRecord[] = [];
  /** The node the client's ARP entry for the VIP points at. */
  private arp: string | null = null;
  private traceSeen = 0;
  private readonly announcedAt = new Map<string, number>();
  private lastOkAt = 0;
  private analysis: { wire: number; result: AnalysisResult } | undefined;

  constructor(loaded: LoadedScenario, options: DriverOptions) {
    this.scenario = loaded.scenario;
    const lab = loaded.scenario.lab;
    this.vip = lab.vip;
    const nodes: SimNodeSpec[] = [];
    const processesFor = (node: string): string[] => {
      const names = new Set(['nginx']);
      for (const step of this.scenario.steps)
        if (
          step.kind === 'fault' &&
          step.fault.kind === 'kill-process' &&
          step.fault.nodes.includes(node)
        )
          names.add(step.fault.process);
      return [...names];
    };
    for (const node of lab.nodes) {
      if (node.role !== 'web') continue;
      const config = loaded.configs[node.name];
      if (!config)
        throw new Error(`${SIM_CONFIG_MISSING}: no parsed keepalived config for ${node.name}`);
      nodes.push({
        name: node.name,
        address: node.address,
        instances: config.instances,
        processes: processesFor(node.name),
      });
    }
    this.web = nodes.map((n) => n.name);
    const rogues = scenarioRogues(this.scenario);
    this.rogues = rogues.map((r) => r.name);
    for (const r of rogues) nodes.push(rogueNode(r, lab.vip));
    this.sim = new Simulator({ seed: options.seed, nodes });
  }

  get clock(): Clock {
    return this.sim.clock;
  }

  refusals(): Refusal[] {
    const out: Refusal[] = [];
    const roles = new Map(this.scenario.lab.nodes.map((n) => [n.name, n.role]));
    this.scenario.steps.forEach((step, i) => {
      if (step.kind === 'expect' && step.expect.kind === 'answers' && step.expect.status !== 200) {
        out.push({
          step: i,
          code: SIM_EXPECTATION_UNSUPPORTED,
          message: `answers ${step.expect.status}: the simulator has no shop or database, its requests are answered 200 or not at all (use --driver docker, or drivers: [docker])`,
        });
        return;
      }
      if (step.kind !== 'fault' && step.kind !== 'heal') return;
      const kind = step.kind === 'fault' ? step.fault.kind : step.heal.kind;
      if (kind === 'pause') {
        out.push({
          step: i,
          code: SIM_FAULT_UNSUPPORTED,
          message: `pause: the simulator cannot freeze a node (use --driver docker)`,
        });
        return;
      }
      const targets =
        step.kind === 'fault'
          ? step.fault.kind === 'partition'
            ? step.fault.between.flat()
            : step.fault.kind === 'rogue-advert'
              ? []
              : step.fault.nodes
          : [...(step.heal.nodes ?? []), ...(step.heal.between?.flat() ?? [])];
      for (const node of targets) {
        const role = roles.get(node);
        if (role !== undefined && role !== 'web')
          out.push({
            step: i,
            code: SIM_FAULT_UNSUPPORTED,
            message: `${kind} on ${node}: ${node} is the ${role} node, and the simulator models only the VRRP nodes (use --driver docker)`,
          });
      }
    });
    return out;
  }

  start(): Promise<void> {
    const interval = this.scenario.probe.intervalMs;
    const probe = (): void => {
      this.probeOnce();
      this.sim.at(this.sim.now + interval, probe);
    };
    this.sim.at(0, probe);
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
    const sim = this.sim;
    switch (f.kind) {
      case 'partition':
        sim.partition(f.between[0], f.between[1]);
        break;
      case 'rogue-advert':
        this.present.add(f.rogue.name);
        sim.powerOn(f.rogue.name);
        break;
      default:
        for (const node of f.nodes) this.applyOn(f, node);
    }
    return Promise.resolve();
  }

  private applyOn(
    f: Exclude<FaultUnit, { kind: 'partition' | 'rogue-advert' }>,
    node: string,
  ): void {
    const sim = this.sim;
    switch (f.kind) {
      case 'power-off':
        return sim.powerOff(node);
      case 'graceful-stop':
        return sim.gracefulStop(node);
      case 'network-down':
        return sim.linkDown(node);
      case 'kill-process': {
        const set = this.killed.get(node) ?? new Set<string>();
        set.add(f.process);
        this.killed.set(node, set);
        return sim.killProcess(node, f.process);
      }
      case 'block-multicast':
        return sim.blockMulticast(node, f.direction);
      case 'block-vrrp':
        for (const other of this.sim.nodeNames()) {
          if (other === node) continue;
          if (f.direction !== 'out') sim.blockVrrp(other, node);
          if (f.direction !== 'in') sim.blockVrrp(node, other);
        }
        return;
      case 'loss':
        return sim.loss(node, f.rate);
      case 'delay':
        return sim.delay(node, f.latencyMs, f.jitterMs);
      case 'pause':
        throw new Error(`${SIM_FAULT_UNSUPPORTED}: pause`);
    }
  }

  heal(f: FaultUnit): Promise<void> {
    const sim = this.sim;
    if (f.kind === 'partition') sim.healPartition(f.between[0], f.between[1]);
    else if (f.kind === 'rogue-advert') {
      this.present.delete(f.rogue.name);
      sim.powerOff(f.rogue.name);
    } else for (const node of f.nodes) this.healOn(f, node);
    return Promise.resolve();
  }

  private healOn(
    f: Exclude<FaultUnit, { kind: 'partition' | 'rogue-advert' }>,
    node: string,
  ): void {
    const sim = this.sim;
    switch (f.kind) {
      case 'power-off':
        return sim.powerOn(node);
      case 'graceful-stop':
        return sim.startDaemon(node);
      case 'network-down':
        return sim.linkUp(node);
      case 'kill-process':
        this.killed.get(node)?.delete(f.process);
        return sim.startProcess(node, f.process);
      case 'block-multicast':
        return sim.unblockMulticast(node, f.direction);
      case 'block-vrrp':
        for (const other of this.sim.nodeNames()) {
          if (other === node) continue;
          if (f.direction !== 'out') sim.unblockVrrp(other, node);
          if (f.direction !== 'in') sim.unblockVrrp(node, other);
        }
        return;
      case 'loss':
        return sim.loss(node, 0);
      case 'delay':
        return sim.delay(node, 0, 0);
      case 'pause':
        return;
    }
  }

  wait(ms: number): Promise<void> {
    this.sim.runFor(ms);
    return Promise.resolve();
  }

  sample(): Promise<VipSample> {
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
   * before any drop), through the capture timeline analysis. Times: virtual seconds.
   */
  vrrp(): Promise<AnalysisResult> {
    const wire = this.sim.wire;
    if (this.analysis?.wire !== wire.length) {
      const observations: Observation[] = wire.map((p, i) =>
        observeFrame(LINKTYPE_RAW, p.datagram, p.t / 1000, 0, i + 1),
      );
      this.analysis = { wire: wire.length, result: analyzeTimeline(observations) };
    }
    return Promise.resolve(this.analysis.result);
  }

  stop(): Promise<void> {
    return Promise.resolve();
  }
}

export function createSimDriver(loaded: LoadedScenario, options: DriverOptions): SimDriver {
  return new SimDriver(loaded, options);
}
