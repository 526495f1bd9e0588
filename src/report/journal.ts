/**
 * journal.json: a run in Chaos Toolkit's journal shape (what `chaos run --journal-path` of the
 * Chaos Toolkit writes, and what its reporting tools read). Pure: Report in, JSON value out.
 *
 * How chaos's concepts map onto the journal:
 *
 *   experiment                  the scenario (several in a run: the suite, names prefixed)
 *   steady-state hypothesis     the steady state chaos waits for (one VIP owner, the client
 *                               served), every expect step and every objective (slo:)
 *   steady_states.before        that steady state, reached (or not) before the first step
 *   method / run                the fault and heal steps, as actions; waits become pauses
 *   steady_states.after         the expectations and objectives as checked, each probe with
 *                               its own start and end (chaos checks them during the method)
 *   rollbacks                   the heals chaos runs at the end for every fault still applied
 *   status                      completed (deviated: an expectation or objective failed);
 *                               failed (no steady state before the steps); aborted (the lab
 *                               or a step failed); interrupted (SIGINT/SIGTERM)
 *
 * Times: the run's start (report.generatedAt) plus chaos's scenario times (seconds since the
 * lab came up; virtual seconds for the simulator), scenarios laid end to end. Without a
 * generatedAt (a report from before it was recorded) the origin is 1970-01-01. Providers are
 * `{"type": "chaos", ...}`: chaos ran the activity itself, no Python function or process.
 * `chaoslib-version` is null: chaoslib did not run this.
 */
import { formatDuration } from '../scenario/duration';
import type { SloCheck, StepResult } from '../run/result';
import type { Report, ScenarioReport } from './model';

export const JOURNAL_STEADY_STATE = 'one VIP owner and the client served';

export type JournalStatus = 'completed' | 'failed' | 'aborted' | 'interrupted';

export interface JournalProvider {
  type: 'chaos';
  driver: string;
  scenario: string;
  /** 1-based step of the scenario; absent for the steady state and the rollbacks. */
  step?: number;
}

export interface JournalActivity {
  type: 'action' | 'probe';
  name: string;
  provider: JournalProvider;
  /** Probes of the hypothesis: `true` (the check held) or a `[min, max]` range. */
  tolerance?: boolean | [number, number];
  /** Seconds; a scenario's wait steps. */
  pauses?: { before?: number; after?: number };
}

export interface JournalRun {
  activity: JournalActivity;
  status: 'succeeded' | 'failed';
  output: unknown;
  start: string;
  end: string;
  duration: number;
  /** Hypothesis probes: whether the output was within the tolerance. */
  tolerance_met?: boolean;
  /** The verdict in plain words (chaos's message). */
  message?: string;
  exception?: string[];
}

export interface JournalSteadyState {
  steady_state_met: boolean | null;
  probes: JournalRun[];
}

export interface Journal {
  'chaoslib-version': null;
  platform: string | null;
  node: string | null;
  experiment: {
    version: '1.0.0';
    title: string;
    description: string;
    tags: string[];
    'steady-state-hypothesis': { title: string; probes: JournalActivity[] };
    method: JournalActivity[];
    rollbacks: JournalActivity[];
  };
  start: string;
  end: string;
  duration: number;
  status: JournalStatus;
  deviated: boolean;
  steady_states: {
    before: JournalSteadyState | null;
    after: JournalSteadyState | null;
    during: JournalSteadyState[];
  };
  run: JournalRun[];
  rollbacks: JournalRun[];
  /** What only chaos knows: its version, the driver, each scenario's verdict and offset. */
  chaos: {
    version: string | null;
    driver: string;
    seed: number;
    clock: 'virtual' | 'wall';
    timeOrigin: string | null;
    scenarios: {
      name: string;
      file: string;
      status: ScenarioReport['status'];
      failure: string | null;
      /** Where this scenario's second 0 is, from the journal's start. */
      offsetSeconds: number;
    }[];
  };
}

/** ISO time `seconds` after `originMs`, as Python's isoformat() writes UTC. */
function isoAt(originMs: number, seconds: number): string {
  return new Date(originMs + Math.round(seconds * 1000)).toISOString().replace('Z', '+00:00');
}

const round6 = (x: number): number => Math.round(x * 1e6) / 1e6;

/** One scenario's part of the journal, before the parts are joined. */
interface ScenarioPart {
  hypothesis: JournalActivity[];
  method: JournalActivity[];
  rollbackActivities: JournalActivity[];
  before: JournalRun | null;
  beforeMet: boolean | null;
  after: JournalRun[];
  run: JournalRun[];
  rollbacks: JournalRun[];
  status: JournalStatus;
}

/** What a scenario's activities share: how to name them and when its second 0 is. */
interface PartContext {
  r: ScenarioReport;
  prefix: string;
  driver: string;
  originMs: number;
}

function provider(c: PartContext, step?: number): JournalProvider {
  const p: JournalProvider = { type: 'chaos', driver: c.driver, scenario: c.r.file };
  if (step !== undefined) p.step = step + 1;
  return p;
}

function runOf(
  c: PartContext,
  activity: JournalActivity,
  start: number,
  end: number,
  status: JournalRun['status'],
  output: unknown,
): JournalRun {
  return {
    activity,
    status,
    output,
    start: isoAt(c.originMs, start),
    end: isoAt(c.originMs, end),
    duration: round6(Math.max(0, end - start)),
  };
}

/**
 * The scenario's fault and heal steps as actions. A wait becomes a pause before the next
 * action (waits at the end: a pause after the last one), as Chaos Toolkit pauses.
 */
function methodOf(c: PartContext): Map<number, JournalActivity> {
  const actions = new Map<number, JournalActivity>();
  let pending = 0;
  let last: JournalActivity | undefined;
  for (const step of c.r.steps) {
    if (step.kind === 'wait') pending += waitSeconds(step);
    if (step.kind !== 'fault' && step.kind !== 'heal') continue;
    last = {
      type: 'action',
      name: `${c.prefix}${step.description}`,
      provider: provider(c, step.index),
    };
    if (pending > 0) last.pauses = { before: round6(pending) };
    pending = 0;
    actions.set(step.index, last);
  }
  if (last && pending > 0) last.pauses = { ...last.pauses, after: round6(pending) };
  return actions;
}

/** A wait step's length: as run, else as described (`wait 5 s`). */
function waitSeconds(step: StepResult): number {
  if (step.start !== null && step.end !== null) return step.end - step.start;
  const m = /^wait ([\d.]+) (ms|s|min)$/.exec(step.description);
  if (!m) return 0;
  const n = Number(m[1]);
  return m[2] === 'ms' ? n / 1000 : m[2] === 'min' ? n * 60 : n;
}

function objectiveName(c: PartContext, objective: SloCheck['objective'], target: number): string {
  return objective === 'availability'
    ? `${c.prefix}objective availability >= ${target}%`
    : `${c.prefix}objective longest outage <= ${formatDuration(target * 1000)}`;
}

function objectiveActivity(
  c: PartContext,
  objective: SloCheck['objective'],
  target: number,
): JournalActivity {
  return {
    type: 'probe',
    name: objectiveName(c, objective, target),
    provider: provider(c),
    tolerance: objective === 'availability' ? [target, 100] : [0, target],
  };
}

/** The hypothesis as declared: the steady state, every expect step, every stated objective. */
function hypothesisOf(c: PartContext): JournalActivity[] {
  const probes: JournalActivity[] = [steadyStateActivity(c)];
  for (const step of c.r.steps)
    if (step.kind === 'expect')
      probes.push({
        type: 'probe',
        name: `${c.prefix}${step.description}`,
        provider: provider(c, step.index),
        tolerance: true,
      });
  const o = c.r.objectives;
  if (o?.maxDowntimeMs !== undefined)
    probes.push(objectiveActivity(c, 'maxDowntime', o.maxDowntimeMs / 1000));
  if (o?.availability !== undefined)
    probes.push(objectiveActivity(c, 'availability', o.availability));
  return probes;
}

function steadyStateActivity(c: PartContext): JournalActivity {
  return {
    type: 'probe',
    name: `${c.prefix}${JOURNAL_STEADY_STATE}`,
    provider: provider(c),
    tolerance: true,
  };
}

/** The steady state before the steps: reached, not reached in time, or the lab failed. */
function beforeOf(c: PartContext): JournalRun | null {
  const { r } = c;
  if (r.status === 'skipped') return null;
  const reached = r.steadyAt !== null;
  const timedOut = r.error?.code === 'STEADY_STATE_TIMEOUT';
  const ran = reached || timedOut;
  const run = runOf(
    c,
    steadyStateActivity(c),
    0,
    r.steadyAt ?? r.end,
    ran ? 'succeeded' : 'failed',
    reached,
  );
  run.tolerance_met = reached;
  if (!ran && r.error) run.exception = [`${r.error.code}: ${r.error.message}`];
  else if (timedOut && r.error) run.message = r.error.message;
  return run;
}

/** The expectations and objectives as checked. */
function afterOf(c: PartContext, hypothesis: readonly JournalActivity[]): JournalRun[] {
  const { r } = c;
  const byName = new Map(hypothesis.map((a) => [a.name, a]));
  const runs: JournalRun[] = [];
  for (const e of r.expectations) {
    const step = r.steps[e.step];
    const activity = byName.get(`${c.prefix}${step?.description ?? e.description}`);
    if (!activity) continue;
    const run = runOf(c, activity, step?.start ?? e.at, step?.end ?? e.at, 'succeeded', e.passed);
    run.tolerance_met = e.passed;
    run.message = e.message;
    runs.push(run);
  }
  for (const check of r.slo?.checks ?? []) {
    const activity =
      byName.get(objectiveName(c, check.objective, check.target)) ??
      objectiveActivity(c, check.objective, check.target);
    const run = runOf(c, activity, r.end, r.end, 'succeeded', round6(check.actual));
    run.tolerance_met = check.passed;
    run.message = check.message;
    runs.push(run);
  }
  return runs;
}

/** The fault and heal steps that ran. */
function runsOf(c: PartContext, method: ReadonlyMap<number, JournalActivity>): JournalRun[] {
  const runs: JournalRun[] = [];
  for (const [index, activity] of method) {
    const step = c.r.steps[index];
    if (!step || step.outcome === 'skipped' || step.start === null) continue;
    const failed = step.outcome === 'error';
    const run = runOf(
      c,
      activity,
      step.start,
      step.end ?? step.start,
      failed ? 'failed' : 'succeeded',
      null,
    );
    if (step.message !== undefined) run.message = step.message;
    if (failed) run.exception = [step.message ?? 'the step failed'];
    runs.push(run);
  }
  return runs;
}

/** The heals at the end; each ends when the next begins, the last when the scenario ended. */
function rollbacksOf(c: PartContext): { activities: JournalActivity[]; runs: JournalRun[] } {
  const { r } = c;
  const activities: JournalActivity[] = [];
  const runs = r.rollback.map((rb, i) => {
    const activity: JournalActivity = {
      type: 'action',
      name: `${c.prefix}heal ${rb.fault}`,
      provider: provider(c),
    };
    activities.push(activity);
    const end = r.rollback[i + 1]?.at ?? Math.max(rb.at, r.end);
    const run = runOf(c, activity, rb.at, end, rb.ok ? 'succeeded' : 'failed', null);
    if (!rb.ok) run.exception = [rb.error ?? 'the heal failed'];
    return run;
  });
  return { activities, runs };
}

function statusOf(r: ScenarioReport): JournalStatus {
  if (r.status !== 'error') return 'completed';
  return r.error?.code === 'STEADY_STATE_TIMEOUT' ? 'failed' : 'aborted';
}

function scenarioPart(c: PartContext): ScenarioPart {
  const hypothesis = hypothesisOf(c);
  const method = methodOf(c);
  const rollbacks = rollbacksOf(c);
  const before = beforeOf(c);
  return {
    hypothesis,
    method: [...method.values()],
    rollbackActivities: rollbacks.activities,
    before,
    beforeMet: before?.tolerance_met ?? null,
    after: afterOf(c, hypothesis),
    run: runsOf(c, method),
    rollbacks: rollbacks.runs,
    status: statusOf(c.r),
  };
}

const STATUS_RANK: readonly JournalStatus[] = ['completed', 'failed', 'aborted', 'interrupted'];

function worst(statuses: readonly JournalStatus[]): JournalStatus {
  return statuses.reduce<JournalStatus>(
    (w, s) => (STATUS_RANK.indexOf(s) > STATUS_RANK.indexOf(w) ? s : w),
    'completed',
  );
}

function steadyState(runs: readonly JournalRun[], met: boolean | null): JournalSteadyState | null {
  return runs.length === 0 ? null : { steady_state_met: met, probes: [...runs] };
}

function titleOf(report: Report): { title: string; description: string } {
  const [only] = report.scenarios;
  if (report.scenarios.length === 1 && only)
    return { title: only.name, description: only.description.trim() };
  const names = report.scenarios.map((s) => s.name);
  return {
    title: `chaos suite: ${names.length} scenarios`,
    description: names.length === 0 ? 'no scenario ran' : names.join(', '),
  };
}

/** The run directory's journal.json. */
export function buildJournal(report: Report): Journal {
  const parsed = report.generatedAt === null ? NaN : Date.parse(report.generatedAt);
  const originMs = Number.isFinite(parsed) ? parsed : 0;
  const several = report.scenarios.length > 1;
  let offset = 0;
  const parts: ScenarioPart[] = [];
  const scenarios: Journal['chaos']['scenarios'] = [];
  for (const r of report.scenarios) {
    const c: PartContext = {
      r,
      prefix: several ? `${r.name}: ` : '',
      driver: r.driver,
      originMs: originMs + Math.round(offset * 1000),
    };
    parts.push(scenarioPart(c));
    scenarios.push({
      name: r.name,
      file: r.file,
      status: r.status,
      failure: r.failure ?? r.error?.message ?? null,
      offsetSeconds: round6(offset),
    });
    offset += r.end;
  }
  const after = parts.flatMap((p) => p.after);
  const afterMet = after.every((p) => p.tolerance_met === true);
  const befores = parts.flatMap((p) => (p.before ? [p.before] : []));
  const beforeMet = parts.every((p) => p.beforeMet !== false);
  const statuses = parts.map((p) => p.status);
  if (report.interrupted) statuses.push('interrupted');
  return {
    'chaoslib-version': null,
    platform: report.environment.platform,
    node: report.environment.hostname,
    experiment: {
      version: '1.0.0',
      ...titleOf(report),
      tags: ['chaos', `driver:${report.run.driver}`],
      'steady-state-hypothesis': {
        title: JOURNAL_STEADY_STATE,
        probes: parts.flatMap((p) => p.hypothesis),
      },
      method: parts.flatMap((p) => p.method),
      rollbacks: parts.flatMap((p) => p.rollbackActivities),
    },
    start: isoAt(originMs, 0),
    end: isoAt(originMs, offset),
    duration: round6(offset),
    status: worst(statuses),
    deviated: after.length > 0 && !afterMet,
    steady_states: {
      before: steadyState(befores, beforeMet),
      after: steadyState(after, afterMet),
      during: [],
    },
    run: parts.flatMap((p) => p.run),
    rollbacks: parts.flatMap((p) => p.rollbacks),
    chaos: {
      version: report.environment.chaosVersion,
      driver: report.run.driver,
      seed: report.run.seed,
      clock: report.run.driver === 'sim' ? 'virtual' : 'wall',
      timeOrigin: report.generatedAt,
      scenarios,
    },
  };
}
