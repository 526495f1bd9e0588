/**
 * The runner: one scenario over one Driver. Brings the lab up, waits for the steady state (one
 * VIP owner, the prober succeeding), runs the steps, heals every fault it applied (pass or
 * fail), then turns the evidence into a ScenarioResult (result.ts): the VRRP analysis is done
 * here, once, from the frames the driver observed. It reads time only from the driver's clock,
 * so the same code runs in virtual time (sim) and real time (Docker).
 *
 * Failures: the first failed expectation stops the steps (the rest are `skipped`); a driver
 * error makes the scenario `error` (exit 3 at the CLI). Either way the rollback runs.
 */
import { analyzeTimeline, type AnalysisResult, type TimeWindow } from '../capture';
import { ChaosError } from '../errors';
import {
  broughtNodes,
  describeFault,
  faultUnits,
  healMatches,
  sendOnlyAddresses,
  unitsFromHeal,
} from '../faults';
import { formatDuration } from '../scenario/duration';
import type { LoadedScenario } from '../scenario/loader';
import { scenarioFaults } from '../scenario/normalise';
import type { Scenario, Step } from '../scenario/types';
import { describeStep } from './describe';
import type { Driver, FaultUnit, Observed, ProbeRecord } from './driver';
import {
  latenessOf,
  outagesFromProbes,
  probeSummary,
  splitBrainOf,
  switchoversOf,
  type AddressBook,
} from './evidence';
import { runExpect, type ExpectContext } from './expect';
import type { RollbackRecord, ScenarioResult, StepResult } from './result';
import { checkSlo } from './slo';

export const STEADY_STATE_TIMEOUT = 'STEADY_STATE_TIMEOUT';
/** How long the lab may take to reach one VIP owner and a succeeding prober. */
export const STEADY_STATE_TIMEOUT_MS = 30_000;

const sec = (ms: number): number => ms / 1000;

export interface RunScenarioOptions {
  seed: number | null;
}

/** A scenario's result, with the evidence it was computed from (null: not read). */
export interface ScenarioRun {
  result: ScenarioResult;
  /** Every prober request, as the runner last read them (after its last heal). */
  probes: ProbeRecord[] | null;
  /** The VRRP timeline of everything observed. */
  analysis: AnalysisResult | null;
}

/** Lab addresses and the routers faults bring -> node names. */
function addressBook(scenario: Scenario): AddressBook {
  const book = new Map<string, string>();
  for (const n of scenario.lab.nodes) book.set(n.address, n.name);
  for (const f of scenarioFaults(scenario))
    for (const n of broughtNodes(f)) book.set(n.address, n.name);
  return book;
}

function initialResult(
  loaded: LoadedScenario,
  driver: Driver,
  seed: number | null,
): ScenarioResult {
  const { scenario } = loaded;
  return {
    file: loaded.file,
    name: scenario.name,
    description: scenario.description,
    driver: driver.name,
    seed,
    status: 'passed',
    passed: true,
    steadyAt: null,
    end: 0,
    steps: scenario.steps.map((step, index) => {
      const r: StepResult = {
        index,
        kind: step.kind,
        description: describeStep(step, scenario.lab.vip),
        start: null,
        end: null,
        outcome: 'skipped',
      };
      if (step.note !== undefined) r.note = step.note;
      return r;
    }),
    expectations: [],
    switchovers: [],
    splitBrain: [],
    advertLateness: [],
    outages: [],
    downtimeSeconds: 0,
    probes: probeSummary([], scenario.probe.intervalMs),
    slo: null,
    rollback: [],
  };
}

/** The VRRP analysis of the driver's observations, redone only when it saw something new. */
function analyser(driver: Driver, notRouters: ReadonlySet<string>): () => Promise<AnalysisResult> {
  let cache: { observed: Observed; result: AnalysisResult } | undefined;
  return async () => {
    const observed = await driver.observations();
    // A flood sender's adverts (malformed-adverts) are no router's: not part of any group.
    const routers =
      notRouters.size === 0
        ? observed.observations
        : observed.observations.filter((o) => o.kind !== 'advert' || !notRouters.has(o.src));
    if (cache?.observed !== observed)
      cache = {
        observed,
        result: analyzeTimeline(routers, { sources: observed.sources }),
      };
    return cache.result;
  };
}

/** Wait for one VIP owner and a succeeding prober; the time it was reached (ms). */
async function reachSteadyState(driver: Driver, vip: string): Promise<number> {
  const deadline = driver.clock.now() + STEADY_STATE_TIMEOUT_MS;
  for (;;) {
    const sample = await driver.sample();
    const last: ProbeRecord | undefined = (await driver.probes()).at(-1);
    if (sample.owners.length === 1 && last?.ok === true) return driver.clock.now();
    if (driver.clock.now() >= deadline)
      throw new ChaosError(
        STEADY_STATE_TIMEOUT,
        `no steady state after ${formatDuration(STEADY_STATE_TIMEOUT_MS)}: VIP ${vip} owners: ${sample.owners.join(', ') || 'none'}, last request ${last?.ok ? 'ok' : 'failed'}`,
      );
    await driver.wait(driver.pollIntervalMs);
  }
}

/**
 * The run of the steps: faults applied and still active, whether an expectation failed, and
 * the windows (seconds) in which some fault was applied (the last one open while one is).
 */
interface StepRun {
  active: FaultUnit[];
  failed: boolean;
  faultWindows: { start: number; end: number | null }[];
}

/** A unit applied at `at` (ms): active, and a fault window opens if none is. */
function activate(run: StepRun, unit: FaultUnit, at: number): void {
  if (run.active.length === 0) run.faultWindows.push({ start: sec(at), end: null });
  run.active.push(unit);
}

/** A healed unit is no longer active (no-op when it never was); the last one closes the window. */
function deactivate(run: StepRun, unit: FaultUnit, at: number): void {
  const i = run.active.indexOf(unit);
  if (i >= 0) run.active.splice(i, 1);
  const open = run.faultWindows.at(-1);
  if (run.active.length === 0 && open?.end === null) open.end = sec(at);
}

async function runStep(
  c: ExpectContext,
  scenario: Scenario,
  result: ScenarioResult,
  run: StepRun,
  index: number,
  step: Step,
): Promise<void> {
  const { driver } = c;
  const r = result.steps[index]!;
  switch (step.kind) {
    case 'fault':
      await runFault(driver, run, step);
      r.outcome = 'done';
      break;
    case 'heal': {
      const matched = run.active.filter((u) => healMatches(step.heal, u));
      const units =
        matched.length > 0 ? matched : unitsFromHeal(step.heal, scenarioFaults(scenario));
      for (const unit of units) {
        await driver.heal(unit);
        deactivate(run, unit, driver.clock.now());
      }
      r.outcome = 'done';
      if (units.length === 0) r.message = 'nothing to heal';
      break;
    }
    case 'wait':
      await driver.wait(step.ms);
      r.outcome = 'done';
      break;
    case 'expect': {
      const verdict = await runExpect(c, index, step);
      result.expectations.push(verdict);
      r.outcome = verdict.passed ? 'passed' : 'failed';
      r.message = verdict.message;
      if (!verdict.passed) {
        run.failed = true;
        result.failure ??= `step ${index + 1}: ${verdict.message}`;
      }
      break;
    }
  }
}

/**
 * A fault step: its units applied (and kept active for a later heal or the rollback); a
 * flapping one applied for `every`, healed for `every`, `times` over, ending healed.
 */
async function runFault(
  driver: Driver,
  run: StepRun,
  step: Extract<Step, { kind: 'fault' }>,
): Promise<void> {
  const units = faultUnits(step.fault);
  const apply = async (): Promise<void> => {
    for (const unit of units) {
      // Active before it is applied: an apply cut short (an error, Ctrl-C) may have done part
      // of its plan, and the rollback's heal (idempotent) undoes that part too.
      activate(run, unit, driver.clock.now());
      await driver.apply(unit);
    }
  };
  if (!step.flap) return apply();
  for (let i = 0; i < step.flap.times; i++) {
    await apply();
    await driver.wait(step.flap.everyMs);
    for (const unit of units) {
      await driver.heal(unit);
      deactivate(run, unit, driver.clock.now());
    }
    await driver.wait(step.flap.everyMs);
  }
}

/** Heal whatever is still applied, last applied first; each heal's outcome is recorded. */
async function rollback(driver: Driver, active: readonly FaultUnit[]): Promise<RollbackRecord[]> {
  const records: RollbackRecord[] = [];
  for (const unit of [...active].reverse()) {
    const record: RollbackRecord = {
      fault: describeFault(unit),
      at: sec(driver.clock.now()),
      ok: true,
    };
    try {
      await driver.heal(unit);
    } catch (error) {
      record.ok = false;
      record.error = error instanceof Error ? error.message : String(error);
    }
    records.push(record);
  }
  return records;
}

/** The steps from the steady state on; errors become the result's `error`. */
async function runSteps(
  c: ExpectContext,
  scenario: Scenario,
  result: ScenarioResult,
  run: StepRun,
): Promise<void> {
  const now = (): number => c.driver.clock.now();
  try {
    await c.driver.start();
    c.steadyMs = await reachSteadyState(c.driver, c.vip);
    result.steadyAt = sec(c.steadyMs);
    for (const [index, step] of scenario.steps.entries()) {
      const r = result.steps[index]!;
      r.start = sec(now());
      r.outcome = 'error';
      await runStep(c, scenario, result, run, index, step);
      r.end = sec(now());
      if (run.failed) break;
    }
  } catch (error) {
    result.status = 'error';
    result.error = {
      code: error instanceof ChaosError ? error.code : 'DRIVER_FAILED',
      message: error instanceof Error ? error.message : String(error),
    };
    const running = result.steps.find((s) => s.outcome === 'error');
    if (running) {
      running.end = sec(now());
      running.message = result.error.message;
    }
  } finally {
    result.rollback = await rollback(c.driver, run.active);
  }
}

/** Evidence, from the steady state on, into the result; what was read. */
async function collectEvidence(
  c: ExpectContext,
  scenario: Scenario,
  result: ScenarioResult,
  run: StepRun,
): Promise<{ probes: ProbeRecord[]; analysis: AnalysisResult }> {
  const endMs = c.driver.clock.now();
  result.end = sec(endMs);
  const all = await c.driver.probes();
  const probes = all.filter((p) => p.t >= c.steadyMs);
  const analysis = await c.analysis();
  result.outages = outagesFromProbes(probes);
  result.downtimeSeconds = result.outages.reduce((s, o) => s + o.durationSeconds, 0);
  result.probes = probeSummary(probes, scenario.probe.intervalMs);
  const checks = (await c.driver.receiveChecks?.()) ?? null;
  if (checks) result.receiveChecks = checks;
  result.switchovers = switchoversOf(analysis, c.names).filter((s) => s.at >= sec(c.steadyMs));
  result.splitBrain = splitBrainOf(analysis, c.names).filter((b) => b.end >= sec(c.steadyMs));
  // A window still open was closed by the rollback, just before the end.
  const whole: TimeWindow = { start: sec(c.steadyMs), end: sec(endMs) };
  result.advertLateness = latenessOf(
    analysis,
    c.names,
    whole,
    run.faultWindows.map((w) => ({ start: w.start, end: w.end ?? whole.end })),
  );
  if (scenario.slo) {
    result.slo = checkSlo(scenario.slo, result.outages, sec(endMs - c.steadyMs));
    const miss = result.slo.checks.find((ch) => !ch.passed);
    if (miss && result.status !== 'error') {
      run.failed = true;
      result.failure ??= `objective: ${miss.message}`;
    }
  }
  return { probes: all, analysis };
}

export async function runScenario(
  loaded: LoadedScenario,
  driver: Driver,
  options: RunScenarioOptions,
): Promise<ScenarioRun> {
  const { scenario } = loaded;
  const result = initialResult(loaded, driver, options.seed);
  if (scenario.drivers.length > 0 && !scenario.drivers.includes(driver.name)) {
    result.status = 'skipped';
    result.notice = `skipped: this scenario runs on the ${scenario.drivers.join(' or ')} driver only`;
    return { result, probes: null, analysis: null };
  }
  const c: ExpectContext = {
    driver,
    vip: scenario.lab.vip,
    names: addressBook(scenario),
    steadyMs: 0,
    analysis: analyser(driver, sendOnlyAddresses(scenarioFaults(scenario))),
  };
  const run: StepRun = { active: [], failed: false, faultWindows: [] };
  await runSteps(c, scenario, result, run);
  let evidence: { probes: ProbeRecord[]; analysis: AnalysisResult };
  try {
    evidence = await collectEvidence(c, scenario, result, run);
  } finally {
    await driver.stop();
  }
  if (result.status !== 'error' && run.failed) result.status = 'failed';
  result.passed = result.status === 'passed';
  return { result, ...evidence };
}
