/**
 * `chaos explore`'s search: `runs` schedules drawn from the seed, each run as a scenario on the
 * driver it is given; every violation shrunk to a minimal schedule (at most a few per
 * invariant, the rest counted); distinct findings (invariant + minimal schedule) kept with the
 * scenario that replays them. Deterministic: the same options give the same outcome. Reads
 * time only from the clock it is given (for the progress line).
 */
import type { Clock } from '../clock';
import type { DriverFactory } from '../run/driver';
import { exploreContext, exploreFaults, type Explorable, type Skipped } from './draw';
import type { ExploreBase } from './input';
import type { InvariantName, Violation } from './invariants';
import { runSchedule, runSeed, scheduleRng, type RunSetup } from './run';
import { drawSchedule, type Schedule } from './schedule';
import { shrink } from './shrink';

export interface ExploreOptions {
  runs: number;
  seed: number;
  horizonMs: number;
  maxFaults: number;
  /** null: every fault the catalog can explore in this lab. */
  faults: readonly string[] | null;
  invariants: readonly InvariantName[];
  jitterMs: number;
  createDriver: DriverFactory;
  clock: Clock;
  onProgress?: (p: ExploreProgress) => void;
  /** Where the runs come from (worker threads, at the CLI); default: evaluated here in order. */
  source?: RunSource;
}

/** What one run yielded, as the search needs it (plain data: it may come from a worker). */
export interface RunOutcome {
  i: number;
  seed: number;
  schedule: Schedule;
  violations: Violation[];
  errored: boolean;
  steadyMs: number;
}

/** What draws and evaluates run `i` (the same in a worker as in the search). */
export interface RunParams {
  seed: number;
  horizonMs: number;
  maxFaults: number;
  faults: readonly string[] | null;
}

/** The runs 0..runs-1, in index order, however they are computed (default: one by one here). */
export type RunSource = (runs: number) => AsyncIterable<RunOutcome>;

export interface ExploreProgress {
  done: number;
  runs: number;
  violations: number;
  elapsedMs: number;
}

export interface Finding {
  invariant: InvariantName;
  /** 1-based among the findings of its invariant. */
  n: number;
  run: number;
  runSeed: number;
  /** The run's schedule as drawn, and the minimal one. */
  original: Schedule;
  schedule: Schedule;
  violation: Violation;
  steadyMs: number;
  shrinkRuns: number;
}

export interface ExploreOutcome {
  faults: string[];
  skipped: Skipped[];
  runs: number;
  errored: number;
  violatingRuns: number;
  /** Violations per invariant (every run counted, shrunk or not). */
  byInvariant: Record<string, number>;
  /** Per fault kind: runs that drew it, and those of them with a violation. */
  byFault: Record<string, { runs: number; violating: number }>;
  findings: Finding[];
  /** Wall time spent shrinking, ms (not in explore.json: it is not deterministic). */
  shrinkMs: number;
}

/** Violations of one invariant shrunk at most this many times; the rest are counted. */
export const MAX_SHRINKS_PER_INVARIANT = 8;

/** Two findings are the same when their minimal schedules draw the same faults. */
function findingKey(invariant: string, s: Schedule): string {
  return `${invariant} ${JSON.stringify(s.faults.map((f) => [f.kind, f.input]))}`;
}

/** The quiet end of each run: no fault in it, so the lab agrees again before the horizon. */
export function settleMs(base: ExploreBase): number {
  const b = base.bounds;
  return Math.max(10_000, 2 * (b.settleMs + b.preemptDelayMs + b.recoverMs));
}

/** Draw run `i`'s schedule and run it: its outcome. */
export async function evaluateRun(
  setup: RunSetup,
  faults: readonly Explorable[],
  p: RunParams,
  i: number,
): Promise<RunOutcome> {
  const seed = runSeed(p.seed, i);
  const ctx = exploreContext(setup.base.loaded.scenario.lab, setup.base.password);
  const schedule = drawSchedule(scheduleRng(seed), faults, ctx, {
    horizonMs: p.horizonMs,
    maxFaults: p.maxFaults,
    settleMs: settleMs(setup.base),
  });
  const { evidence, violations } = await runSchedule(setup, schedule, seed);
  return {
    i,
    seed,
    schedule,
    violations,
    errored: evidence.result.status === 'error',
    steadyMs: (evidence.result.steadyAt ?? 0) * 1000,
  };
}

async function* inOrder(
  setup: RunSetup,
  faults: readonly Explorable[],
  p: RunParams,
  runs: number,
): AsyncIterable<RunOutcome> {
  for (let i = 0; i < runs; i++) yield await evaluateRun(setup, faults, p, i);
}

/** Counts of one run into the outcome. */
function count(out: ExploreOutcome, r: RunOutcome): void {
  if (r.errored) out.errored++;
  for (const kind of new Set(r.schedule.faults.map((f) => f.kind))) {
    const k = out.byFault[kind]!;
    k.runs++;
    if (r.violations.length > 0) k.violating++;
  }
  if (r.violations.length > 0) out.violatingRuns++;
  for (const v of r.violations)
    out.byInvariant[v.invariant] = (out.byInvariant[v.invariant] ?? 0) + 1;
}

function emptyOutcome(o: ExploreOptions, faults: Explorable[], skipped: Skipped[]): ExploreOutcome {
  return {
    faults: faults.map((f) => f.kind),
    skipped,
    runs: o.runs,
    errored: 0,
    violatingRuns: 0,
    byInvariant: Object.fromEntries(o.invariants.map((n) => [n, 0])),
    byFault: Object.fromEntries(faults.map((f) => [f.kind, { runs: 0, violating: 0 }])),
    findings: [],
    shrinkMs: 0,
  };
}

export async function explore(base: ExploreBase, o: ExploreOptions): Promise<ExploreOutcome> {
  const { faults, skipped } = exploreFaults(o.faults);
  const setup: RunSetup = {
    base,
    createDriver: o.createDriver,
    jitterMs: o.jitterMs,
    invariants: o.invariants,
  };
  const out = emptyOutcome(o, faults, skipped);
  const shrinks = new Map<string, number>();
  const seen = new Set<string>();
  const started = o.clock.now();
  const source = o.source ?? ((runs: number) => inOrder(setup, faults, o, runs));
  for await (const r of source(o.runs)) {
    count(out, r);
    for (const v of r.violations) {
      const done = shrinks.get(v.invariant) ?? 0;
      if (done >= MAX_SHRINKS_PER_INVARIANT) continue;
      shrinks.set(v.invariant, done + 1);
      const t0 = o.clock.now();
      const test = async (s: Schedule): Promise<Violation | null> =>
        (await runSchedule(setup, s, r.seed)).violations.find((x) => x.invariant === v.invariant) ??
        null;
      const small = await shrink(r.schedule, v, test);
      out.shrinkMs += o.clock.now() - t0;
      const key = findingKey(v.invariant, small.schedule);
      if (seen.has(key)) continue;
      seen.add(key);
      out.findings.push({
        invariant: v.invariant,
        n: out.findings.filter((f) => f.invariant === v.invariant).length + 1,
        run: r.i,
        runSeed: r.seed,
        original: r.schedule,
        schedule: small.schedule,
        violation: small.violation,
        steadyMs: r.steadyMs,
        shrinkRuns: small.runs,
      });
    }
    o.onProgress?.({
      done: r.i + 1,
      runs: o.runs,
      violations: out.violatingRuns,
      elapsedMs: o.clock.now() - started,
    });
  }
  return out;
}
