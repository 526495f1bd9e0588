/**
 * What a fault is: one record with everything the rest of chaos needs to know about it (see
 * docs/adding-a-fault.md). The scenario schema, the JSON Schema, normalisation, the runner's
 * descriptions and heal matching, both drivers' refusals and plans, `chaos fault --list` and the
 * fault table of docs/scenarios.md all read these records; nobody switches on a fault's name.
 * Pure: the Docker part returns plans (data), the simulator part calls the fault primitives of
 * the simulator it is given.
 */
import type { z } from 'zod';
import type { SimFaultTarget } from '../sim/fault-target';
import type { SeededRng } from '../sim/rng';
import type { SimNodeSpec } from '../sim/simulator';
import type { IssuePath, PathIssue } from '../scenario/path-issue';

export type { Direction } from '../scenario/primitives';
export type NodeRole = 'web' | 'mysql' | 'prober';

/** A foreign router on the LAN (the rogue-advert fault). */
export interface RogueSpec {
  name: string;
  address: string;
  priority: number;
  /** null: no authentication. */
  password: string | null;
  vrid: number;
  advertIntervalMs: number;
  /** Its own VIP (vrid-collision); null: it claims the lab's (rogue-advert). */
  vip: string | null;
}

/** How a fault names what it hits. */
export type TargetKind = 'nodes' | 'between' | 'rogue';
export interface Targets {
  /** Lab nodes (`node:` or `nodes:` in the file); applied and healed one node at a time. */
  nodes: { nodes: string[] };
  /** Two node sets that lose each other. */
  between: { between: [string[], string[]] };
  /** A router the fault brings onto the LAN. */
  rogue: { rogue: RogueSpec };
}

/** A fault as a scenario states it: its kind, its targets and its parameters. */
export type SpecOf<K extends string, T extends TargetKind, P> = { kind: K } & Targets[T] & P;

/** A step of a Docker plan. Heal plans are idempotent: healing what is not broken changes nothing. */
export type FaultStep =
  /** Run a command in the node; a non-zero exit fails the step unless `mayFail`. */
  | { do: 'exec'; cmd: string[]; mayFail?: boolean }
  /** SIGKILL the container (docker kill); already stopped is fine. */
  | { do: 'kill' }
  /** Start the container (docker start); already running is fine. */
  | { do: 'start' }
  /** Wait until the node is ready again (web: nginx and VRRP running; mysql: mysql-ready). */
  | { do: 'wait-ready' }
  /** Freeze every process of the container (docker pause); already paused is fine. */
  | { do: 'pause' }
  /** Thaw it (docker unpause); not paused is fine. */
  | { do: 'unpause' }
  /**
   * Cut the container's CPU to `cpus` (CFS bandwidth, docker update), a host-side step; the
   * limit it had is recorded in the container first (kept when already cut).
   */
  | { do: 'cpu-limit'; cpus: number }
  /** Give the container back the CPU limit recorded by cpu-limit; none recorded: nothing. */
  | { do: 'cpu-restore' };

/** What the Docker driver does for one fault unit: steps in lab nodes, or a rogue router. */
export type DockerAction =
  | { node: string; steps: FaultStep[] }
  | { startRogue: { name: string; address: string; configText: string } }
  | { removeRogue: string }
  /** A sender of broken VRRP on the LAN (malformed-adverts); its heal stops and removes it. */
  | { startFlood: FloodSpec }
  | { removeFlood: string };

/** What a flood sender sends: each kind's datagram (hex), round robin, at `pps` packets/s. */
export interface FloodSpec {
  name: string;
  address: string;
  pps: number;
  packets: { kind: string; reason: string; hex: string }[];
}

/** The lab as a fault plan sees it. */
export interface FaultLab {
  gateway: string;
  vip: string;
  vrid: number;
  subnet: string;
  nodes: readonly { name: string; role: NodeRole; address: string; configText?: string }[];
}

/**
 * What a fault's simulator model calls: the simulator's fault primitives (src/sim/fault-target.ts)
 * and the driver's view of rogue routers.
 */
export interface SimFaultContext extends SimFaultTarget {
  /** A rogue router boots (appears in the samples) or goes. */
  rogueOn(name: string): void;
  rogueOff(name: string): void;
}

/** A heal step as normalised: which applied faults it heals (unset fields match any). */
export interface HealSpec {
  kind: string;
  nodes?: string[];
  between?: [string[], string[]];
  rogue?: string;
  /** The faults' heal options given (kill-process: process; blocks: direction). */
  options?: Record<string, unknown>;
}

export interface NormaliseContext {
  lab: FaultLab;
  /** Where the step is in the document. */
  at: IssuePath;
  issue(problem: PathIssue): void;
}

/** A `chaos fault` name that means this fault with some parameters (kill-nginx). */
export interface FaultAlias {
  name: string;
  healName: string;
  description: string;
  params: Record<string, unknown>;
}

export interface DockerPart<S> {
  /** The node roles it applies to on Docker. */
  roles: readonly NodeRole[];
  /** How it is done on Docker (`chaos fault --list`, docs). */
  how: string;
  apply(unit: S, lab: FaultLab): DockerAction[];
  heal(unit: S, lab: FaultLab): DockerAction[];
  /** Why Docker cannot run this fault in this lab (checked before the run), or null. */
  refuse?(spec: S, lab: FaultLab): string | null;
}

export interface SimPart<S> {
  /** How the simulator models it (docs). */
  how: string;
  apply(unit: S, sim: SimFaultContext): void;
  heal(unit: S, sim: SimFaultContext): void;
  /** What the simulation needs from the start: processes to track, nodes to add. */
  prepare?(
    spec: S,
    lab: FaultLab,
  ): { processes?: { node: string; name: string }[]; nodes?: SimNodeSpec[] };
}

/** What `chaos explore` gives a fault to draw one of its steps from (src/explore). */
export interface ExploreContext {
  lab: FaultLab;
  /** The lab's web nodes (they run VRRP): what explored faults target. */
  web: readonly string[];
  /** The web nodes' PASS password (the first web node's), or null without authentication. */
  password: string | null;
  /** An address of the subnet no node or earlier drawn router uses (a new one each call). */
  freeAddress(): string;
  /** `base`, or `base-2`, `base-3`... when an earlier draw of this run took it. */
  freshName(base: string): string;
}

/**
 * What a fault does to the lab, as `chaos explore`'s invariants see it (docs/explore.md):
 * `node`: its targets cannot hold or serve the VIP while it lasts (down, stopped, cut off, the
 * checked process gone); `links`: VRRP between the nodes is cut or foreign routers speak (two
 * masters may be right); `timing`: adverts late or lost at random (a switchover may be right, a
 * takeover may be late).
 */
export type FaultEffect = 'node' | 'links' | 'timing';
export const FAULT_EFFECTS: readonly FaultEffect[] = ['node', 'links', 'timing'];

/** How `chaos explore` draws this fault (see docs/explore.md). */
export interface ExplorePart {
  /** What it does to the lab (default all three: the invariants excuse the most). */
  effects?: readonly FaultEffect[];
  /**
   * One step of this fault in file form, without `fault:` (targets and options as a scenario
   * file writes them: `{ node: 'server01', rate: 0.3 }`), drawn from `rng`; null when it cannot
   * be drawn in this lab.
   */
  draw: (rng: SeededRng, ctx: ExploreContext) => Record<string, unknown> | null;
}

export interface FaultDefinition<
  K extends string,
  T extends TargetKind,
  O extends z.ZodRawShape,
  P = Record<never, never>,
> {
  kind: K;
  /** The heal's name (`chaos fault power-on X` = `chaos heal power-off X`). */
  healName: string;
  aliases?: readonly FaultAlias[];
  /** Other names of the heal (`chaos heal unblock` for unblock-multicast). */
  healAliases?: readonly string[];
  /** What it does, in one line (the JSON Schema and docs). */
  summary: string;
  target: T;
  /** Targets must run VRRP (web nodes). */
  vrrpTargets?: boolean;
  /**
   * The router it brings only sends (broken) packets and never acts as one: its adverts are
   * left out of the VRRP analysis (they are not a master's). malformed-adverts.
   */
  sendsOnly?: boolean;
  /** The file's options beyond the targets and `note` (zod shape, in the order written). */
  options: O;
  /** Options a heal step may give to pick which applied units it heals. */
  healOptions?: z.ZodRawShape;
  /** Schema-valid options -> the spec's parameters, defaults filled in (default: none). */
  normalise?(input: z.output<z.ZodObject<O>>, ctx: NormaliseContext): P;
  /** A heal of a node unit that was never applied: the parameters to heal it with (default none). */
  healParams?(heal: HealSpec): P;
  describe(spec: SpecOf<K, T, P>): string;
  /** Rules across the scenario's steps of this fault (one call with all of them). */
  check?(
    specs: readonly { spec: SpecOf<K, T, P>; at: IssuePath }[],
    labNodes: readonly string[],
  ): PathIssue[];
  docker: DockerPart<SpecOf<K, T, P>>;
  /**
   * How `chaos explore` draws it; without it, a node fault whose options all have defaults is
   * drawn on one web node with them, any other is not explored (src/explore/draw.ts).
   */
  explore?: ExplorePart;
  /** The simulator's model of it, or why it has none (refused before the run). */
  sim: SimPart<SpecOf<K, T, P>> | { unsupported: string };
}

/** Type-checks a fault record; the registry (registry.ts) lists them. */
export function defineFault<
  K extends string,
  T extends TargetKind,
  O extends z.ZodRawShape,
  P = Record<never, never>,
>(def: FaultDefinition<K, T, O, P>): FaultDefinition<K, T, O, P> {
  return def;
}
