/**
 * The result of running scenarios: plain, JSON-serialisable data, built by the runner
 * (runner.ts) and rendered by the CLI summary (src/cli/run-summary.ts) and the reports
 * (src/report).
 * Nothing here holds a class instance, a Date or a Map. Defined once, as zod schemas (the
 * report model embeds them and reads them back); the types are inferred from them.
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
 *      ├─ advertLateness                each sender's adverts: interval minus advertised interval
 *      ├─ outages, probes               from the prober's requests
 *      ├─ slo                           objectives checked against the outages
 *      └─ rollback                      the faults healed at the end, pass or fail
 */
import { z } from 'zod';
import { DRIVER_NAMES } from '../scenario/schema';
import { receiveChecksSchema } from './receive-checks';

const num = z.number();
const nullableNum = z.number().nullable();
const int = z.number().int();

export const scenarioStatusSchema = z.enum(['passed', 'failed', 'skipped', 'error']);
export type ScenarioStatus = z.infer<typeof scenarioStatusSchema>;

export const stepOutcomeSchema = z.enum(['done', 'passed', 'failed', 'skipped', 'error']);
export type StepOutcome = z.infer<typeof stepOutcomeSchema>;

export const stepResultSchema = z.object({
  /** 0-based position in the scenario's steps. */
  index: int,
  kind: z.enum(['fault', 'heal', 'wait', 'expect']),
  /** The step in words: `fault power-off server01`, `expect VIP owner server03 within 5 s`. */
  description: z.string(),
  note: z.string().optional(),
  /** null for steps that never ran (skipped after a failure). */
  start: nullableNum,
  end: nullableNum,
  outcome: stepOutcomeSchema,
  /** Expect steps: the verdict in plain words; errors: what went wrong. */
  message: z.string().optional(),
});
export type StepResult = z.infer<typeof stepResultSchema>;

export const expectationResultSchema = z.object({
  step: int,
  description: z.string(),
  passed: z.boolean(),
  /** When it held (or was checked, or when the deadline passed). */
  at: num,
  /** Plain words, naming the value and the limit: `VIP 192.168.17.200 not owned by server03 after 5 s (owners: server01)`. */
  message: z.string(),
});
export type ExpectationResult = z.infer<typeof expectationResultSchema>;

export const switchoverRecordSchema = z.object({
  vrid: int,
  from: z.string(),
  to: z.string(),
  /** First advert of the new master. */
  at: num,
  /** From the old master's last advert to the new master's first. */
  gapSeconds: num,
  reason: z.enum(['silence', 'priority-0', 'preempted']),
  duringSplitBrain: z.boolean(),
});
export type SwitchoverRecord = z.infer<typeof switchoverRecordSchema>;

export const splitBrainRecordSchema = z.object({
  vrid: int,
  nodes: z.array(z.string()),
  start: num,
  end: num,
  durationSeconds: num,
});
export type SplitBrainRecord = z.infer<typeof splitBrainRecordSchema>;

/**
 * One sender's advert lateness (src/capture/advert-lateness.ts): over the run (steady state to
 * the end) or only while a fault was applied (`faults`).
 */
export const advertLatenessRecordSchema = z.object({
  vrid: int,
  node: z.string(),
  window: z.enum(['run', 'faults']),
  advertisedMs: num,
  intervals: int,
  medianMs: num,
  p95Ms: num,
  maxMs: num,
});
export type AdvertLatenessRecord = z.infer<typeof advertLatenessRecordSchema>;

/** First failed request to the first successful one after it. */
export const outageRecordSchema = z.object({
  start: num,
  /** null: still failing when the scenario ended. */
  end: nullableNum,
  durationSeconds: num,
  failedRequests: int,
});
export type OutageRecord = z.infer<typeof outageRecordSchema>;

export const probeSummarySchema = z.object({
  intervalMs: num,
  requests: int,
  ok: int,
  failed: int,
  /** Requests answered by each node. */
  servedBy: z.record(z.string(), int),
});
export type ProbeSummary = z.infer<typeof probeSummarySchema>;

export const sloCheckSchema = z.object({
  objective: z.enum(['availability', 'maxDowntime']),
  /** Percent for availability, seconds for maxDowntime. */
  target: num,
  actual: num,
  passed: z.boolean(),
  message: z.string(),
});
export type SloCheck = z.infer<typeof sloCheckSchema>;

export const sloResultSchema = z.object({
  passed: z.boolean(),
  /** Total client downtime of the scenario. */
  downtimeSeconds: num,
  /** incidentsPerYear x downtime, when incidentsPerYear is given. */
  projectedDowntimeSecondsPerYear: nullableNum,
  checks: z.array(sloCheckSchema),
});
export type SloResult = z.infer<typeof sloResultSchema>;

export const rollbackRecordSchema = z.object({
  /** The fault in words: `power-off server01`. */
  fault: z.string(),
  at: num,
  ok: z.boolean(),
  error: z.string().optional(),
});
export type RollbackRecord = z.infer<typeof rollbackRecordSchema>;

const driverSchema = z.enum(DRIVER_NAMES);

export const scenarioResultSchema = z.object({
  file: z.string(),
  name: z.string(),
  description: z.string(),
  driver: driverSchema,
  seed: nullableNum,
  status: scenarioStatusSchema,
  passed: z.boolean(),
  /** skipped: why (e.g. the scenario needs the docker driver). */
  notice: z.string().optional(),
  /** error: the infrastructure failure, with its code. */
  error: z.object({ code: z.string(), message: z.string() }).optional(),
  /** The first failed expectation or objective, in plain words. */
  failure: z.string().optional(),
  /** When the steps began (steady state reached) and when the scenario ended. */
  steadyAt: nullableNum,
  end: num,
  steps: z.array(stepResultSchema),
  expectations: z.array(expectationResultSchema),
  switchovers: z.array(switchoverRecordSchema),
  splitBrain: z.array(splitBrainRecordSchema),
  /** Absent in reports written before it was measured: read as none. */
  advertLateness: z.array(advertLatenessRecordSchema).default([]),
  outages: z.array(outageRecordSchema),
  downtimeSeconds: num,
  probes: probeSummarySchema,
  slo: sloResultSchema.nullable(),
  rollback: z.array(rollbackRecordSchema),
  /** A flood of broken VRRP ran: what was sent and what each daemon dropped, by reason. */
  receiveChecks: receiveChecksSchema.optional(),
});
export type ScenarioResult = z.infer<typeof scenarioResultSchema>;

/** A RunResult as `chaos run --json` prints it (and as report.json was before version 1). */
export const runResultSchema = z.object({
  driver: driverSchema,
  seed: num,
  passed: z.boolean(),
  counts: z.object({ passed: int, failed: int, skipped: int, error: int }),
  scenarios: z.array(scenarioResultSchema),
});
export type RunResult = z.infer<typeof runResultSchema>;
