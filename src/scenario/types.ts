/**
 * A scenario after loading: defaults filled in, durations in milliseconds, targets as lists,
 * every name checked against the lab. Plain data (JSON-serialisable); what the runner and the
 * drivers consume.
 */
import type { FaultKind, FaultSpec, HealSpec as AnyHealSpec, NodeRole } from '../faults';
import type { VrrpStateName } from '../vrrp/state-machine';
import type { DriverName } from './schema';

export type { DriverName, FaultKind } from './schema';
export type { Direction, FaultSpec, NodeRole, RogueSpec } from '../faults';

/** A heal step as normalised: a fault of the catalog, or all. */
export type HealSpec = Omit<AnyHealSpec, 'kind'> & { kind: FaultKind | 'all' };

export type VrrpImplementation = 'chaos' | 'keepalived';

/**
 * One node of the lab. The same shape as LabSpec's nodes (src/lab/lab-spec.ts): a ScenarioLab
 * is assignable to a LabSpec.
 */
export interface ScenarioLabNode {
  name: string;
  role: NodeRole;
  address: string;
  /** Web nodes: which VRRP daemon runs (default chaos, as seedLabSpec()). */
  vrrp?: VrrpImplementation;
  /** Web nodes: keepalived.conf on disk (absolute, resolved from the scenario file's folder). */
  configPath?: string;
  /** Web nodes: the keepalived.conf text (the file's, or the seed's rendered for this lab). */
  configText?: string;
}

/** The lab a scenario runs on: LabSpec's shape (see ScenarioLabNode). */
export interface ScenarioLab {
  name: string;
  subnet: string;
  gateway: string;
  vip: string;
  vrid: number;
  nodes: ScenarioLabNode[];
}

export interface ProbeSpec {
  url: string;
  intervalMs: number;
  timeoutMs: number;
}

export type Expectation =
  | { kind: 'vip-owner'; node: string }
  | { kind: 'no-owner' }
  | { kind: 'split-brain'; present: boolean }
  | { kind: 'state'; node: string; state: VrrpStateName }
  | { kind: 'last-outage'; underMs: number }
  | { kind: 'served-by'; node: string }
  /** The latest request got this HTTP status (served by `node`, when given). */
  | { kind: 'answers'; status: number; node?: string }
  /** How many switchovers the wire shows (since steady state, or in the last `lastMs`). */
  | { kind: 'switchover-count'; atMost?: number; count?: number; lastMs?: number }
  | {
      kind: 'switchover';
      from?: string;
      to?: string;
      gapMs?: number;
      toleranceMs: number;
    };

/** A fault applied and healed alternately: each phase `everyMs`, `times` over. */
export interface Flap {
  everyMs: number;
  times: number;
}

export type Step =
  | { kind: 'fault'; fault: FaultSpec; flap?: Flap; note?: string }
  | { kind: 'heal'; heal: HealSpec; note?: string }
  | { kind: 'wait'; ms: number; note?: string }
  | { kind: 'expect'; expect: Expectation; withinMs: number | null; note?: string };

export interface Slo {
  /** Percent, e.g. 99.99. */
  availability?: number;
  maxDowntimeMs?: number;
  incidentsPerYear?: number;
}

export interface Scenario {
  name: string;
  description: string;
  /** Drivers the scenario is meaningful on; empty: all. */
  drivers: DriverName[];
  lab: ScenarioLab;
  probe: ProbeSpec;
  steps: Step[];
  slo: Slo | null;
}

/** Default switchover gap tolerance: real keepalived met the RFC bound within 1 ms. */
export const DEFAULT_GAP_TOLERANCE_MS = 20;
export const DEFAULT_PROBE_INTERVAL_MS = 20;
export const DEFAULT_PROBE_TIMEOUT_MS = 500;
