/**
 * The report model (report.json), as a zod schema: the documented shape of what `chaos run`
 * leaves in a run directory and what `chaos report` reads back. schema/report.schema.json is
 * `reportJsonSchema()` (a unit test keeps them equal). Pure: no I/O.
 *
 *   Report (version 1)
 *   ├─ run                 driver, seed, verdict, counts (as RunResult)
 *   ├─ interrupted         true when the run was stopped before every scenario ended
 *   ├─ shard               I/N when the run was shard I of N (`--shard`); null: a whole suite
 *   ├─ environment         chaos / Docker / Node versions; null = not measured
 *   ├─ suite               one row per scenario: verdict, worst gap, downtime
 *   ├─ scenarios[]         ScenarioResult (src/run/result.ts) plus
 *   │  ├─ lab              nodes, roles, addresses, VRRP implementation; null = not recorded
 *   │  ├─ sla              availability, incidents, projection, error budget, verdict
 *   │  ├─ reconciliation   each client outage next to the VRRP switchover that explains it
 *   │  └─ timeline         bands for the HTML timeline; null = no evidence to draw
 *   └─ baseline            comparison with a previous report, when one was given
 *
 * Times are seconds since the scenario's lab came up; durations are seconds. A figure that was
 * not measured is `null`, never 0.
 */
import { z } from 'zod';
import { runResultSchema, scenarioResultSchema, scenarioStatusSchema } from '../run/result';

export { runResultSchema, scenarioResultSchema };

export const REPORT_VERSION = 1;

const num = z.number();
const nullableNum = z.number().nullable();

// ---- Report additions ----

/** none: the scenario states no objective. */
const verdictSchema = z.enum(['pass', 'fail', 'not-measured', 'none']);

export const slaIncidentSchema = z.object({
  start: num,
  end: nullableNum,
  durationSeconds: num,
  /** Still failing when the scenario ended: the duration is a lower bound. */
  ongoing: z.boolean(),
  /** Share of the yearly / monthly error budget this one incident spends (1 = all of it). */
  budgetShareYear: nullableNum,
  budgetShareMonth: nullableNum,
});

export const slaSchema = z.object({
  /** The probing window: steady state to the end of the scenario; null when nothing was probed. */
  windowSeconds: nullableNum,
  downtimeSeconds: nullableNum,
  longestOutageSeconds: nullableNum,
  /** Percent over the window; null when not measured. */
  availability: nullableNum,
  incidents: z.array(slaIncidentSchema),
  projection: z
    .object({
      incidentsPerYear: num,
      downtimeSecondsPerYear: num,
      availability: num,
      /** Share of the yearly error budget the projected downtime spends. */
      budgetShareYear: nullableNum,
    })
    .nullable(),
  budget: z
    .object({
      targetAvailability: num,
      secondsPerYear: num,
      secondsPerMonth: num,
      /** This run's downtime against the yearly / monthly budget. */
      spentShareYear: nullableNum,
      spentShareMonth: nullableNum,
    })
    .nullable(),
  objectives: z.array(
    z.object({
      objective: z.enum(['availability', 'maxDowntime']),
      target: num,
      actual: nullableNum,
      verdict: verdictSchema,
      message: z.string(),
    }),
  ),
  verdict: verdictSchema,
});

export const reconciliationSchema = z.array(
  z.object({
    outage: z.object({ start: num, end: nullableNum, durationSeconds: num }),
    switchover: z.object({ from: z.string(), to: z.string(), at: num, gapSeconds: num }).nullable(),
    /** Client outage minus the VRRP gap; null without a switchover. */
    differenceSeconds: nullableNum,
    message: z.string(),
  }),
);

const bandSchema = z.object({ start: num, end: num });

export const timelineSchema = z.object({
  start: num,
  end: num,
  nodes: z.array(
    z.object({
      name: z.string(),
      /** VRRP state bands; null: not measured. */
      states: z.array(bandSchema.extend({ state: z.string() })).nullable(),
      /** Intervals the node held the VIP; null: not measured. */
      vip: z.array(bandSchema).nullable(),
      /** Where the bands come from: `vip samples`, `daemon events`, `VRRP adverts`. */
      source: z.string().nullable(),
    }),
  ),
  /** The prober's success and failure bands; null: not measured. */
  probes: z.array(bandSchema.extend({ ok: z.boolean() })).nullable(),
  probeSource: z.string().nullable(),
  markers: z.array(
    z.object({ at: num, kind: z.enum(['fault', 'heal', 'rollback']), label: z.string() }),
  ),
  splitBrain: z.array(bandSchema.extend({ nodes: z.array(z.string()) })),
});

export const labSummarySchema = z.object({
  vip: z.string(),
  vrid: z.number().int(),
  nodes: z.array(
    z.object({
      name: z.string(),
      role: z.string(),
      address: z.string(),
      vrrp: z.string().nullable(),
    }),
  ),
});

/** The scenario's `slo:` as stated (maxDowntime in ms); null: none stated. */
export const objectivesSchema = z.object({
  availability: z.number().optional(),
  maxDowntimeMs: z.number().optional(),
  incidentsPerYear: z.number().optional(),
});

export const switchoverRateSchema = z.object({
  count: z.number().int(),
  /** From the steady state to the end. */
  windowSeconds: num,
  perMinute: num,
  /** The most switchovers within any 60 s. */
  peakPerMinute: z.number().int(),
});

export const scenarioReportSchema = scenarioResultSchema.extend({
  lab: labSummarySchema.nullable(),
  /** How often the VIP moved; null: not measured (skipped), or a report made before it was. */
  switchoverRate: switchoverRateSchema.nullable().default(null),
  objectives: objectivesSchema.nullable(),
  sla: slaSchema,
  reconciliation: reconciliationSchema,
  timeline: timelineSchema.nullable(),
});

export const suiteRowSchema = z.object({
  name: z.string(),
  file: z.string(),
  status: scenarioStatusSchema,
  switchovers: z.number().int(),
  /** Longest VRRP gap; null: no switchover seen. */
  worstGapSeconds: nullableNum,
  /** Client downtime; null: nothing probed. */
  downtimeSeconds: nullableNum,
  availability: nullableNum,
  slaVerdict: verdictSchema,
});

export const baselineFindingSchema = z.object({
  scenario: z.string(),
  metric: z.string(),
  baseline: nullableNum,
  current: nullableNum,
  deltaSeconds: nullableNum,
  deltaPct: nullableNum,
  kind: z.enum(['regression', 'ok', 'improved', 'not-compared']),
  message: z.string(),
});

export const baselineComparisonSchema = z.object({
  source: z.string(),
  maxRegressionPct: num,
  maxRegressionMs: num,
  regressed: z.boolean(),
  findings: z.array(baselineFindingSchema),
});

export const environmentSchema = z.object({
  chaosVersion: z.string().nullable(),
  dockerVersion: z.string().nullable(),
  nodeVersion: z.string().nullable(),
  /** The OS the run ran on (`Linux-6.1.0-x86_64`) and the host's name; null: not recorded. */
  platform: z.string().nullable().default(null),
  hostname: z.string().nullable().default(null),
});

/** `--shard I/N`: shard `index` (1-based) of `total`. */
export const shardSchema = z.object({
  index: z.number().int().min(1),
  total: z.number().int().min(1),
});

export const reportSchema = z
  .object({
    version: z.literal(REPORT_VERSION),
    /** ISO time the report was made, as given (the model never reads the clock). */
    generatedAt: z.string().nullable(),
    interrupted: z.boolean(),
    /** Why, when interrupted (e.g. `SIGINT`). */
    interruption: z.string().nullable(),
    /** Which shard of a suite this run was; null for a whole suite or a merge of shards. */
    shard: shardSchema.nullable().default(null),
    environment: environmentSchema,
    run: runResultSchema.omit({ scenarios: true }),
    suite: z.array(suiteRowSchema),
    scenarios: z.array(scenarioReportSchema),
    baseline: baselineComparisonSchema.nullable(),
  })
  .describe('A chaos report (report.json)');

export type Report = z.infer<typeof reportSchema>;
export type ScenarioReport = z.infer<typeof scenarioReportSchema>;
export type Sla = z.infer<typeof slaSchema>;
export type SlaIncident = z.infer<typeof slaIncidentSchema>;
export type Verdict = z.infer<typeof verdictSchema>;
export type Timeline = z.infer<typeof timelineSchema>;
export type TimelineNode = Timeline['nodes'][number];
export type Reconciliation = z.infer<typeof reconciliationSchema>;
export type LabSummary = z.infer<typeof labSummarySchema>;
export type SuiteRow = z.infer<typeof suiteRowSchema>;
export type BaselineFinding = z.infer<typeof baselineFindingSchema>;
export type BaselineComparison = z.infer<typeof baselineComparisonSchema>;
export type Environment = z.infer<typeof environmentSchema>;

/** The JSON Schema of report.json (committed as schema/report.schema.json). */
export function reportJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(reportSchema, { io: 'output', target: 'draft-2020-12' }),
    $id: 'https://chaos.invalid/schema/report.schema.json',
    title: 'chaos report',
  };
}
