/**
 * RunResult + evidence -> Report (model.ts), pure. Also: re-reading a stored report.json (this
 * version, or the plain RunResult `chaos run --out` wrote before reports existed). Merging the
 * reports of several shards into one suite: merge.ts.
 */
import { InputError } from '../errors';
import type { RunResult, ScenarioResult } from '../run/result';
import type { ScenarioLab, Slo } from '../scenario/types';
import {
  REPORT_VERSION,
  reportSchema,
  runResultSchema,
  type BaselineComparison,
  type Environment,
  type LabSummary,
  type Reconciliation,
  type Report,
  type ScenarioReport,
  type SuiteRow,
} from './model';
import { computeSla, slaInputOf, sloOfResult } from './sla';
import { switchoverRate } from './switchover-rate';
import { buildTimeline, type ScenarioEvidence } from './timeline';
import { formatDuration } from '../scenario/duration';
import type { Shard } from './shard';

export const REPORT_INVALID = 'REPORT_INVALID';
export const REPORT_VERSION_UNSUPPORTED = 'REPORT_VERSION_UNSUPPORTED';

/** What the runner knows about a scenario besides its result. All optional. */
export interface ScenarioContext {
  /** The lab it ran on (nodes, roles, VRRP implementation). */
  lab?: ScenarioLab;
  /** Its `slo:` as stated. Without it the objectives are recovered from the result's checks. */
  slo?: Slo | null;
  evidence?: ScenarioEvidence;
}

export interface BuildReportOptions {
  /** ISO time; the model never reads the clock. */
  generatedAt?: string | null;
  /** true, or the reason (`SIGINT`), when the run stopped before every scenario ended. */
  interrupted?: boolean | string;
  environment?: Partial<Environment>;
  /** By scenario file (ScenarioResult.file). */
  scenarios?: Readonly<Record<string, ScenarioContext>>;
  baseline?: BaselineComparison | null;
  /** `--shard I/N`: this run is shard I of N. */
  shard?: Shard | null;
}

const s = (seconds: number): string => formatDuration(seconds * 1000);

export function labSummary(lab: ScenarioLab): LabSummary {
  return {
    vip: lab.vip,
    vrid: lab.vrid,
    nodes: lab.nodes.map((n) => ({
      name: n.name,
      role: n.role,
      address: n.address,
      vrrp: n.role === 'web' ? (n.vrrp ?? 'chaos') : null,
    })),
  };
}

/** Each client outage next to the VRRP switchover that explains it (if any). */
export function reconcile(r: ScenarioResult): Reconciliation {
  return r.outages.map((o) => {
    const end = o.end ?? r.end;
    // The new master's first advert falls inside the outage (or within 1 s after its end: the
    // client may need the gratuitous ARP or a retry before it succeeds again).
    const candidates = r.switchovers.filter((sw) => sw.at >= o.start - 0.001 && sw.at <= end + 1);
    const sw = candidates.reduce<(typeof candidates)[number] | undefined>(
      (best, c) => (best === undefined || c.gapSeconds > best.gapSeconds ? c : best),
      undefined,
    );
    const outage = { start: o.start, end: o.end, durationSeconds: o.durationSeconds };
    const split = r.splitBrain.some((b) => b.start <= end && b.end >= o.start);
    if (!sw)
      return {
        outage,
        switchover: null,
        differenceSeconds: null,
        message: `client outage of ${s(o.durationSeconds)} from ${s(o.start)} with no VRRP switchover${split ? ' (during split brain)' : ''}: not explained by a failover`,
      };
    const diff = Math.round((o.durationSeconds - sw.gapSeconds) * 1e6) / 1e6;
    const words =
      Math.abs(diff) < 0.0005
        ? 'the same'
        : diff > 0
          ? `${s(diff)} longer than the VRRP gap`
          : `${s(-diff)} shorter than the VRRP gap`;
    return {
      outage,
      switchover: { from: sw.from, to: sw.to, at: sw.at, gapSeconds: sw.gapSeconds },
      differenceSeconds: diff,
      message: `client outage ${s(o.durationSeconds)} vs VRRP gap ${s(sw.gapSeconds)} (${sw.from} -> ${sw.to}): ${words}`,
    };
  });
}

export function scenarioReport(r: ScenarioResult, ctx: ScenarioContext = {}): ScenarioReport {
  const slo = ctx.slo !== undefined ? ctx.slo : sloOfResult(r);
  const measuredResult = r.status === 'skipped' ? { ...r, steadyAt: null } : r;
  return {
    ...r,
    lab: ctx.lab ? labSummary(ctx.lab) : null,
    objectives: slo === null ? null : { ...slo },
    switchoverRate: switchoverRate(r),
    sla: computeSla(slaInputOf(measuredResult, slo)),
    reconciliation: reconcile(r),
    timeline: buildTimeline(
      r,
      ctx.evidence,
      ctx.lab?.nodes.filter((n) => n.role === 'web').map((n) => n.name),
    ),
  };
}

export function suiteRow(r: ScenarioReport): SuiteRow {
  const worst = r.switchovers.reduce<number | null>(
    (m, sw) => (m === null ? sw.gapSeconds : Math.max(m, sw.gapSeconds)),
    null,
  );
  return {
    name: r.name,
    file: r.file,
    status: r.status,
    switchovers: r.switchovers.length,
    worstGapSeconds: worst,
    downtimeSeconds: r.sla.downtimeSeconds,
    availability: r.sla.availability,
    slaVerdict: r.sla.verdict,
  };
}

export function countsOf(scenarios: readonly ScenarioResult[]): RunResult['counts'] {
  const count = (st: ScenarioResult['status']): number =>
    scenarios.filter((r) => r.status === st).length;
  return {
    passed: count('passed'),
    failed: count('failed'),
    skipped: count('skipped'),
    error: count('error'),
  };
}

function environmentOf(e: Partial<Environment> | undefined): Environment {
  return {
    chaosVersion: e?.chaosVersion ?? null,
    dockerVersion: e?.dockerVersion ?? null,
    nodeVersion: e?.nodeVersion ?? null,
    platform: e?.platform ?? null,
    hostname: e?.hostname ?? null,
  };
}

export function buildReport(run: RunResult, options: BuildReportOptions = {}): Report {
  const scenarios = run.scenarios.map((r) => scenarioReport(r, options.scenarios?.[r.file]));
  const interrupted = options.interrupted !== undefined && options.interrupted !== false;
  return {
    version: REPORT_VERSION,
    generatedAt: options.generatedAt ?? null,
    interrupted,
    interruption: typeof options.interrupted === 'string' ? options.interrupted : null,
    shard: options.shard ?? null,
    environment: environmentOf(options.environment),
    run: {
      driver: run.driver,
      seed: run.seed,
      // An interrupted run never passes: it did not check everything.
      passed: run.passed && !interrupted,
      counts: run.counts,
    },
    suite: scenarios.map(suiteRow),
    scenarios,
    baseline: options.baseline ?? null,
  };
}

/** The scenarios of a Report as RunResult (what baseline and trend read). */
export function runResultOf(report: Report): RunResult {
  return { ...report.run, scenarios: report.scenarios };
}

/**
 * A stored report.json (already JSON-parsed): a Report of this version, or a plain RunResult
 * (`chaos run --out` before version 1, or `--json` output), which is turned into a Report.
 * `where` names the file in errors.
 */
export function parseReport(value: unknown, where: string): Report {
  const version =
    typeof value === 'object' && value !== null && 'version' in value ? value.version : undefined;
  if (version === undefined) {
    const legacy = runResultSchema.safeParse(value);
    if (!legacy.success)
      throw new InputError(
        REPORT_INVALID,
        `${where} is neither a chaos report nor a run result: ${legacy.error.issues[0]?.path.join('.') ?? ''} ${legacy.error.issues[0]?.message ?? ''}`.trim(),
      );
    return buildReport(legacy.data);
  }
  if (version !== REPORT_VERSION)
    throw new InputError(
      REPORT_VERSION_UNSUPPORTED,
      `${where} is report version ${JSON.stringify(version)}; this chaos reads version ${REPORT_VERSION}`,
    );
  const parsed = reportSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new InputError(
      REPORT_INVALID,
      `${where} is not a valid chaos report: ${issue?.path.join('.') ?? ''}: ${issue?.message ?? ''}`,
    );
  }
  return parsed.data;
}
