/**
 * What the runner needs from a lab: a Driver. One per scenario run; the sim driver
 * (sim-driver.ts) is one implementation, the Docker driver (later) another. The runner only
 * talks to this interface and reads time only from `clock`, so a driver decides whether time is
 * virtual (the simulator: `wait` advances it) or real (Docker: `wait` sleeps).
 */
import type { AnalysisResult } from '../capture';
import type { Clock } from '../clock';
import type { VrrpStateName } from '../vrrp/state-machine';
import type { LoadedScenario } from './loader';
import type { DriverName, FaultSpec, Scenario } from './types';

/**
 * One fault as applied to the lab: a node fault with exactly one node, a partition, or a rogue
 * router. The runner splits a scenario's multi-node faults into these so that each can be
 * healed on its own.
 */
export type FaultUnit = FaultSpec;

/** A fault the driver cannot carry out, found before the run starts. */
export interface Refusal {
  /** 0-based step index. */
  step: number;
  code: string;
  message: string;
}

/** VIP ownership and VRRP states at one moment. */
export interface VipSample {
  /** ms since the lab came up. */
  t: number;
  /** Nodes holding the VIP (two or more: split brain). */
  owners: string[];
  /** Every VRRP node's state (rogue routers included while present). */
  states: Record<string, VrrpStateName>;
}

/** One prober request, as the prober's JSONL has it. */
export interface ProbeRecord {
  /** ms since the lab came up (when the request was sent). */
  t: number;
  ok: boolean;
  status: number | null;
  /** The node that answered (the shop page names it). */
  servedBy: string | null;
  latencyMs: number | null;
  error?: string;
}

export interface Driver {
  readonly name: DriverName;
  /** ms since the lab came up. */
  readonly clock: Clock;
  /** How often the runner polls an `expect ... within` (ms). */
  readonly pollIntervalMs: number;
  /** Faults this driver cannot carry out in this scenario; empty when it can run it. */
  refusals(): Refusal[];
  /** Bring the lab up and start the prober and the captures. */
  start(): Promise<void>;
  apply(fault: FaultUnit): Promise<void>;
  /** Idempotent: healing what is not broken changes nothing. */
  heal(fault: FaultUnit): Promise<void>;
  /** Let `ms` pass. */
  wait(ms: number): Promise<void>;
  sample(): Promise<VipSample>;
  /** The prober's requests so far, in time order. */
  probes(): Promise<ProbeRecord[]>;
  /** The VRRP timeline of the adverts so far (times in seconds since the lab came up). */
  vrrp(): Promise<AnalysisResult>;
  /** Stop the prober and captures, tear down (the evidence stays readable). */
  stop(): Promise<void>;
}

export interface DriverOptions {
  seed: number;
}

export type DriverFactory = (loaded: LoadedScenario, options: DriverOptions) => Driver;

export type { Scenario };
