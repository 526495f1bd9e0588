/**
 * The lab as ports, apart from any engine: `Lab` finds, reaps, brings up and tears down labs;
 * `up()` and `attach()` give a `StartedLab`, what the drivers and the CLI act on (exec, status,
 * faults, probe, evidence copies, rogue routers, down; disposable with `await using`). The
 * Docker implementations are DockerLab (docker-lab.ts) and DockerStartedLab
 * (docker-started-lab.ts); a scripted fake of these interfaces makes a driver unit-testable.
 */
import { ChaosError, INTERRUPTED } from '../errors';
import type { ExecResult } from './docker-support';
import type { FaultStep, FloodSpec } from '../faults';
import type { LabStatus, ProbeResult } from './lab-status';
import type { LabRole, LabSpec, VrrpImpl } from './lab-spec';
import type { LabelledResource, ReapDecision, Run } from './labels';

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

export interface WaitOptions {
  timeoutMs: number;
  progress: Progress;
  signal?: AbortSignal | undefined;
}

/** How a plan of fault steps is carried out: its progress lines and each wait's bound. */
export interface StepOptions {
  progress?: Progress;
  /** Bound of each exec and readiness wait of the plan (default 60 s). */
  timeoutMs?: number;
}

export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) {
    const reason: unknown = signal.reason;
    const what = typeof reason === 'string' ? reason : 'abort';
    throw new ChaosError(INTERRUPTED, `lab up interrupted (${what})`);
  }
}

/** Finds, reaps, brings up and tears down labs. */
export interface Lab {
  /** Every chaos container, network and volume (optionally of one lab). */
  resources(lab?: string): Promise<LabelledResource[]>;
  /** Remove what killed invocations left (see labels.ts); returns what was reaped. */
  reap(report?: Progress): Promise<ReapDecision[]>;
  /** Labs on the engine, by name. */
  labs(): Promise<FoundLab[]>;
  /** Remove every resource labelled with this lab (containers, networks, volumes). */
  removeLab(lab: string): Promise<LabelledResource[]>;
  /** Remove resources: containers (forced, with their volumes) first, then networks, volumes. */
  removeResources(resources: readonly LabelledResource[]): Promise<void>;
  /**
   * Create and start the lab, wait until it is ready, then mark it persistent. On any failure or
   * abort, what this call created is removed before the error propagates.
   */
  up(spec: LabSpec, images: LabImageTags, options?: UpOptions): Promise<StartedLab>;
  /** The lab as a StartedLab, for status, faults and down from a later invocation. */
  attach(lab: string): Promise<StartedLab>;
}

/** A lab that is up: status, faults, probe, teardown. */
export interface StartedLab extends AsyncDisposable {
  readonly name: string;
  readonly runId: string;
  readonly spec: StoredSpec;
  /** The engine's name of a node's container. */
  containerOf(node: string): string;
  /** A node of the spec; UNKNOWN_NODE when the lab has none of this name. */
  node(name: string): StoredSpec['nodes'][number];
  /** Run a command in a node (it must be running). */
  exec(node: string, cmd: readonly string[], timeoutMs?: number): Promise<ExecResult>;
  /**
   * Start a command in a node and return at once (tcpdump, the prober). Its output goes where
   * the command sends it; stop it with another exec (pkill).
   */
  execDetached(node: string, cmd: readonly string[]): Promise<void>;
  isRunning(node: string): Promise<boolean>;
  /** Is the node's container paused? */
  isPaused(node: string): Promise<boolean>;
  /** One file of a node (running or stopped), its bytes. Not there: undefined. */
  readFile(node: string, path: string): Promise<Buffer | undefined>;
  /** A path of a node (running or stopped) as a tar archive. Not there: undefined. */
  archive(node: string, path: string): Promise<Buffer | undefined>;
  status(): Promise<LabStatus>;
  /** One HTTP GET of http://VIP/ from the prober: status and X-Served-By. */
  probeOnce(path?: string, timeoutS?: number): Promise<ProbeResult>;
  /** Poll every node until ready; LAB_NOT_READY naming the laggards after `timeoutMs`. */
  waitReady(nodes: readonly { name: string; role: LabRole }[], options: WaitOptions): Promise<void>;
  /** Poll until some node holds the VIP (VRRP elected a master); LAB_NOT_READY otherwise. */
  waitVipOwner(options: WaitOptions): Promise<LabStatus>;
  /** Carry out a plan of fault steps on a node, in order. */
  runSteps(node: string, steps: readonly FaultStep[], options?: StepOptions): Promise<void>;
  /** Start a rogue VRRP router on the lab's LAN; resolves when its VRRP daemon runs. */
  startRogue(rogue: RogueSpec, options?: { timeoutMs?: number }): Promise<void>;
  /** Remove a rogue router (it vanishes without a priority-0 advert). Idempotent. */
  removeRogue(rogueName: string): Promise<void>;
  /** Start a sender of broken VRRP on the lab's LAN (malformed-adverts). */
  startFlood(flood: FloodSpec & { image: string }): Promise<void>;
  /** Stop and remove it; its counts file (JSON), or null when there was none. Idempotent. */
  stopFlood(floodName: string): Promise<string | null>;
  /** Remove every resource of this lab. */
  down(): Promise<LabelledResource[]>;
}
