/**
 * npm run bench:explore — chaos explore's throughput on the course's lab (the seed lab of
 * scenarios/poweroff-master.yaml: two routers, 120 s horizon, up to four faults, every fault and
 * invariant, jitter 1 ms), through the code `chaos explore` runs:
 *  1. runs per minute on the main thread (evaluateRun: draw, run, check);
 *  2. runs per minute on W worker threads (default 2, BENCH_WORKERS), the CLI's pool;
 *  3. the time to shrink a violation (the track-never-passes fixture's and the course lab's
 *     first ones).
 * BENCH_RUNS runs per repetition (default 1000); each figure is the median of 3 repetitions.
 */
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { workerScript, workerSource } from '../src/cli/explore-pool';
import { createSimDriver } from '../src/drivers/sim/driver';
import { exploreFaults } from '../src/explore/draw';
import { evaluateRun, type RunParams } from '../src/explore/explore';
import { loadExploreInput } from '../src/explore/input';
import { INVARIANTS, type Violation } from '../src/explore/invariants';
import { runSchedule, type RunSetup } from '../src/explore/run';
import type { Schedule } from '../src/explore/schedule';
import { shrink } from '../src/explore/shrink';
import { fsSource } from '../src/keepalived/fs-source';

const ROOT = path.join(__dirname, '../..');
const COURSE = path.join(ROOT, 'scenarios/poweroff-master.yaml');
const TRACK = path.join(ROOT, 'test/fixtures/explore/track-never-passes.yaml');
const RUNS = Number(process.env.BENCH_RUNS ?? 1000);
const PARAMS: RunParams = { seed: 1, horizonMs: 120_000, maxFaults: 4, faults: null };
const { faults } = exploreFaults(null);

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

function setupFor(file: string): RunSetup {
  const base = loadExploreInput(file, fsSource());
  return { base, createDriver: createSimDriver, jitterMs: 1, invariants: INVARIANTS };
}

async function mainThread(setup: RunSetup): Promise<number> {
  const start = performance.now();
  for (let i = 0; i < RUNS; i++) await evaluateRun(setup, faults, PARAMS, i);
  return (RUNS * 60_000) / (performance.now() - start);
}

async function threaded(script: string, workers: number): Promise<number> {
  const start = performance.now();
  const source = workerSource(script, workers, {
    ...PARAMS,
    file: COURSE,
    jitterMs: 1,
    invariants: INVARIANTS,
  });
  for await (const _ of source(RUNS)) void _;
  return (RUNS * 60_000) / (performance.now() - start);
}

/** Shrink the first `n` violations of `file` (one per run); each shrink's wall time, ms. */
async function shrinkTimes(file: string, n: number): Promise<number[]> {
  const setup = setupFor(file);
  const times: number[] = [];
  for (let i = 0; times.length < n && i < 500; i++) {
    const r = await evaluateRun(setup, faults, PARAMS, i);
    const v = r.violations[0];
    if (!v) continue;
    const test = async (s: Schedule): Promise<Violation | null> =>
      (await runSchedule(setup, s, r.seed)).violations.find((x) => x.invariant === v.invariant) ??
      null;
    const start = performance.now();
    await shrink(r.schedule, v, test);
    times.push(performance.now() - start);
  }
  return times;
}

async function main(): Promise<void> {
  const script = workerScript();
  if (!script) throw new Error('bench:explore runs compiled (npm run bench:explore)');
  const setup = setupFor(COURSE);
  const workers = Number(process.env.BENCH_WORKERS ?? 2);
  const single: number[] = [];
  const multi: number[] = [];
  for (let r = 0; r < 3; r++) {
    single.push(await mainThread(setup));
    multi.push(await threaded(script, workers));
  }
  const track = await shrinkTimes(TRACK, 3);
  const course = await shrinkTimes(COURSE, 3);
  const fmt = (x: number): string => Math.round(x).toLocaleString('en-US');
  console.log(
    `chaos bench:explore (course lab, 120 s horizon, up to 4 faults; ${RUNS} runs; median of 3)`,
  );
  console.log(`  main thread:         ${fmt(median(single))} runs/minute`);
  console.log(
    `  ${workers} worker threads:    ${fmt(median(multi))} runs/minute (target >= 10,000)`,
  );
  console.log(
    `  shrink, track-never-passes: median ${fmt(median(track))} ms over ${track.length} (target < 10 s)`,
  );
  console.log(
    `  shrink, course lab:         median ${fmt(median(course))} ms over ${course.length}`,
  );
}

void main();
