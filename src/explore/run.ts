/**
 * One explored run: a schedule becomes a scenario (the base's lab, probe and objectives, the
 * schedule as steps), run by the runner (src/run/runner.ts) over the driver it is given, wrapped
 * in a RecordingDriver for the VIP samples; then the invariants. What explore finds is what
 * `chaos run` does with the same scenario, seed and jitter.
 */
import { ChaosError } from '../errors';
import type { DriverFactory } from '../run/driver';
import { RecordingDriver } from '../run/recording-driver';
import { runScenario } from '../run/runner';
import type { LoadedScenario } from '../scenario/loader';
import { normaliseScenario } from '../scenario/normalise';
import { scenarioFileSchema, type ScenarioFile } from '../scenario/schema';
import { SeededRng } from '../sim/rng';
import type { ExploreBase } from './input';
import {
  checkInvariants,
  type InvariantName,
  type RunEvidence,
  type Violation,
} from './invariants';
import { scheduleSteps, type Schedule } from './schedule';

export const EXPLORE_SCHEDULE_INVALID = 'EXPLORE_SCHEDULE_INVALID';

/** How often a run's VIP is sampled for the invariants, ms (the prober's default interval). */
export const SAMPLE_EVERY_MS = 50;

export interface RunSetup {
  base: ExploreBase;
  createDriver: DriverFactory;
  jitterMs: number;
  invariants: readonly InvariantName[];
}

/** Run `i` of seed `seed`: its own seed, so one run can be replayed without the others. */
export function runSeed(seed: number, i: number): number {
  const rng = new SeededRng((seed ^ Math.imul(i + 1, 0x9e3779b1)) >>> 0);
  rng.next();
  return Math.floor(rng.next() * 2 ** 32) >>> 0;
}

/** The schedule's draws come from their own stream of the run's seed. */
export const scheduleRng = (seed: number): SeededRng => new SeededRng((seed ^ 0x5c4ed) >>> 0);

/** The base scenario's data with these steps (and name). */
export function scenarioData(
  base: ExploreBase,
  name: string,
  steps: ScenarioFile['steps'] | Record<string, unknown>[],
): ScenarioFile {
  return { ...base.data, name, steps: steps as ScenarioFile['steps'] };
}

/** File data -> LoadedScenario on the base's lab (its configs already parsed). */
export function loadedFor(base: ExploreBase, data: ScenarioFile): LoadedScenario {
  const parsed = scenarioFileSchema.safeParse(data);
  if (!parsed.success)
    throw new ChaosError(
      EXPLORE_SCHEDULE_INVALID,
      `explore drew an invalid scenario: ${parsed.error.message}`,
    );
  const { scenario, issues } = normaliseScenario(parsed.data, base.dir);
  if (issues.length > 0)
    throw new ChaosError(
      EXPLORE_SCHEDULE_INVALID,
      `explore drew an invalid scenario: ${issues.map((i) => i.message).join('; ')}`,
    );
  return {
    file: base.loaded.file,
    scenario: { ...scenario, lab: base.loaded.scenario.lab },
    configs: base.loaded.configs,
  };
}

/** Run a scenario on the setup's driver, recording its VIP samples: the run and its evidence. */
export async function recordRun(
  setup: Omit<RunSetup, 'invariants'>,
  loaded: LoadedScenario,
  seed: number,
) {
  const inner = setup.createDriver(loaded, { seed, jitterMs: setup.jitterMs });
  const driver = new RecordingDriver(inner, { sampleEveryMs: SAMPLE_EVERY_MS });
  const run = await runScenario(loaded, driver, { seed });
  return { run, evidence: driver.evidence(run) };
}

/** Run a scenario on the setup's driver; what it yields. */
export async function runLoaded(
  setup: RunSetup,
  loaded: LoadedScenario,
  seed: number,
): Promise<RunEvidence> {
  const { run, evidence } = await recordRun(setup, loaded, seed);
  return { scenario: loaded.scenario, result: run.result, samples: evidence.samples ?? [] };
}

/** A schedule run with a seed, and the invariants' violations. */
export async function runSchedule(
  setup: RunSetup,
  schedule: Schedule,
  seed: number,
): Promise<{ evidence: RunEvidence; violations: Violation[] }> {
  const loaded = loadedFor(
    setup.base,
    scenarioData(setup.base, 'explore', scheduleSteps(schedule)),
  );
  const evidence = await runLoaded(setup, loaded, seed);
  return { evidence, violations: checkInvariants(evidence, setup.base.bounds, setup.invariants) };
}
