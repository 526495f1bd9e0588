/**
 * Service-level objectives against a scenario's client outages. Pure. The verdict `chaos run`
 * needs; the report's SLA figures (budgets, projections) are src/report/sla.ts.
 *
 * - maxDowntime: the longest outage is at most this long.
 * - availability: with incidentsPerYear, the yearly availability if this failure (and the
 *   downtime it caused here) happens that often; without it, the availability observed over the
 *   scenario's probing window.
 */
import { formatDuration } from '../scenario/duration';
import type { OutageRecord, SloCheck, SloResult } from './result';
import type { Slo } from '../scenario/types';

export const SECONDS_PER_YEAR = 365 * 24 * 3600;

function pct(x: number): string {
  return `${Math.round(x * 1e6) / 1e6}%`;
}

export function checkSlo(
  slo: Slo,
  outages: readonly OutageRecord[],
  windowSeconds: number,
): SloResult {
  const downtime = outages.reduce((s, o) => s + o.durationSeconds, 0);
  const longest = outages.reduce((m, o) => Math.max(m, o.durationSeconds), 0);
  const projected = slo.incidentsPerYear === undefined ? null : slo.incidentsPerYear * downtime;
  const checks: SloCheck[] = [];
  if (slo.maxDowntimeMs !== undefined) {
    const target = slo.maxDowntimeMs / 1000;
    const passed = longest <= target;
    checks.push({
      objective: 'maxDowntime',
      target,
      actual: longest,
      passed,
      message: `longest client outage ${formatDuration(longest * 1000)} ${passed ? 'within' : 'exceeds'} the maximum ${formatDuration(slo.maxDowntimeMs)}`,
    });
  }
  if (slo.availability !== undefined) {
    const actual =
      projected !== null
        ? 100 * (1 - projected / SECONDS_PER_YEAR)
        : windowSeconds > 0
          ? 100 * (1 - downtime / windowSeconds)
          : 100;
    const passed = actual >= slo.availability;
    const basis =
      projected !== null
        ? `${slo.incidentsPerYear} incidents a year of ${formatDuration(downtime * 1000)} each`
        : `over the scenario's ${formatDuration(windowSeconds * 1000)}`;
    checks.push({
      objective: 'availability',
      target: slo.availability,
      actual,
      passed,
      message: `availability ${pct(actual)} (${basis}) ${passed ? 'meets' : 'misses'} the target ${pct(slo.availability)}`,
    });
  }
  return {
    passed: checks.every((c) => c.passed),
    downtimeSeconds: downtime,
    projectedDowntimeSecondsPerYear: projected,
    checks,
  };
}
