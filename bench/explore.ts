/**
 * npm run bench:explore — chaos explore's throughput on the course's lab (the seed lab of
 * scenarios/poweroff-master.yaml: two routers, 120 s horizon, up to four faults, every fault and
 * invariant, jitter 1 ms):
 *  1. runs per minute on one thread (the CLI's loop: draw, run, check);
 *  2. runs per minute on W worker threads (default 2), each taking every W-th run;
 *  3. the time to shrink a violation (the track-never-passes fixture's, and the course lab's
 *     first SLO violations).
 * Each figure is the median of 3 repetitions in this one run.
 */
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { createSimDriver } from '../src/drivers/sim/driver';
import { exploreContext, exploreFaults } from '../src/explore/draw';
import { loadExploreInput, type ExploreBase } from '../src/explore/input';
import { INVARIANTS, type Violation } from '../src/explore/invariants';
import { runSchedule, runSeed, scheduleRng, type RunSetup } from '../src/explore/run';
import { drawSchedule, type Schedule } from '../src/explore/schedule';
import { shrink } from '../src/explore/shrink';
import { fsSource } from '../src/keepalived/fs-source';

const ROOT = path.join(__dirname, '../..');
const COURSE = path.join(ROOT, 'scenarios/poweroff-master.yaml');
const TRACK = path.join(ROOT, 'test/fixtures/explore/track-never-passes.yaml');
const RUNS = Number(process.env.BENCH_RUNS ?? 1000);

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

function setupFor(file: string): RunSetup {
  const base = loadExploreInput(file, fsSource());
  return { base, createDriver: createSimDriver, jitterMs: 1, invariants: INVARIANTS };
}

function scheduleOf(base: ExploreBase, seed: number): Schedule {
  const { faults } = exploreFaults(null);
  return drawSchedule(
    scheduleRng(seed),
    faults,
    exploreContext(base.loaded.scenario.lab, base.password),
    {
      horizonMs: 120_000,
      maxFaults: 4,
      settleMs: 10_000,
    },
  );
}

/** Runs i = from, from + step, ... below `runs`; how many violated. */
async function runSlice(
  setup: RunSetup,
  from: number,
  step: number,
  runs: number,
): Promise<number> {
  let violating = 0;
  for (let i = from; i < runs; i += step) {
    const seed = runSeed(1, i);
    const { violations } = await runSchedule(setup, scheduleOf(setup.base, seed), seed);
    if (violations.length > 0) violating++;
  }
  return violating;
}

async function threaded(workers: number): Promise<number> {
  const start = performance.now();
  await Promise.all(
    Array.from(
      { length: workers },
      (_, w) =>
        new Promise<void>((resolve, reject) => {
          const worker = new Worker(__filename, {
            workerData: { from: w, step: workers, runs: RUNS },
          });
          worker.once('message', () => resolve());
          worker.once('error', reject);
        }),
    ),
  );
  return (RUNS * 60_000) / (performance.now() - start);
}

/** Shrink the first `n` violations of `file` (one per run); each shrink's wall time, ms. */
async function shrinkTimes(file: string, n: number): Promise<number[]> {
  const setup = setupFor(file);
  const times: number[] = [];
  for (let i = 0; times.length < n && i < 500; i++) {
    const seed = runSeed(1, i);
    const schedule = scheduleOf(setup.base, seed);
    const { violations } = await runSchedule(setup, schedule, seed);
    const v = violations[0];
    if (!v) continue;
    const test = async (s: Schedule): Promise<Violation | null> =>
      (await runSchedule(setup, s, seed)).violations.find((x) => x.invariant === v.invariant) ??
      null;
    const start = performance.now();
    await shrink(schedule, v, test);
    times.push(performance.now() - start);
  }
  return times;
}

async function main(): Promise<void> {
  const setup = setupFor(COURSE);
  const workers = Number(process.env.BENCH_WORKERS ?? 2);
  const single: number[] = [];
  const multi: number[] = [];
  for (let r = 0; r < 3; r++) {
    const start = performance.now();
    await runSlice(setup, 0, 1, RUNS);
    single.push((RUNS * 60_000) / (performance.now() - start));
    multi.push(await threaded(workers));
  }
  const track = await shrinkTimes(TRACK, 3);
  const course = await shrinkTimes(COURSE, 3);
  const fmt = (x: number): string => Math.round(x).toLocaleString('en-US');
  console.log('chaos bench:explore (course lab, 120 s horizon, up to 4 faults; median of 3)');
  console.log(`  1 thread:   ${fmt(median(single))} runs/minute`);
  console.log(`  ${workers} threads:  ${fmt(median(multi))} runs/minute (target >= 10,000)`);
  console.log(
    `  shrink, track-never-passes: median ${fmt(median(track))} ms over ${track.length} (target < 10 s)`,
  );
  console.log(
    `  shrink, course lab:         median ${fmt(median(course))} ms over ${course.length}`,
  );
}

if (isMainThread) void main();
else {
  const { from, step, runs } = workerData as { from: number; step: number; runs: number };
  void runSlice(setupFor(COURSE), from, step, runs).then((v) => parentPort?.postMessage(v));
}
