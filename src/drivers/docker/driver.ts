/**
 * The Docker driver: runs a scenario on real containers (src/lab). Time is real: `wait` sleeps,
 * the clock is milliseconds since the scenario's lab came up (captures and prober started).
 *
 * start(): the lab from the DockerSession (reused when its definition is identical, else
 * brought up), tcpdump (`ip proto 112 or arp`) in every web node's network namespace and on the
 * prober, then the prober (the scenario's interval and timeout, its run bounded by the
 * scenario's length). A capture that dies with its node (power-off, link down, pause) is
 * started again, in a new file, when the fault is healed.
 *
 * Evidence (in the scenario's evidence folder, also while running): pcaps/<node>-<n>.pcap (cut
 * to whole records), prober.jsonl, samples.jsonl (every VIP sample the runner took), and per
 * node the daemon's event log and log since the scenario began. observations() copies the pcaps
 * so far and reads their frames (times in seconds since the lab came up; the runner analyses
 * them); stop() stops prober and captures with SIGINT (complete files), copies everything and
 * releases the lab to the session.
 */
import fs from 'node:fs';
import path from 'node:path';
import { observePcapFiles } from '../../capture';
import { clockSince, type Clock } from '../../clock';
import { ChaosError, INTERRUPTED } from '../../errors';
import { dockerActions, type DockerAction, type FaultUnit } from '../../faults';
import type { StartedLab } from '../../lab/docker-lab';
import { captureCommand } from '../../lab/capture';
import { failureCollector } from '../../lab/docker-support';
import { PROBER_MAIN, proberCommand } from '../../lab/prober-command';
import { NODE_PROBE_SCRIPT, parseNodeProbe } from '../../lab/lab-status';
import type { LabSpec } from '../../lab/lab-spec';
import type { VrrpStateName } from '../../vrrp/state-machine';
import {
  LOG_DIR,
  completePcapLength,
  parseProbeChunk,
  proberDurationS,
  sampledState,
  shiftObservations,
  untar,
} from './evidence';
import type { DockerSession } from './session';
import type { Driver, DriverFactory, Observed, ProbeRecord, VipSample } from '../../run/driver';
import type { LoadedScenario } from '../../scenario/loader';
import { STEADY_STATE_TIMEOUT_MS } from '../../run/runner';
import type { Scenario } from '../../scenario/types';
import { dockerRefusals } from './refusals';
import { DockerFloods } from './floods';
import type { ReceiveChecks } from '../../run/receive-checks';

export { DOCKER_FAULT_UNSUPPORTED } from './refusals';

/** Matches the prober's command line but not the shell that runs pkill with it. */
const PROBER_PATTERN = PROBER_MAIN.replace(/main\.js$/, '[m]ain.js');

/** Logs a web node keeps in LOG_DIR; the part written during the scenario is kept. */
const NODE_LOGS = ['vrrpd-events.jsonl', 'vrrpd.log', 'keepalived.log', 'entrypoint.log'];

export interface DockerDriverDeps {
  /** Epoch milliseconds (the prober and tcpdump stamp epoch times). */
  now(): number;
  sleep(ms: number): Promise<void>;
  /** Where this scenario's evidence goes (created on start). */
  evidenceDir: string;
  /** A short id unique to this scenario run (names the files inside the containers). */
  tag: string;
  /** How long the prober may run (default: the scenario's length, proberDurationS). */
  proberDurationS?: number;
}

/** What a DockerDriver needs of its session: a DockerSession, or a fake in tests. */
export type DriverSession = Pick<DockerSession, 'acquire' | 'images' | 'signal' | 'interrupted'>;

export class DockerDriver implements Driver {
  readonly name = 'docker' as const;
  /** A sample costs one exec per node (about 50-150 ms); polling faster gains nothing. */
  readonly pollIntervalMs = 100;
  readonly clock: Clock;
  private readonly scenario: Scenario;
  private origin: number;
  private lab: StartedLab | undefined;
  private readonly captureCount = new Map<string, number>();
  private readonly logOffsets = new Map<string, number[]>();
  /** Rogue routers started by a fault and not yet removed. */
  private readonly rogues = new Set<string>();
  /**
   * Nodes not asked for samples: frozen (pause: they answer no exec) or CPU-starved (cpu-limit:
   * an exec takes seconds, past the sample's timeout). Their samples repeat what they showed
   * last; the captures (the other nodes' too) still show what they did.
   */
  private readonly unasked = new Set<string>();
  private readonly lastSeen = new Map<string, { state: VrrpStateName; owner: boolean }>();
  private readonly probeLog: ProbeRecord[] = [];
  private probeOffset = 0;
  private probeCarry = '';
  private readonly samples: VipSample[] = [];
  private observed: { key: string; seen: Observed } | undefined;
  private stopped = false;
  /** Floods of broken VRRP (malformed-adverts) and the receive checks they met. */
  private readonly floods: DockerFloods;

  constructor(
    loaded: LoadedScenario,
    private readonly session: DriverSession,
    private readonly deps: DockerDriverDeps,
  ) {
    this.scenario = loaded.scenario;
    this.origin = deps.now();
    this.clock = clockSince({ now: () => this.deps.now() }, () => this.origin);
    this.floods = new DockerFloods(this.scenario.lab, () => this.deps.now());
  }

  receiveChecks(): Promise<ReceiveChecks | null> {
    return Promise.resolve(this.floods.result());
  }

  private get spec(): LabSpec {
    return this.scenario.lab;
  }

  /** The lab start() acquired (DRIVER_NOT_STARTED before). */
  startedLab(): StartedLab {
    return this.started;
  }

  private get started(): StartedLab {
    if (!this.lab) throw new ChaosError('DRIVER_NOT_STARTED', 'the Docker driver has no lab yet');
    return this.lab;
  }

  private webNodes(): string[] {
    return this.spec.nodes.filter((n) => n.role === 'web').map((n) => n.name);
  }

  private proberNode(): string | undefined {
    return this.spec.nodes.find((n) => n.role === 'prober')?.name;
  }

  private captureNodes(): string[] {
    const prober = this.proberNode();
    return [...this.webNodes(), ...(prober ? [prober] : [])];
  }

  private get captureDir(): string {
    return `${LOG_DIR}/captures-${this.deps.tag}`;
  }

  private get proberFile(): string {
    return `${LOG_DIR}/prober-${this.deps.tag}.jsonl`;
  }

  refusals(): ReturnType<Driver['refusals']> {
    return dockerRefusals(this.scenario);
  }

  private throwIfInterrupted(): void {
    if (this.session.interrupted)
      throw new ChaosError(
        INTERRUPTED,
        `interrupted (${String(this.session.signal.reason as unknown)})`,
      );
  }

  async start(): Promise<void> {
    this.throwIfInterrupted();
    fs.mkdirSync(this.deps.evidenceDir, { recursive: true });
    const { lab } = await this.session.acquire(this.spec);
    this.lab = lab;
    // Where each node's logs stand now: the scenario's part is what comes after.
    await Promise.all(
      this.webNodes().map(async (node) => {
        const r = await lab.exec(node, [
          'sh',
          '-c',
          NODE_LOGS.map((f) => `wc -c < ${LOG_DIR}/${f} 2>/dev/null || echo 0`).join('; '),
        ]);
        this.logOffsets.set(
          node,
          r.stdout
            .trim()
            .split('\n')
            .map((x) => Number(x) || 0),
        );
      }),
    );
    this.origin = this.deps.now();
    await Promise.all(this.captureNodes().map((n) => this.startCapture(n)));
    const prober = this.proberNode();
    if (prober) {
      const p = this.scenario.probe;
      const duration =
        this.deps.proberDurationS ?? proberDurationS(this.scenario, STEADY_STATE_TIMEOUT_MS);
      await lab.execDetached(
        prober,
        proberCommand({
          url: p.url,
          intervalMs: p.intervalMs,
          timeoutMs: p.timeoutMs,
          durationS: duration,
          out: this.proberFile,
          logFile: `${LOG_DIR}/prober-${this.deps.tag}.log`,
        }),
      );
    }
  }

  /** tcpdump in the node's network namespace, into a new file (unless one is running). */
  private async startCapture(node: string): Promise<void> {
    const lab = this.started;
    const running = await lab.exec(node, ['pgrep', '-x', 'tcpdump']).catch(() => undefined);
    if (!running) return; // Node not running: captured again when it is healed.
    if (running.exitCode === 0) return;
    const n = (this.captureCount.get(node) ?? 0) + 1;
    this.captureCount.set(node, n);
    const file = `${this.captureDir}/${node}-${n}.pcap`;
    await lab.execDetached(
      node,
      captureCommand({ file, logFile: `${this.captureDir}/tcpdump.log` }),
    );
  }

  async apply(f: FaultUnit): Promise<void> {
    this.throwIfInterrupted();
    for (const action of dockerActions(f, this.spec, 'apply')) await this.carryOut(action);
  }

  async heal(f: FaultUnit): Promise<void> {
    for (const action of dockerActions(f, this.spec, 'heal')) {
      await this.carryOut(action);
      // A capture dies with its node (power-off), its link (network-down): start another.
      if ('node' in action && this.captureNodes().includes(action.node))
        await this.startCapture(action.node);
    }
  }

  /** One action of a fault's Docker plan (src/faults): steps in a node, or a rogue router. */
  private async carryOut(action: DockerAction): Promise<void> {
    const lab = this.started;
    if ('startRogue' in action) {
      this.rogues.add(action.startRogue.name);
      await lab.startRogue({ ...action.startRogue, image: this.session.images.web });
    } else if ('removeRogue' in action) {
      await lab.removeRogue(action.removeRogue);
      this.rogues.delete(action.removeRogue);
      this.lastSeen.delete(action.removeRogue);
    } else if ('startFlood' in action) {
      await this.floods.start(lab, action.startFlood, this.session.images.web);
    } else if ('removeFlood' in action) {
      await this.floods.stop(lab, action.removeFlood);
    } else {
      await lab.runSteps(action.node, action.steps);
      for (const step of action.steps) {
        if (step.do === 'pause' || step.do === 'cpu-limit') this.unasked.add(action.node);
        if (step.do === 'unpause' || step.do === 'cpu-restore') this.unasked.delete(action.node);
      }
    }
  }

  async wait(ms: number): Promise<void> {
    this.throwIfInterrupted();
    if (ms <= 0) return;
    const signal = this.session.signal;
    await new Promise<void>((resolve) => {
      const done = (): void => {
        signal.removeEventListener('abort', done);
        resolve();
      };
      signal.addEventListener('abort', done);
      void this.deps.sleep(ms).then(done);
    });
    this.throwIfInterrupted();
  }

  async sample(): Promise<VipSample> {
    const lab = this.started;
    const vip = this.spec.vip;
    const nodes = [...this.webNodes(), ...this.rogues];
    const seen = await Promise.all(
      nodes.map(async (node): Promise<{ state: VrrpStateName; owner: boolean }> => {
        if (this.unasked.has(node))
          return this.lastSeen.get(node) ?? { state: 'INIT', owner: false };
        try {
          const r = await lab.exec(node, ['sh', '-c', NODE_PROBE_SCRIPT], 10000);
          const obs = parseNodeProbe(r.stdout);
          return { state: sampledState(true, obs.vrrp), owner: obs.addresses.includes(vip) };
        } catch (error) {
          if (await lab.isRunning(node).catch(() => true)) throw error;
          return { state: 'STOPPED', owner: false };
        }
      }),
    );
    const t = this.clock.now();
    const states: Record<string, VrrpStateName> = {};
    const owners: string[] = [];
    nodes.forEach((node, i) => {
      const s = seen[i] ?? { state: 'INIT', owner: false };
      this.lastSeen.set(node, s);
      states[node] = s.state;
      if (s.owner) owners.push(node);
    });
    const sample = { t, owners, states };
    this.samples.push(sample);
    return sample;
  }

  async probes(): Promise<ProbeRecord[]> {
    const prober = this.proberNode();
    if (!prober || !this.lab) return [...this.probeLog];
    const r = await this.lab.exec(prober, [
      'sh',
      '-c',
      `tail -c +${this.probeOffset + 1} ${this.proberFile} 2>/dev/null || true`,
    ]);
    this.probeOffset += Buffer.byteLength(r.stdout, 'utf8');
    const chunk = parseProbeChunk(this.probeCarry, r.stdout, this.origin);
    this.probeCarry = chunk.rest;
    if (chunk.records.length > 0) {
      // Lines come in the order requests finish (a timeout finishes late): keep send order.
      this.probeLog.push(...chunk.records);
      this.probeLog.sort((a, b) => a.t - b.t);
    }
    return [...this.probeLog];
  }

  /** Copy the pcaps so far into the evidence folder; their paths. */
  private async fetchPcaps(): Promise<string[]> {
    const lab = this.started;
    const dir = path.join(this.deps.evidenceDir, 'pcaps');
    fs.mkdirSync(dir, { recursive: true });
    const files: string[] = [];
    for (const node of this.captureNodes()) {
      const tar = await lab.archive(node, this.captureDir);
      for (const entry of untar(tar ?? Buffer.alloc(0))) {
        if (!entry.name.endsWith('.pcap')) continue;
        const complete = completePcapLength(entry.data);
        if (complete === 0) continue;
        const file = path.join(dir, path.basename(entry.name));
        fs.writeFileSync(file, entry.data.subarray(0, complete));
        files.push(file);
      }
    }
    return files.sort();
  }

  /** The frames of the pcaps so far (copied into the evidence folder), times since the lab came up. */
  async observations(): Promise<Observed> {
    if (!this.lab) return { observations: [], sources: [] };
    const files = await this.fetchPcaps();
    const key = files.map((f) => `${f}:${fs.statSync(f).size}`).join('|');
    if (this.observed?.key === key) return this.observed.seen;
    let seen: Observed = { observations: [], sources: [] };
    if (files.length > 0) {
      const { observations, sources } = await observePcapFiles(files);
      seen = { observations: shiftObservations(observations, this.origin), sources };
    }
    this.observed = { key, seen };
    return seen;
  }

  /** Stop prober and captures (SIGINT: complete files), copy the evidence, release the lab. */
  async stop(): Promise<void> {
    if (this.stopped || !this.lab) return;
    this.stopped = true;
    const lab = this.lab;
    const prober = this.proberNode();
    const { failures, tolerate } = failureCollector();
    await Promise.all([
      ...(prober
        ? [tolerate('stop the prober', () => this.stopProcess(prober, '-f', PROBER_PATTERN))]
        : []),
      ...this.captureNodes().map((n) =>
        tolerate(`stop tcpdump in ${n}`, () => this.stopProcess(n, '-x', 'tcpdump')),
      ),
    ]);
    await tolerate('copy the pcaps', () => this.fetchPcaps());
    if (prober) await tolerate('read the prober output', () => this.probes());
    const dir = this.deps.evidenceDir;
    await tolerate('write prober.jsonl', async () => {
      const data = await lab.readFile(prober ?? '', this.proberFile);
      fs.writeFileSync(path.join(dir, 'prober.jsonl'), data ?? '');
    });
    fs.writeFileSync(
      path.join(dir, 'samples.jsonl'),
      this.samples.map((s) => JSON.stringify(s)).join('\n') + (this.samples.length ? '\n' : ''),
    );
    await Promise.all(
      this.webNodes().map((node) =>
        tolerate(`copy the logs of ${node}`, async () => {
          const offsets = this.logOffsets.get(node) ?? [];
          const nodeDir = path.join(dir, node);
          fs.mkdirSync(nodeDir, { recursive: true });
          const tar = await lab.archive(node, LOG_DIR);
          const files = untar(tar ?? Buffer.alloc(0));
          NODE_LOGS.forEach((name, i) => {
            const entry = files.find((f) => path.basename(f.name) === name);
            if (!entry) return;
            const from = Math.min(offsets[i] ?? 0, entry.data.length);
            if (entry.data.length > from)
              fs.writeFileSync(path.join(nodeDir, name), entry.data.subarray(from));
          });
        }),
      ),
    );
    for (const rogue of this.rogues)
      await tolerate(`remove ${rogue}`, () => lab.removeRogue(rogue));
    for (const flood of this.floods.names())
      await tolerate(`remove ${flood}`, () => this.floods.stop(lab, flood));
    if (failures.length > 0)
      fs.writeFileSync(path.join(dir, 'evidence-errors.txt'), `${failures.join('\n')}\n`);
  }

  /** SIGINT a process in a node and wait (at most 3 s) until it is gone; SIGKILL then. */
  private async stopProcess(node: string, how: '-f' | '-x', pattern: string): Promise<void> {
    const lab = this.started;
    if (!(await lab.isRunning(node))) return;
    await lab.exec(node, [
      'sh',
      '-c',
      `pkill -INT ${how} '${pattern}' || exit 0; for i in $(seq 1 30); do pgrep ${how} '${pattern}' >/dev/null || exit 0; sleep 0.1; done; pkill -KILL ${how} '${pattern}'; true`,
    ]);
  }
}

/** The Docker driver's factory for a session; each scenario gets its own evidence folder. */
export function createDockerDriverFactory(
  session: DockerSession,
  evidenceDirFor: (loaded: LoadedScenario) => string,
): DriverFactory {
  let count = 0;
  return (loaded) => {
    count++;
    return new DockerDriver(loaded, session, {
      now: () => session.deps.now(),
      sleep: (ms) => session.deps.sleep(ms),
      evidenceDir: evidenceDirFor(loaded),
      tag: `${session.deps.newRunId()}-${count}`,
    });
  };
}
