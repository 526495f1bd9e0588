/**
 * A lab that is up, on Docker (the StartedLab of lab.ts): exec in its nodes (also detached),
 * readiness and the waits for it, status, one probe through the VIP, files copied out, fault
 * plans (fault-steps.ts), rogue routers (docker-rogue.ts), teardown by label.
 */
import { ChaosError, InputError } from '../errors';
import { LabContainers } from './docker-containers';
import { RECORD_PATH, type CpuOperations } from './docker-cpu';
import { DockerResources } from './docker-resources';
import { startFlood, stopFlood } from './docker-flood';
import { removeRogue, startRogue } from './docker-rogue';
import type { FloodSpec } from '../faults/types';
import { errorText } from './docker-support';
import type { DockerLabDeps, ExecResult } from './docker-support';
import { runFaultSteps } from './fault-steps';
import type { StepOperations } from './fault-steps';
import type { FaultStep } from '../faults';
import { throwIfAborted } from './lab';
import type { RogueSpec, StartedLab, StepOptions, StoredSpec, WaitOptions } from './lab';
import { NODE_PROBE_SCRIPT, parseCurlInclude, parseNodeProbe, summariseStatus } from './lab-status';
import type { LabStatus, NodeStatus, ProbeResult } from './lab-status';
import type { LabRole } from './lab-spec';
import type { LabelledResource } from './labels';
import { pollFor } from './poll';
import { untar } from './tar';

/** Health of nginx, checked from inside a web node (the image has node, not curl). */
const HEALTH_CMD = [
  'node',
  '-e',
  "require('http').get({host:'127.0.0.1',path:'/health',timeout:2000},r=>process.exit(r.statusCode===200?0:1)).on('error',()=>process.exit(1))",
];

/** A lab that is up: status, faults, probe, teardown. */
export class DockerStartedLab implements StartedLab {
  private readonly containers: LabContainers;

  constructor(
    private readonly deps: DockerLabDeps,
    readonly name: string,
    readonly runId: string,
    readonly spec: StoredSpec,
  ) {
    this.containers = new LabContainers(deps.docker, name);
  }

  containerOf(node: string): string {
    return this.containers.nameOf(node);
  }

  node(name: string): StoredSpec['nodes'][number] {
    const node = this.spec.nodes.find((n) => n.name === name);
    if (!node)
      throw new InputError(
        'UNKNOWN_NODE',
        `lab ${this.name} has no node '${name}' (nodes: ${this.spec.nodes.map((n) => n.name).join(', ')})`,
      );
    return node;
  }

  /** Run a command in a node (it must be running). */
  exec(node: string, cmd: readonly string[], timeoutMs = 30000): Promise<ExecResult> {
    return this.containers.exec(node, cmd, timeoutMs);
  }

  isRunning(node: string): Promise<boolean> {
    return this.containers.isRunning(node);
  }

  /** Is the node's container paused (docker pause)? */
  isPaused(node: string): Promise<boolean> {
    return this.containers.isPaused(node);
  }

  /**
   * Start a command in a node and return at once (tcpdump, the prober). Its output goes where
   * the command sends it; stop it with another exec (pkill).
   */
  execDetached(node: string, cmd: readonly string[]): Promise<void> {
    return this.containers.execDetached(node, cmd);
  }

  /** One file of a node (running or stopped), its bytes (docker cp). Not there: undefined. */
  async readFile(node: string, path: string): Promise<Buffer | undefined> {
    const tar = await this.archive(node, path);
    return tar === undefined ? undefined : untar(tar)[0]?.data;
  }

  /** A path of a node (running or stopped) as a tar archive (docker cp). 404: undefined. */
  archive(node: string, path: string): Promise<Buffer | undefined> {
    return this.containers.archive(node, path);
  }

  /** One check of a node's readiness; a reason when not ready. */
  async readiness(node: { name: string; role: LabRole }): Promise<string | undefined> {
    if (!(await this.isRunning(node.name))) return 'container not running';
    if (node.role === 'prober') return undefined;
    if (node.role === 'mysql') {
      const r = await this.exec(node.name, ['/opt/chaos/bin/mysql-ready'], 10000);
      return r.exitCode === 0 ? undefined : 'mysql not ready';
    }
    const health = await this.exec(node.name, HEALTH_CMD, 10000);
    if (health.exitCode !== 0) return 'nginx /health not answering';
    const probe = parseNodeProbe(
      (await this.exec(node.name, ['sh', '-c', NODE_PROBE_SCRIPT])).stdout,
    );
    if (!probe.vrrp?.running) return `VRRP not running${probe.error ? ` (${probe.error})` : ''}`;
    return undefined;
  }

  /** Poll every node until ready; LAB_NOT_READY naming the laggards after `timeoutMs`. */
  async waitReady(
    nodes: readonly { name: string; role: LabRole }[],
    options: WaitOptions,
  ): Promise<void> {
    const start = this.deps.now();
    const pending = new Map(nodes.map((n) => [n.name, n]));
    const reasons = new Map<string, string>();
    for (;;) {
      throwIfAborted(options.signal);
      await Promise.all(
        [...pending.values()].map(async (n) => {
          let reason: string | undefined;
          try {
            reason = await this.readiness(n);
          } catch (error) {
            reason = errorText(error);
          }
          if (reason === undefined) {
            pending.delete(n.name);
            options.progress(
              `${n.name} ready (${((this.deps.now() - start) / 1000).toFixed(1)} s)`,
            );
          } else reasons.set(n.name, reason);
        }),
      );
      if (pending.size === 0) return;
      const elapsed = this.deps.now() - start;
      if (elapsed > options.timeoutMs) {
        throw new ChaosError(
          'LAB_NOT_READY',
          `lab ${this.name} not ready after ${options.timeoutMs} ms: ${[...pending.keys()]
            .map((n) => `${n}: ${reasons.get(n) ?? '?'}`)
            .join('; ')}`,
        );
      }
      await this.deps.sleep(500);
    }
  }

  /** Poll until some node holds the VIP (VRRP elected a master); LAB_NOT_READY otherwise. */
  async waitVipOwner(options: WaitOptions): Promise<LabStatus> {
    const { value: status, elapsedMs } = await pollFor(
      `VIP ${this.spec.vip} not held by any node`,
      async () => {
        const status = await this.status();
        return status.vipOwners.length > 0 ? status : undefined;
      },
      {
        timeoutMs: options.timeoutMs,
        intervalMs: 250,
        clock: this.deps,
        signal: options.signal,
        code: 'LAB_NOT_READY',
      },
    );
    options.progress(
      `VIP ${this.spec.vip} held by ${status.vipOwners.join(', ')} (${(elapsedMs / 1000).toFixed(1)} s)`,
    );
    return status;
  }

  async status(): Promise<LabStatus> {
    const nodes = await Promise.all(this.spec.nodes.map((n) => this.nodeStatus(n)));
    return summariseStatus(this.name, this.runId, this.spec.vip, nodes);
  }

  private async nodeStatus(n: StoredSpec['nodes'][number]): Promise<NodeStatus> {
    const base = { name: n.name, role: n.role, ip: n.address };
    let running: boolean;
    try {
      running = await this.isRunning(n.name);
    } catch (error) {
      return { ...base, running: false, vrrp: null, holdsVip: false, error: errorText(error) };
    }
    if (n.role !== 'web' || !running) return { ...base, running, vrrp: null, holdsVip: false };
    try {
      const r = await this.exec(n.name, ['sh', '-c', NODE_PROBE_SCRIPT], 10000);
      const obs = parseNodeProbe(r.stdout);
      return {
        ...base,
        running,
        vrrp: obs.vrrp,
        holdsVip: obs.addresses.includes(this.spec.vip),
        ...(obs.error ? { error: obs.error } : {}),
      };
    } catch (error) {
      return { ...base, running, vrrp: null, holdsVip: false, error: errorText(error) };
    }
  }

  /** One HTTP GET of http://VIP/ from the prober: status and X-Served-By. */
  async probeOnce(path = '/', timeoutS = 5): Promise<ProbeResult> {
    const prober = this.spec.nodes.find((n) => n.role === 'prober');
    if (!prober) throw new InputError('NO_PROBER', `lab ${this.name} has no prober node`);
    const url = `http://${this.spec.vip}${path}`;
    const r = await this.exec(prober.name, ['curl', '-sS', '-i', '-m', String(timeoutS), url]);
    if (r.exitCode !== 0)
      throw new ChaosError(
        'PROBE_FAILED',
        `GET ${url} from ${prober.name}: ${r.stderr.trim() || `curl exit ${r.exitCode}`}`,
      );
    const parsed = parseCurlInclude(r.stdout);
    if (typeof parsed === 'string') throw new ChaosError('PROBE_FAILED', `GET ${url}: ${parsed}`);
    return parsed;
  }

  /** Carry out a plan of fault steps on a node, in order (fault-steps.ts). */
  async runSteps(
    nodeName: string,
    steps: readonly FaultStep[],
    options: StepOptions = {},
  ): Promise<void> {
    const ops: StepOperations = {
      kill: (n) => this.containers.kill(n),
      start: (n) => this.containers.start(n),
      pause: (n) => this.containers.pause(n),
      unpause: (n) => this.containers.unpause(n),
      isRunning: (n) => this.isRunning(n),
      exec: (n, cmd, timeoutMs) => this.exec(n, cmd, timeoutMs),
      waitReady: (nodes, wait) => this.waitReady(nodes, wait),
      cpu: this.cpuOperations(),
    };
    await runFaultSteps(ops, this.node(nodeName), steps, options);
  }

  /** The CPU limit and its record in the node (docker-cpu.ts), from the host. */
  private cpuOperations(): CpuOperations {
    const slash = RECORD_PATH.lastIndexOf('/');
    return {
      cpuLimit: (n) => this.containers.cpuLimit(n),
      updateCpu: (n, update) => this.containers.updateCpu(n, update),
      readRecord: async (n) => (await this.readFile(n, RECORD_PATH))?.toString('utf8'),
      writeRecord: (n, text) =>
        this.containers.putFile(n, {
          dir: RECORD_PATH.slice(0, slash),
          name: RECORD_PATH.slice(slash + 1),
          content: text,
          mtime: Math.floor(this.deps.now() / 1000),
        }),
    };
  }

  /**
   * Start a rogue router (docker-rogue.ts): a web-image container on the lab's network with its
   * own keepalived.conf, owned by a run of its own. Waits until its VRRP daemon runs.
   */
  startRogue(rogue: RogueSpec, options: { timeoutMs?: number } = {}): Promise<void> {
    return startRogue(this.deps, this.containers, this.spec, rogue, options);
  }

  /** Remove a rogue router (SIGKILL: it vanishes without a priority-0 advert). Idempotent. */
  removeRogue(rogueName: string): Promise<void> {
    return removeRogue(this.containers, rogueName);
  }

  /** Start a flood sender (docker-flood.ts) on the lab's network. */
  startFlood(flood: FloodSpec & { image: string }): Promise<void> {
    return startFlood(this.deps, this.containers, this.spec, flood);
  }

  /** Stop a flood sender and remove it; its counts (JSON text) or null. Idempotent. */
  stopFlood(floodName: string): Promise<string | null> {
    return stopFlood(this.containers, floodName);
  }

  /** Remove every resource of this lab. */
  async down(): Promise<LabelledResource[]> {
    return new DockerResources(this.deps.docker).removeLab(this.name);
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.down();
  }
}
