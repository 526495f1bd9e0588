/**
 * Comparison with a baseline report, pure. Per scenario (matched by file, else by name) it
 * compares the client downtime, the longest outage and each VRRP switchover gap (matched by
 * position, when both runs saw the same from -> to).
 *
 * The rule: a figure regressed when it is worse than the baseline by more than BOTH limits:
 * more than `maxRegressionMs` milliseconds AND more than `maxRegressionPct` percent of the
 * baseline (defaults 50 ms and 10%). Both, so that neither jitter on a long figure (a 30 ms
 * wobble on a 3.6 s gap is 0.8%) nor noise on a tiny one (4 ms -> 9 ms is +125%) fails a night.
 * A baseline of 0 (no downtime) regresses on the absolute limit alone. Improvements are
 * reported with the same thresholds. A figure missing on either side is `not-compared`, never
 * a regression.
 */
import { InputError } from '../errors';
import { formatDuration } from '../scenario/duration';
import type { BaselineComparison, BaselineFinding, Report, ScenarioReport } from './model';

export const BAD_MAX_REGRESSION = 'BAD_MAX_REGRESSION';

export interface RegressionLimits {
  maxRegressionPct: number;
  maxRegressionMs: number;
}

export const DEFAULT_REGRESSION_LIMITS: RegressionLimits = {
  maxRegressionPct: 10,
  maxRegressionMs: 50,
};

/**
 * `--max-regression`: `10%`, `50ms`, `10%,50ms` (or `50ms,10%`); a part not given keeps its
 * default. Units: `%`, `ms`, `s`.
 */
export function parseMaxRegression(
  text: string,
  defaults: RegressionLimits = DEFAULT_REGRESSION_LIMITS,
): RegressionLimits {
  const out = { ...defaults };
  const parts = text.split(',').map((p) => p.trim());
  for (const part of parts) {
    const m = /^(\d+(?:\.\d+)?)\s*(%|ms|s)$/.exec(part);
    if (!m)
      throw new InputError(
        BAD_MAX_REGRESSION,
        `--max-regression ${JSON.stringify(text)}: each part is a percentage (10%) or a duration (50ms, 0.05s)`,
      );
    const value = Number(m[1]);
    if (m[2] === '%') out.maxRegressionPct = value;
    else out.maxRegressionMs = m[2] === 's' ? value * 1000 : value;
  }
  return out;
}

const s = (seconds: number): string => formatDuration(seconds * 1000);
const r6 = (x: number): number => Math.round(x * 1e6) / 1e6;

/** One figure of one scenario, compared. */
export function compareFigure(
  scenario: string,
  metric: string,
  baseline: number | null,
  current: number | null,
  limits: RegressionLimits,
): BaselineFinding {
  if (baseline === null || current === null) {
    const missing =
      baseline === null && current === null
        ? 'measured in neither run'
        : baseline === null
          ? 'not measured in the baseline'
          : 'not measured in this run';
    return {
      scenario,
      metric,
      baseline,
      current,
      deltaSeconds: null,
      deltaPct: null,
      kind: 'not-compared',
      message: `${scenario}: ${metric} ${missing}`,
    };
  }
  const delta = r6(current - baseline);
  const pct = baseline === 0 ? null : r6((100 * delta) / baseline);
  const overMs = Math.abs(delta) * 1000 > limits.maxRegressionMs + 1e-9;
  const overPct = pct === null ? true : Math.abs(pct) > limits.maxRegressionPct + 1e-9;
  const kind: BaselineFinding['kind'] =
    overMs && overPct ? (delta > 0 ? 'regression' : 'improved') : 'ok';
  const by =
    pct === null
      ? `+${s(delta)} (from none)`
      : `${delta >= 0 ? '+' : '-'}${s(Math.abs(delta))}, ${pct >= 0 ? '+' : ''}${Math.round(pct * 10) / 10}%`;
  const figures = `${s(baseline)} -> ${s(current)} (${by})`;
  const message =
    kind === 'regression'
      ? `${scenario}: ${metric} regressed ${figures}, more than ${limits.maxRegressionPct}% and ${limits.maxRegressionMs} ms`
      : kind === 'improved'
        ? `${scenario}: ${metric} improved ${figures}`
        : `${scenario}: ${metric} ${figures}, within ${limits.maxRegressionPct}% or ${limits.maxRegressionMs} ms`;
  return { scenario, metric, baseline, current, deltaSeconds: delta, deltaPct: pct, kind, message };
}

function measured(r: ScenarioReport): boolean {
  return r.status !== 'skipped' && r.status !== 'error' && r.sla.downtimeSeconds !== null;
}

function compareScenario(
  cur: ScenarioReport,
  base: ScenarioReport,
  limits: RegressionLimits,
): BaselineFinding[] {
  const name = cur.name;
  const both = measured(cur) && measured(base);
  const pick = (r: ScenarioReport, f: (r: ScenarioReport) => number | null): number | null =>
    measured(r) ? f(r) : null;
  const figures: [string, (r: ScenarioReport) => number | null][] = [
    ['client downtime', (r) => r.sla.downtimeSeconds],
    ['longest outage', (r) => r.sla.longestOutageSeconds],
  ];
  const out = figures.map(([metric, f]) =>
    compareFigure(name, metric, pick(base, f), pick(cur, f), limits),
  );
  const n = Math.max(cur.switchovers.length, base.switchovers.length);
  for (let i = 0; i < n; i++) {
    const c = cur.switchovers[i];
    const b = base.switchovers[i];
    const label = `VRRP gap ${(c ?? b)?.from ?? '?'} -> ${(c ?? b)?.to ?? '?'} (switchover ${i + 1})`;
    if (!both || !c || !b || c.from !== b.from || c.to !== b.to) {
      out.push({
        scenario: name,
        metric: label,
        baseline: b?.gapSeconds ?? null,
        current: c?.gapSeconds ?? null,
        deltaSeconds: null,
        deltaPct: null,
        kind: 'not-compared',
        message: !both
          ? `${name}: ${label} not compared (a run did not measure it)`
          : !c
            ? `${name}: ${label} seen in the baseline only`
            : !b
              ? `${name}: ${label} is new (not in the baseline)`
              : `${name}: switchover ${i + 1} was ${b.from} -> ${b.to} in the baseline, now ${c.from} -> ${c.to}`,
      });
      continue;
    }
    out.push(compareFigure(name, label, b.gapSeconds, c.gapSeconds, limits));
  }
  return out;
}

/** Compare every scenario of `current` with the same scenario of `baseline`. */
export function compareWithBaseline(
  current: Report,
  baseline: Report,
  limits: Partial<RegressionLimits> = {},
  source = 'baseline',
): BaselineComparison {
  const lim: RegressionLimits = { ...DEFAULT_REGRESSION_LIMITS, ...limits };
  const findings: BaselineFinding[] = [];
  for (const cur of current.scenarios) {
    const base =
      baseline.scenarios.find((b) => b.file === cur.file) ??
      baseline.scenarios.find((b) => b.name === cur.name);
    if (!base) {
      findings.push({
        scenario: cur.name,
        metric: 'scenario',
        baseline: null,
        current: null,
        deltaSeconds: null,
        deltaPct: null,
        kind: 'not-compared',
        message: `${cur.name}: not in the baseline`,
      });
      continue;
    }
    findings.push(...compareScenario(cur, base, lim));
  }
  return {
    source,
    maxRegressionPct: lim.maxRegressionPct,
    maxRegressionMs: lim.maxRegressionMs,
    regressed: findings.some((f) => f.kind === 'regression'),
    findings,
  };
}

/** The regressions in plain words, one a line; empty when none. */
export function describeRegressions(c: BaselineComparison): string[] {
  return c.findings.filter((f) => f.kind === 'regression').map((f) => f.message);
}
