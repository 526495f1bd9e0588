/**
 * SLA math, pure: availability over a scenario's window, downtime per incident, the annual
 * projection for a stated incident rate, the error budget of a target and the share of it each
 * incident spends, and the verdict against `slo.availability` and `slo.maxDowntime`.
 *
 * Conventions (documented in the README):
 * - A year is 365 days (31 536 000 s), a month a twelfth of it (2 628 000 s). The error budget
 *   of a target A% is (100 - A) / 100 of that: 99.99% gives 3153.6 s = 52.56 min a year and
 *   262.8 s = 4.38 min a month. Budgets are rounded to the microsecond (the float noise of
 *   100 - 99.99 otherwise shows).
 * - The window is the probing window: from the steady state to the end of the scenario. No
 *   window (the scenario never got to a steady state) or no request: nothing was measured, and
 *   every figure that depends on it is null ("not measured"), never 0.
 * - One scenario run is one incident of this kind; `slo.incidentsPerYear` projects its total
 *   downtime over a year: projected = incidentsPerYear x downtime.
 * - availability objective: with incidentsPerYear, the projected yearly availability; without
 *   it, the availability over the window (as the run's own verdict, src/run/slo.ts).
 *   maxDowntime objective: the longest single outage.
 */
import { formatDuration } from '../scenario/duration';
import type { OutageRecord, ScenarioResult } from '../run/result';
import type { Slo } from '../scenario/types';
import type { Sla, SlaIncident, Verdict } from './model';

export const SECONDS_PER_YEAR = 365 * 24 * 3600;

/**
 * Beside a simulated run's client downtime: what it is and is not. The outage of one run depends
 * on where the steps fall in the advert and track-script cycles, which the simulator fixes and
 * a Docker run leaves to chance.
 */
export const SIM_CLIENT_NOTE =
  "Simulated client (an ARP cache, no HTTP), at one phase of the advert and track-script cycles: a Docker run of the same scenario lands anywhere in that cycle, so its downtime may differ; `npm run bench:agreement` gives the range over phases beside Docker's.";
export const SECONDS_PER_MONTH = SECONDS_PER_YEAR / 12;

const round = (x: number, digits: number): number => {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
};

/** Error budget of an availability target (percent), seconds per year and per month. */
export function errorBudget(targetPercent: number): {
  perYear: number;
  perMonth: number;
  minutesPerYear: number;
  minutesPerMonth: number;
} {
  const unavailable = (100 - targetPercent) / 100;
  return {
    perYear: round(unavailable * SECONDS_PER_YEAR, 6),
    perMonth: round(unavailable * SECONDS_PER_MONTH, 6),
    minutesPerYear: round((unavailable * SECONDS_PER_YEAR) / 60, 6),
    minutesPerMonth: round((unavailable * SECONDS_PER_MONTH) / 60, 6),
  };
}

/** Percent available when `downtime` seconds of `window` were down. */
export function availabilityPercent(downtimeSeconds: number, windowSeconds: number): number {
  return round(100 * (1 - downtimeSeconds / windowSeconds), 9);
}

/** Yearly downtime and availability if this incident happens `incidentsPerYear` times a year. */
export function annualProjection(
  downtimePerIncidentSeconds: number,
  incidentsPerYear: number,
): { downtimeSecondsPerYear: number; availability: number } {
  const perYear = round(incidentsPerYear * downtimePerIncidentSeconds, 9);
  return {
    downtimeSecondsPerYear: perYear,
    availability: availabilityPercent(perYear, SECONDS_PER_YEAR),
  };
}

/** The share (1 = all) of a budget that `seconds` spend; null without a budget. */
export function budgetShare(seconds: number, budgetSeconds: number | null): number | null {
  if (budgetSeconds === null) return null;
  // A 100% target has no budget: any share of it is meaningless.
  if (budgetSeconds <= 0) return null;
  return round(seconds / budgetSeconds, 9);
}

export function formatPercent(x: number): string {
  return `${round(x, 6)}%`;
}

export function formatShare(x: number | null): string {
  if (x === null) return 'not measured';
  return `${round(x * 100, 2)}%`;
}

export interface SlaInput {
  slo: Slo | null;
  outages: readonly OutageRecord[];
  /** Steady state to end, seconds; null when the scenario never reached a steady state. */
  windowSeconds: number | null;
  /** Requests the prober made in the window. */
  requests: number;
}

/** The SLA inputs of a scenario result. */
export function slaInputOf(r: ScenarioResult, slo: Slo | null): SlaInput {
  return {
    slo,
    outages: r.outages,
    windowSeconds: r.steadyAt === null ? null : round(r.end - r.steadyAt, 9),
    requests: r.probes.requests,
  };
}

/**
 * The objectives a result was checked against, recovered from its SLO checks (report.json has
 * the checks, not the scenario's `slo:`). incidentsPerYear comes back from the projection.
 */
export function sloOfResult(r: ScenarioResult): Slo | null {
  if (r.slo === null) return null;
  const slo: Slo = {};
  for (const c of r.slo.checks) {
    if (c.objective === 'availability') slo.availability = c.target;
    else slo.maxDowntimeMs = round(c.target * 1000, 6);
  }
  const projected = r.slo.projectedDowntimeSecondsPerYear;
  // With no downtime the rate cannot be recovered (and the projection is 0 at any rate).
  if (projected !== null && r.slo.downtimeSeconds > 0)
    slo.incidentsPerYear = round(projected / r.slo.downtimeSeconds, 6);
  return slo;
}

type Objective = Sla['objectives'][number];
type Budget = ReturnType<typeof errorBudget>;

/** What the objectives are checked against (null: not measured). */
interface Measured {
  window: number | null;
  downtime: number | null;
  longest: number | null;
  availability: number | null;
  projection: Sla['projection'];
}

export function computeSla(input: SlaInput): Sla {
  const { slo, outages } = input;
  const measured = input.windowSeconds !== null && input.windowSeconds > 0 && input.requests > 0;
  const window = measured ? input.windowSeconds : null;
  const downtime = measured
    ? round(
        outages.reduce((s, o) => s + o.durationSeconds, 0),
        9,
      )
    : null;
  const longest = measured ? outages.reduce((m, o) => Math.max(m, o.durationSeconds), 0) : null;
  const target = slo?.availability;
  const budget = target === undefined ? null : errorBudget(target);

  const incidents: SlaIncident[] = measured
    ? outages.map((o) => ({
        start: o.start,
        end: o.end,
        durationSeconds: o.durationSeconds,
        ongoing: o.end === null,
        budgetShareYear: budgetShare(o.durationSeconds, budget?.perYear ?? null),
        budgetShareMonth: budgetShare(o.durationSeconds, budget?.perMonth ?? null),
      }))
    : [];

  const projection = projectionOf(slo?.incidentsPerYear, downtime, budget);
  const availability =
    window !== null && downtime !== null ? availabilityPercent(downtime, window) : null;
  const objectives = objectivesOf(slo, { window, downtime, longest, availability, projection });

  return {
    windowSeconds: window,
    downtimeSeconds: downtime,
    longestOutageSeconds: longest,
    availability,
    incidents,
    projection,
    budget:
      budget === null || target === undefined
        ? null
        : {
            targetAvailability: target,
            secondsPerYear: budget.perYear,
            secondsPerMonth: budget.perMonth,
            spentShareYear: downtime === null ? null : budgetShare(downtime, budget.perYear),
            spentShareMonth: downtime === null ? null : budgetShare(downtime, budget.perMonth),
          },
    objectives,
    verdict: overallVerdict(objectives),
  };
}

/** The yearly projection at `rate` incidents a year, when a rate is stated and downtime measured. */
function projectionOf(
  rate: number | undefined,
  downtime: number | null,
  budget: Budget | null,
): Sla['projection'] {
  if (rate === undefined || downtime === null) return null;
  const projected = annualProjection(downtime, rate);
  return {
    incidentsPerYear: rate,
    ...projected,
    budgetShareYear: budgetShare(projected.downtimeSecondsPerYear, budget?.perYear ?? null),
  };
}

/** The stated objectives (maxDowntime first, then availability), each with its verdict. */
function objectivesOf(slo: Slo | null, m: Measured): Objective[] {
  const objectives: Objective[] = [];
  if (slo?.maxDowntimeMs !== undefined) objectives.push(maxDowntimeObjective(slo.maxDowntimeMs, m));
  if (slo?.availability !== undefined) objectives.push(availabilityObjective(slo.availability, m));
  return objectives;
}

function maxDowntimeObjective(maxDowntimeMs: number, { longest }: Measured): Objective {
  const limit = maxDowntimeMs / 1000;
  const verdict: Verdict = longest === null ? 'not-measured' : longest <= limit ? 'pass' : 'fail';
  return {
    objective: 'maxDowntime',
    target: limit,
    actual: longest,
    verdict,
    message:
      longest === null
        ? `longest client outage not measured (maximum ${formatDuration(maxDowntimeMs)})`
        : `longest client outage ${formatDuration(longest * 1000)} ${verdict === 'pass' ? 'within' : 'exceeds'} the maximum ${formatDuration(maxDowntimeMs)}`,
  };
}

function availabilityObjective(
  target: number,
  { window, downtime, availability, projection }: Measured,
): Objective {
  const actual = projection ? projection.availability : availability;
  const basis = projection
    ? `${projection.incidentsPerYear} incidents a year of ${formatDuration((downtime ?? 0) * 1000)} each`
    : window !== null
      ? `over the scenario's ${formatDuration(window * 1000)}`
      : '';
  const verdict: Verdict = actual === null ? 'not-measured' : actual >= target ? 'pass' : 'fail';
  return {
    objective: 'availability',
    target,
    actual,
    verdict,
    message:
      actual === null
        ? `availability not measured (target ${formatPercent(target)})`
        : `availability ${formatPercent(actual)} (${basis}) ${verdict === 'pass' ? 'meets' : 'misses'} the target ${formatPercent(target)}`,
  };
}

function overallVerdict(objectives: readonly Objective[]): Verdict {
  return objectives.length === 0
    ? 'none'
    : objectives.some((o) => o.verdict === 'fail')
      ? 'fail'
      : objectives.some((o) => o.verdict === 'not-measured')
        ? 'not-measured'
        : 'pass';
}
