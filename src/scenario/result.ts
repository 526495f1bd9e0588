/**
 * The result of running scenarios: plain, JSON-serialisable data, built by the runner
 * (runner.ts) and rendered by the CLI summary (src/cli/run.ts) and, later, the reports
 * (src/report). Nothing here holds a class instance, a Date or a Map.
 *
 * Times are seconds since the scenario's lab came up (virtual seconds for the sim driver, wall
 * seconds for Docker); durations are seconds. Node names are the lab's (`server01`, a rogue's
 * name); an address the lab does not know stays an address.
 *
 *   RunResult
 *   └─ scenarios: ScenarioResult[]     one per scenario file, in the order run
 *      ├─ status                        passed | failed | skipped | error
 *      ├─ steps: StepResult[]           each step: start/end, outcome, plain-words message
 *      ├─ expectations                  every expect step's verdict (also in its StepResult)
 *      ├─ switchovers, splitBrain       from the VRRP adverts on the wire (src/capture timeline)
 *      ├─ outages, probes               from the prober's requests
 *      ├─ slo                           objectives checked against the outages
 *      └─ rollback                      the faults healed at the end, pass or fail
 */
import type { DriverName } from './types';

export type ScenarioStatus = 'passed' | 'failed' | 'skipped' | 'error';

export type StepOutcome = 'done' | 'passed' | 'failed' | 'skipped' | 'error';

export interface StepResult {
  /** 0-based position in the scenario's steps. */
  index: number;
  kind: 'fault' | 'heal' | 'wait' | 'expect';
  /** The step in words: `fault power-off server01`, `expect VIP owner server03 within 5 s`. */
  description: string;
  note?: string;
  /** null for steps that never ran (skipped after a failure). */
  start: number | null;
  end: number | null;
  outcome: StepOutcome;
  /** Expect steps: the verdict in plain words; errors: what went wrong. */
  message?: string;
}

export interface ExpectationResult {
  step: number;
  description: string;
  passed: boolean;
  /** When it held (or was checked, or when the deadline passed). */
  at: number;
  /** Plain words, naming the value and the limit: `VIP 192.168.17.200 not owned by server03 after 5 s (owners: server01)`. */
  message: string;
}

export interface SwitchoverRecord {
  vrid: number;
  from: string;
  to: string;
  /** First advert of the new master. */
  at: number;
  /** From the old master's last advert to the new master's first. */
  gapSeconds: number;
  reason: 'silence' | 'priority-0' | 'preempted';
  duringSplitBrain: boolean;
}

export interface SplitBrainRecord {
  vrid: number;
  nodes: string[];
  start: number;
  end: number;
  durationSeconds: number;
}

/** First failed request to the first successful one after it. */
export interface OutageRecord {
  start: number;
  /** null: still failing when the scenario ended. */
  end: number | null;
  durationSeconds: number;
  failedRequests: number;
}

export interface ProbeSummary {
  intervalMs: number;
  requests: number;
  ok: number;
  failed: number;
  /** Requests answered by each node. */
  servedBy: Record<string, number>;
}

export interface SloCheck {
  objective: 'availability' | 'maxDowntime';
  /** Percent for availability, seconds for maxDowntime. */
  target: number;
  actual: number;
  passed: boolean;
  message: string;
}

export interface SloResult {
  passed: boolean;
  /** Total client downtime of the scenario. */
  downtimeSeconds: number;
  /** incidentsPerYear x downtime, when incidentsPerYear is given. */
  projectedDowntimeSecondsPerYear: number | null;
  checks: SloCheck[];
}

export interface RollbackRecord {
  /** The fault in words: `power-off server01`. */
  fault: string;
  at: number;
  ok: boolean;
  error?: string;
}

export interface ScenarioResult {
  file: string;
  name: string;
  description: string;
  driver: DriverName;
  seed: number | null;
  status: ScenarioStatus;
  passed: boolean;
  /** skipped: why (e.g. the scenario needs the docker driver). */
  notice?: string;
  /** error: the infrastructure failure, with its code. */
  error?: { code: string; message: string };
  /** The first failed expectation or objective, in plain words. */
  failure?: string;
  /** When the steps began (steady state reached) and when the scenario ended. */
  steadyAt: number | null;
  end: number;
  steps: StepResult[];
  expectations: ExpectationResult[];
  switchovers: SwitchoverRecord[];
  splitBrain: SplitBrainRecord[];
  outages: OutageRecord[];
  downtimeSeconds: number;
  probes: ProbeSummary;
  slo: SloResult | null;
  rollback: RollbackRecord[];
}

export interface RunResult {
  driver: DriverName;
  seed: number;
  passed: boolean;
  counts: { passed: number; failed: number; skipped: number; error: number };
  scenarios: ScenarioResult[];
}
