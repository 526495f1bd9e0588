/**
 * The lab on Docker (dockerode). `DockerLab` is the driver: it finds, reaps, brings up and tears
 * down labs; `up()` and `attach()` give a `StartedLab` (status, faults, probe, down; disposable
 * with `await using`).
 *
 * Resources: one plain bridge network `chaos-<lab>` (IPAM subnet + gateway; not --internal, which
 * drops VRRP multicast), one container per node `chaos-<lab>-<node>` with a fixed IPv4 address
 * and hostname = node name. Web nodes get CapAdd NET_ADMIN + NET_RAW (VIPs, raw VRRP sockets)
 * and nothing else beyond Docker's defaults. Every resource carries the labels of labels.ts; the
 * network also carries the lab's spec (without config texts) so later invocations can attach.
 *
 * The keepalived.conf goes into a created (not yet started) web container with putArchive, not a
 * bind mount: the lab outlives the command that made it, so no host file (e.g. under os.tmpdir,
 * which tmp cleaners empty) has to live as long as the lab, nothing on the host is left to clean
 * up, and the file survives `docker kill` + `docker start` (power-off/power-on) as part of the
 * container's own file system.
 */
import { createHash, randomBytes } from 'node:crypto';
import type Dockerode from 'dockerode';
import { ChaosError, InputError } from '../errors';
import {
  DOCKER_UNAVAILABLE,
  dockerFailure,
  errorText,
  execIn,
  localHostView,
  statusCodeOf,
} from './docker-support';
import type { ExecResult } from './docker-support';
import { faultPlan, resolveFault } from './faults';
import { tarArchive, untar } from './tar';
import type { FaultContext, FaultDef, FaultStep } from './faults';
import { NODE_PROBE_SCRIPT, parseCurlInclude, parseNodeProbe, summariseStatus } from './lab-status';
import type { LabStatus, NodeStatus, ProbeResult } from './lab-status';
import { mysqlHostPattern } from './lab-spec';
import type { LabNodeSpec, LabRole, LabSpec, VrrpImpl } from './lab-spec';
import {
  LABEL,
  containerName,
  groupRuns,
  markerVolumeName,
  networkName,
  resourceLabels,
  runsToReap,
} from './labels';
import type { HostView, LabelledResource, Owner, ReapDecision, Run } from './labels';

/** The images a lab runs (src/lab/images.ts builds them). */
export interface LabImageTags {
  web: string;
  mysql: string;
  prober: string;
}

/** The spec without config texts, as stored on the network label `org.chaos.spec`. */
export interface StoredSpec {
  name: string;
  subnet: string;
  gateway: string;
  vip: string;
  vrid: number;
  nodes: { name: string; role: LabRole; address: string; vrrp?: VrrpImpl }[];
}

const SPEC_LABEL = 'org.chaos.spec';

export interface DockerLabDeps {
  docker: Dockerode;
  host: HostView;
  /** Milliseconds, monotonic enough for timeouts. */
  now(): number;
  sleep(ms: number): Promise<void>;
  newRunId(): string;
}

/** The real world: wall clock, timers, random run ids, this host's processes. */
export function systemLabDeps(docker: Dockerode): DockerLabDeps {
  return {
    docker,
    host: localHostView(),
    now: () => Date.now(),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    newRunId: () => randomBytes(4).toString('hex'),
  };
}

export type Progress = (line: string) => void;

export interface UpOptions {
  progress?: Progress;
  /** Aborting stops `up` at the next step; it then removes what it created (INTERRUPTED). */
  signal?: AbortSignal;
  /** How long the nodes may take to become ready (default 120 s). */
  readyTimeoutMs?: number;
  /**
   * Mark the lab persistent when it is up (default true, as `chaos lab up`). A run-scoped lab
   * (`chaos run`) stays non-persistent: if its process dies, the next invocation reaps it.
   */
  persistent?: boolean;
}

/** A foreign VRRP router for the rogue-advert fault: a web-image container on the lab's LAN. */
export interface RogueSpec {
  name: string;
  address: string;
  /** Its keepalived.conf (chaos-vrrpd reads it). */
  configText: string;
  /** The web image. */
  image: string;
}

/** A lab found on the engine: its runs (normally one) and, when complete, its stored spec. */
export interface FoundLab {
  name: string;
  runs: Run[];
  persistent: boolean;
  specHash: string | undefined;
  spec: StoredSpec | undefined;
}

export const INTERRUPTED = 'INTERRUPTED';

export function storedSpec(spec: LabSpec): StoredSpec {
  return {
    name: spec.name,
    subnet: spec.subnet,
    gateway: spec.gateway,
    vip: spec.vip,
    vrid: spec.vrid,
    nodes: spec.nodes.map((n) => ({
      name: n.name,
      role: n.role,
      address: n.address,
      ...(n.vrrp ? { vrrp: n.vrrp } : {}),
    })),
  };
}

/** Identity of a lab for reuse: the spec with config texts, and the image tags. */
export function specHash(spec: LabSpec, images: LabImageTags): string {
  const canonical = JSON.stringify({
    spec: { ...storedSpec(spec), configs: spec.nodes.map((n) => n.configText ?? null) },
    images,
  });
  return createHash('sha256').update(canonical).digest('hex').slice(0, 16);
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) {
    const reason: unknown = signal.reason;
    const what = typeof reason === 'string' ? reason : 'abort';
    throw new ChaosError(INTERRUPTED, `lab up interrupted (${what})`);
  }
}

export class DockerLab {
  constructor(private readonly deps: DockerLabDeps) {}

  private get docker(): Dockerode {
    return this.deps.docker;
  }

  /** Every chaos container, network and volume (optionally of one lab). */
  async resources(lab?: string): Promise<LabelledResource[]> {
    const filters = JSON.stringify({ label: [lab ? `${LABEL.lab}=${lab}` : LABEL.run] });
    try {
      const [containers, networks, volumes] = await Promise.all([
        this.docker.listContainers({ all: true, filters }),
        this.docker.listNetworks({ filters }),
        this.docker.listVolumes({ filters }),
      ]);
      return [
        ...containers.map((c) => ({
          kind: 'container' as const,
          id: c.Id,
          name: (c.Names[0] ?? c.Id).replace(/^\//, ''),
          labels: c.Labels ?? {},
        })),
        ...networks.map((n) => ({
          kind: 'network' as const,
          id: n.Id,
          name: n.Name,
          labels: n.Labels ?? {},
        })),
        ...(volumes.Volumes ?? []).map((v) => ({
          kind: 'volume' as const,
          id: v.Name,
          name: v.Name,
          labels: (v.Labels as Record<string, string> | null) ?? {},
        })),
      ];
    } catch (error) {
      throw dockerFailure('list chaos resources', error);
    }
  }

  /** Remove what killed invocations left (see labels.ts); returns what was reaped. */
  async reap(report?: Progress): Promise<ReapDecision[]> {
    const decisions = runsToReap(await this.resources(), this.deps.host);
    for (const d of decisions) {
      const counts = countKinds(d.run.resources);
      report?.(
        `reaping lab ${d.run.lab} run ${d.run.runId} (${d.reason}): ${counts}: ${d.run.resources
          .map((r) => r.name)
          .join(', ')}`,
      );
      await this.removeResources(d.run.resources);
    }
    return decisions;
  }

  /** Labs on the engine, by name. */
  async labs(): Promise<FoundLab[]> {
    const byLab = new Map<string, Run[]>();
    for (const run of groupRuns(await this.resources())) {
      byLab.set(run.lab, [...(byLab.get(run.lab) ?? []), run]);
    }
    return [...byLab].map(([name, runs]) => {
      const network = runs
        .flatMap((r) => r.resources)
        .find((r) => r.kind === 'network' && r.labels[SPEC_LABEL] !== undefined);
      let spec: StoredSpec | undefined;
      try {
        spec = network ? (JSON.parse(network.labels[SPEC_LABEL] ?? '') as StoredSpec) : undefined;
      } catch {
        spec = undefined;
      }
      return {
        name,
        runs,
        persistent: runs.some((r) => r.persistent),
        specHash: network?.labels[LABEL.specHash],
        spec,
      };
    });
  }

  /** Remove every resource labelled with this lab (containers, networks, volumes). */
  async removeLab(lab: string): Promise<LabelledResource[]> {
    const resources = await this.resources(lab);
    await this.removeResources(resources);
    return resources;
  }

  /** Remove resources: containers (forced, with their volumes) first, then networks, volumes. */
  async removeResources(resources: readonly LabelledResource[]): Promise<void> {
    const failures: string[] = [];
    const tolerate = async (what: string, op: () => Promise<unknown>): Promise<void> => {
      try {
        await op();
      } catch (error) {
        if (statusCodeOf(error) !== 404) failures.push(`${what}: ${errorText(error)}`);
      }
    };
    await Promise.all(
      resources
        .filter((r) => r.kind === 'container')
        .map((r) =>
          tolerate(`container ${r.name}`, () =>
            this.docker.getContainer(r.id).remove({ force: true, v: true }),
          ),
        ),
    );
    for (const r of resources.filter((x) => x.kind === 'network'))
      await tolerate(`network ${r.name}`, () => this.docker.getNetwork(r.id).remove());
    for (const r of resources.filter((x) => x.kind === 'volume'))
      await tolerate(`volume ${r.name}`, () => this.docker.getVolume(r.id).remove());
    if (failures.length > 0)
      throw new ChaosError('DOCKER_FAILED', `Failed to remove ${failures.join('; ')}`);
  }

  /**
   * Create and start the lab, wait until it is ready, then mark it persistent. On any failure or
   * abort, what this call created is removed before the error propagates.
   */
  async up(spec: LabSpec, images: LabImageTags, options: UpOptions = {}): Promise<StartedLab> {
    const { progress = () => {}, signal } = options;
    const owner: Owner = {
      runId: this.deps.newRunId(),
      pid: this.deps.host.selfPid,
      bootId: this.deps.host.bootId,
    };
    const hash = specHash(spec, images);
    const labels = (extra: Record<string, string> = {}): Record<string, string> =>
      resourceLabels(spec.name, owner, false, extra);
    const removeRun = async (): Promise<void> => {
      const mine = (await this.resources(spec.name)).filter(
        (r) => r.labels[LABEL.run] === owner.runId,
      );
      if (mine.length > 0) progress(`removing ${countKinds(mine)} of run ${owner.runId}`);
      await this.removeResources(mine);
    };

    try {
      throwIfAborted(signal);
      const net = networkName(spec.name);
      progress(`network ${net} ${spec.subnet} (gateway ${spec.gateway})`);
      try {
        await this.docker.createNetwork({
          Name: net,
          Driver: 'bridge',
          CheckDuplicate: true,
          Internal: false,
          IPAM: { Driver: 'default', Config: [{ Subnet: spec.subnet, Gateway: spec.gateway }] },
          Labels: labels({
            [LABEL.specHash]: hash,
            [SPEC_LABEL]: JSON.stringify(storedSpec(spec)),
          }),
        });
      } catch (error) {
        throw dockerFailure(`create network "${net}" (${spec.subnet})`, error);
      }

      const mysql = spec.nodes.find((n) => n.role === 'mysql');
      const ordered = [
        ...spec.nodes.filter((n) => n.role === 'mysql'),
        ...spec.nodes.filter((n) => n.role === 'web'),
        ...spec.nodes.filter((n) => n.role === 'prober'),
      ];
      for (const node of ordered) {
        throwIfAborted(signal);
        progress(
          `container ${containerName(spec.name, node.name)} (${node.role}${node.vrrp ? `, ${node.vrrp}` : ''}) ${node.address}`,
        );
        await this.createNode(spec, node, images, labels, mysql?.address);
      }

      const started = new StartedLab(this.deps, spec.name, owner.runId, storedSpec(spec));
      throwIfAborted(signal);
      await started.waitReady(ordered, {
        timeoutMs: options.readyTimeoutMs ?? 120000,
        progress,
        signal,
      });
      if (spec.nodes.some((n) => n.role === 'web'))
        await started.waitVipOwner({
          timeoutMs: options.readyTimeoutMs ?? 120000,
          progress,
          signal,
        });
      throwIfAborted(signal);
      if (options.persistent === false) return started;
      await this.docker.createVolume({
        Name: markerVolumeName(spec.name, owner.runId),
        Labels: resourceLabels(spec.name, owner, true, { [LABEL.specHash]: hash }),
      });
      return started;
    } catch (error) {
      try {
        await removeRun();
      } catch (cleanup) {
        progress(`cleanup failed: ${errorText(cleanup)}`);
      }
      throw error;
    }
  }

  private async createNode(
    spec: LabSpec,
    node: LabNodeSpec,
    images: LabImageTags,
    labels: (extra?: Record<string, string>) => Record<string, string>,
    mysqlAddress: string | undefined,
  ): Promise<void> {
    const net = networkName(spec.name);
    const name = containerName(spec.name, node.name);
    const env = [`NODE_NAME=${node.name}`, `LAB_SUBNET=${spec.subnet}`, `LAB_VIP=${spec.vip}`];
    const hostConfig: Dockerode.HostConfig = { NetworkMode: net };
    let image = images.prober;
    let cmd: string[] | undefined;
    if (node.role === 'web') {
      image = images.web;
      env.push(`CHAOS_VRRP=${node.vrrp ?? 'chaos'}`);
      if (mysqlAddress) env.push(`DB_HOST=${mysqlAddress}`);
      hostConfig.CapAdd = ['NET_ADMIN', 'NET_RAW'];
    } else if (node.role === 'mysql') {
      image = images.mysql;
      // The seed's remote user, limited to the lab's subnet.
      env.push(`MYSQL_CLIENT_HOSTS=${mysqlHostPattern(spec.subnet)}`);
    } else {
      // Idle (under the image's tini) until a scenario runs the prober program with exec.
      cmd = ['sleep', 'infinity'];
    }
    let container: Dockerode.Container;
    try {
      container = await this.docker.createContainer({
        name,
        Image: image,
        Hostname: node.name,
        Env: env,
        Labels: labels({ [LABEL.node]: node.name, [LABEL.role]: node.role }),
        ...(cmd ? { Cmd: cmd } : {}),
        HostConfig: hostConfig,
        NetworkingConfig: {
          EndpointsConfig: { [net]: { IPAMConfig: { IPv4Address: node.address } } },
        },
      });
    } catch (error) {
      throw dockerFailure(`create container "${name}" from ${image}`, error);
    }
    try {
      if (node.role === 'web') {
        await container.putArchive(
          tarArchive([
            {
              name: 'keepalived.conf',
              content: node.configText ?? '',
              mtime: Math.floor(Date.now() / 1000),
            },
          ]),
          { path: '/etc/keepalived' },
        );
      }
      await container.start();
    } catch (error) {
      throw dockerFailure(`start container "${name}"`, error);
    }
  }

  /** The lab as a StartedLab, for status, faults and down from a later invocation. */
  async attach(lab: string): Promise<StartedLab> {
    const found = (await this.labs()).find((l) => l.name === lab);
    if (!found || !found.spec) {
      throw new InputError('LAB_NOT_FOUND', `no lab named '${lab}' is up (chaos lab up)`);
    }
    const run = found.runs.find((r) => r.persistent) ?? found.runs[0];
    return new StartedLab(this.deps, lab, run?.runId ?? '?', found.spec);
  }
}

function countKinds(resources: readonly LabelledResource[]): string {
  const n = (k: string): number => resources.filter((r) => r.kind === k).length;
  const part = (k: string): string => `${n(k)} ${k}${n(k) === 1 ? '' : 's'}`;
  return ['container', 'network', 'volume']
    .filter((k) => n(k) > 0)
    .map(part)
    .join(', ');
}

interface WaitOptions {
  timeoutMs: number;
  progress: Progress;
  signal?: AbortSignal | undefined;
}

/** Health of nginx, checked from inside a web node (the image has node, not curl). */
const HEALTH_CMD = [
  'node',
  '-e',
  "require('http').get({host:'127.0.0.1',path:'/health',timeout:2000},r=>process.exit(r.statusCode===200?0:1)).on('error',()=>process.exit(1))",
];

/** A lab that is up: status, faults, probe, teardown. */
export class StartedLab implements AsyncDisposable {
  constructor(
    private readonly deps: DockerLabDeps,
    readonly name: string,
    readonly runId: string,
    readonly spec: StoredSpec,
  ) {}

  containerOf(node: string): string {
    return containerName(this.name, node);
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
  async exec(node: string, cmd: readonly string[], timeoutMs = 30000): Promise<ExecResult> {
    try {
      return await execIn(this.deps.docker, this.containerOf(node), cmd, timeoutMs);
    } catch (error) {
      if (error instanceof ChaosError) throw error;
      throw dockerFailure(`exec '${cmd.join(' ')}' in ${node}`, error);
    }
  }

  async isRunning(node: string): Promise<boolean> {
    try {
      const info = await this.deps.docker.getContainer(this.containerOf(node)).inspect();
      return info.State.Running === true;
    } catch (error) {
      if (statusCodeOf(error) === 404) return false;
      throw dockerFailure(`inspect container "${this.containerOf(node)}"`, error);
    }
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
    const start = this.deps.now();
    for (;;) {
      throwIfAborted(options.signal);
      const status = await this.status();
      if (status.vipOwners.length > 0) {
        options.progress(
          `VIP ${this.spec.vip} held by ${status.vipOwners.join(', ')} (${((this.deps.now() - start) / 1000).toFixed(1)} s)`,
        );
        return status;
      }
      if (this.deps.now() - start > options.timeoutMs)
        throw new ChaosError(
          'LAB_NOT_READY',
          `VIP ${this.spec.vip} not held by any node after ${options.timeoutMs} ms`,
        );
      await this.deps.sleep(250);
    }
  }

  async status(): Promise<LabStatus> {
    const nodes = await Promise.all(
      this.spec.nodes.map(async (n): Promise<NodeStatus> => {
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
      }),
    );
    return summariseStatus(this.name, this.runId, this.spec.vip, nodes);
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

  /** Apply or heal a fault on a node (`chaos fault` / `chaos heal`). Returns the steps done. */
  async fault(
    name: string,
    nodeName: string,
    action: 'apply' | 'heal',
    options: {
      progress?: Progress;
      timeoutMs?: number;
      table?: readonly FaultDef[];
      /** The fault's parameters (direction, peers, process, rate, latency). */
      params?: Omit<FaultContext, 'gateway'>;
    } = {},
  ): Promise<{ fault: FaultDef; action: 'apply' | 'heal'; steps: FaultStep[] }> {
    const resolved = resolveFault(name, action, options.table);
    const node = this.node(nodeName);
    const steps = faultPlan(resolved, node, { ...options.params, gateway: this.spec.gateway });
    for (const step of steps) await this.runStep(node, step, options);
    return { fault: resolved.fault, action: resolved.action, steps };
  }

  private async runStep(
    node: { name: string; role: LabRole },
    step: FaultStep,
    options: { progress?: Progress; timeoutMs?: number },
  ): Promise<void> {
    const progress = options.progress ?? (() => {});
    const container = this.deps.docker.getContainer(this.containerOf(node.name));
    switch (step.do) {
      case 'kill':
        progress(`${node.name}: docker kill`);
        try {
          await container.kill({ signal: 'SIGKILL' });
        } catch (error) {
          if (statusCodeOf(error) !== 409) throw dockerFailure(`kill ${node.name}`, error);
        }
        return;
      case 'start':
        progress(`${node.name}: docker start`);
        try {
          await container.start();
        } catch (error) {
          if (statusCodeOf(error) !== 304) throw dockerFailure(`start ${node.name}`, error);
        }
        return;
      case 'pause':
        progress(`${node.name}: docker pause`);
        try {
          await container.pause();
        } catch (error) {
          // 409: already paused (or not running: nothing to freeze).
          if (statusCodeOf(error) !== 409) throw dockerFailure(`pause ${node.name}`, error);
        }
        return;
      case 'unpause':
        progress(`${node.name}: docker unpause`);
        try {
          await container.unpause();
        } catch (error) {
          if (statusCodeOf(error) !== 409 && statusCodeOf(error) !== 404)
            throw dockerFailure(`unpause ${node.name}`, error);
        }
        return;
      case 'wait-ready':
        progress(`${node.name}: waiting until ready`);
        await this.waitReady([node], { timeoutMs: options.timeoutMs ?? 60000, progress });
        return;
      case 'exec': {
        progress(`${node.name}: ${step.cmd.join(' ')}`);
        if (!(await this.isRunning(node.name)))
          throw new ChaosError(
            'NODE_NOT_RUNNING',
            `${node.name} is not running (power it on first)`,
          );
        const r = await this.exec(node.name, step.cmd, options.timeoutMs ?? 60000);
        if (r.exitCode !== 0 && !step.mayFail)
          throw new ChaosError(
            'FAULT_STEP_FAILED',
            `'${step.cmd.join(' ')}' in ${node.name} exited ${r.exitCode}: ${(r.stderr || r.stdout).trim()}`,
          );
        return;
      }
    }
  }

  /**
   * Start a command in a node and return at once (tcpdump, the prober). Its output goes where
   * the command sends it; stop it with another exec (pkill).
   */
  async execDetached(node: string, cmd: readonly string[]): Promise<void> {
    try {
      const exec = await this.deps.docker
        .getContainer(this.containerOf(node))
        .exec({ Cmd: [...cmd], AttachStdout: false, AttachStderr: false });
      const stream: unknown = await exec.start({ Detach: true });
      // The engine answers at once; an open response stream would keep this process alive.
      if (stream && typeof (stream as { destroy?: unknown }).destroy === 'function')
        (stream as { destroy(): void }).destroy();
    } catch (error) {
      throw dockerFailure(`start '${cmd.join(' ')}' in ${node}`, error);
    }
  }

  /** One file of a node (running or stopped), its bytes (docker cp). Not there: undefined. */
  async readFile(node: string, path: string): Promise<Buffer | undefined> {
    const tar = await this.archive(node, path);
    return tar === undefined ? undefined : untar(tar)[0]?.data;
  }

  /** A path of a node (running or stopped) as a tar archive (docker cp). 404: undefined. */
  async archive(node: string, path: string): Promise<Buffer | undefined> {
    try {
      const stream = await this.deps.docker
        .getContainer(this.containerOf(node))
        .getArchive({ path });
      const chunks: Buffer[] = [];
      for await (const chunk of stream as AsyncIterable<Buffer>) chunks.push(chunk);
      return Buffer.concat(chunks);
    } catch (error) {
      if (statusCodeOf(error) === 404) return undefined;
      throw dockerFailure(`copy ${path} out of ${node}`, error);
    }
  }

  /** Is the node's container paused (docker pause)? */
  async isPaused(node: string): Promise<boolean> {
    try {
      const info = await this.deps.docker.getContainer(this.containerOf(node)).inspect();
      return info.State.Paused === true;
    } catch (error) {
      if (statusCodeOf(error) === 404) return false;
      throw dockerFailure(`inspect container "${this.containerOf(node)}"`, error);
    }
  }

  /**
   * Start a rogue router: a web-image container on the lab's network with its own keepalived.conf
   * (chaos-vrrpd), NET_ADMIN + NET_RAW, labelled with the lab and a run of its own owned by this
   * process (so that `lab down` removes it and a killed invocation's rogue is reaped). Waits
   * until its VRRP daemon runs.
   */
  async startRogue(rogue: RogueSpec, options: { timeoutMs?: number } = {}): Promise<void> {
    const name = this.containerOf(rogue.name);
    const net = networkName(this.name);
    const owner: Owner = {
      runId: this.deps.newRunId(),
      pid: this.deps.host.selfPid,
      bootId: this.deps.host.bootId,
    };
    const mysql = this.spec.nodes.find((n) => n.role === 'mysql');
    let container: Dockerode.Container;
    try {
      container = await this.deps.docker.createContainer({
        name,
        Image: rogue.image,
        Hostname: rogue.name,
        Env: [
          `NODE_NAME=${rogue.name}`,
          `LAB_SUBNET=${this.spec.subnet}`,
          `LAB_VIP=${this.spec.vip}`,
          'CHAOS_VRRP=chaos',
          ...(mysql ? [`DB_HOST=${mysql.address}`] : []),
        ],
        Labels: resourceLabels(this.name, owner, false, {
          [LABEL.node]: rogue.name,
          [LABEL.role]: 'rogue',
        }),
        HostConfig: { NetworkMode: net, CapAdd: ['NET_ADMIN', 'NET_RAW'] },
        NetworkingConfig: {
          EndpointsConfig: { [net]: { IPAMConfig: { IPv4Address: rogue.address } } },
        },
      });
    } catch (error) {
      throw dockerFailure(`create rogue router "${name}" (${rogue.address})`, error);
    }
    try {
      await container.putArchive(
        tarArchive([
          {
            name: 'keepalived.conf',
            content: rogue.configText,
            mtime: Math.floor(Date.now() / 1000),
          },
        ]),
        { path: '/etc/keepalived' },
      );
      await container.start();
    } catch (error) {
      await this.removeRogue(rogue.name).catch(() => undefined);
      throw dockerFailure(`start rogue router "${name}"`, error);
    }
    const deadline = this.deps.now() + (options.timeoutMs ?? 30000);
    for (;;) {
      const r = await this.exec(rogue.name, ['sh', '-c', NODE_PROBE_SCRIPT], 10000).catch(
        () => undefined,
      );
      if (r && parseNodeProbe(r.stdout).vrrp?.running) return;
      if (this.deps.now() > deadline)
        throw new ChaosError(
          'LAB_NOT_READY',
          `rogue router ${rogue.name}: VRRP not running after ${options.timeoutMs ?? 30000} ms`,
        );
      await this.deps.sleep(100);
    }
  }

  /** Remove a rogue router (SIGKILL: it vanishes without a priority-0 advert). Idempotent. */
  async removeRogue(rogueName: string): Promise<void> {
    try {
      await this.deps.docker
        .getContainer(this.containerOf(rogueName))
        .remove({ force: true, v: true });
    } catch (error) {
      if (statusCodeOf(error) !== 404)
        throw dockerFailure(`remove rogue router "${this.containerOf(rogueName)}"`, error);
    }
  }

  /** Remove every resource of this lab. */
  async down(): Promise<LabelledResource[]> {
    return new DockerLab(this.deps).removeLab(this.name);
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.down();
  }
}

export { DOCKER_UNAVAILABLE };
