/**
 * The runner: one scenario over one Driver. Brings the lab up, waits for the steady state (one
 * VIP owner, the prober succeeding), runs the steps, heals every fault it applied (pass or
 * fail), then turns the evidence into a ScenarioResult (result.ts). It reads time only from
 * the driver's clock, so the same code runs in virtual time (sim) and real time (Docker).
 *
 * Failures: the first failed expectation stops the steps (the rest are `skipped`); a driver
 * error makes the scenario `error` (exit 3 at the CLI). Either way the rollback runs.
 */
import { ChaosError } from '../errors';
import type { Driver, FaultUnit, ProbeRecord } from './driver';
import { formatDuration } from './duration';
import {
  outagesFromProbes,
  probeSummary,
  splitBrainOf,
  switchoversOf,
  type AddressBook,
} from './evidence';
import { describeExpectation, evaluate, type Snapshot } from './expectations';
import type { LoadedScenario } from './loader';
import { scenarioRogues } from './normalise';
import type { ExpectationResult, RollbackRecord, ScenarioResult, StepResult } from './result';
import { checkSlo } from './slo';
import type { Expectation, FaultSpec, HealSpec, Scenario, Step } from './types';

export const STEADY_STATE_TIMEOUT = 'STEADY_STATE_TIMEOUT';
/** How long the lab may take to reach one VIP owner and a succeeding prober. */
export const STEADY_STATE_TIMEOUT_MS = 30_000;

const sec = (ms: number): number => ms / 1000;

/** A fault step as units the driver applies and heals one by one. */
export function faultUnits(f: FaultSpec): FaultUnit[] {
  if (f.kind === 'partition' || f.kind === 'rogue-advert') return [f];
  return f.nodes.map((node) => ({ ...f, nodes: [node] }));
}

export function describeFault(f: FaultSpec): string {
  switch (f.kind) {
    case 'partition':
      return `partition ${f.between[0].join(',')} | ${f.between[1].join(',')}`;
    case 'rogue-advert':
      return `rogue-advert ${f.rogue.name} (${f.rogue.address}, priority ${f.rogue.priority}, ${f.rogue.password === null ? 'no auth' : `password ${f.rogue.password}`})`;
    case 'kill-process':
      return `kill-process ${f.process} on ${f.nodes.join(', ')}`;
    case 'block-multicast':
    case 'block-vrrp':
      return `${f.kind} ${f.direction} on ${f.nodes.join(', ')}`;
    case 'loss':
      return `loss ${f.rate} on ${f.nodes.join(', ')}`;
    case 'delay':
      return `delay ${formatDuration(f.latencyMs)} (jitter ${formatDuration(f.jitterMs)}) on ${f.nodes.join(', ')}`;
    default:
      return `${f.kind} ${f.nodes.join(', ')}`;
  }
}

function describeHeal(h: HealSpec): string {
  const what = [h.kind === 'all' ? 'all faults' : h.kind];
  if (h.nodes) what.push(h.nodes.join(', '));
  if (h.between) what.push(`${h.between[0].join(',')} | ${h.between[1].join(',')}`);
  if (h.rogue !== undefined) what.push(h.rogue);
  return `heal ${what.join(' ')}`;
}

const sameSet = (a: readonly string[], b: readonly string[]): boolean =>
  a.length === b.length && a.every((x) => b.includes(x));

/** Does the heal step heal this applied unit? */
export function healMatches(h: HealSpec, u: FaultUnit): boolean {
  if (h.kind === 'all') return true;
  if (h.kind !== u.kind) return false;
  if (u.kind === 'partition')
    return (
      !h.between ||
      (sameSet(h.between[0], u.between[0]) && sameSet(h.between[1], u.between[1])) ||
      (sameSet(h.between[0], u.between[1]) && sameSet(h.between[1], u.between[0]))
    );
  if (u.kind === 'rogue-advert') return h.rogue === undefined || h.rogue === u.rogue.name;
  if (h.nodes && !h.nodes.includes(u.nodes[0] ?? '')) return false;
  if (u.kind === 'kill-process' && h.process !== undefined && h.process !== u.process) return false;
  if ((u.kind === 'block-multicast' || u.kind === 'block-vrrp') && h.direction !== undefined)
    return h.direction === u.direction;
  return true;
}

/** A heal of something never applied: the units it names, healed anyway (heals are idempotent). */
function unitsFromHeal(h: HealSpec, scenario: Scenario): FaultUnit[] {
  switch (h.kind) {
    case 'all':
      return [];
    case 'partition':
      return h.between ? [{ kind: 'partition', between: h.between }] : [];
    case 'rogue-advert': {
      const rogue = scenarioRogues(scenario).find((r) => r.name === h.rogue);
      return rogue ? [{ kind: 'rogue-advert', rogue }] : [];
    }
    case 'kill-process':
      return (h.nodes ?? []).map((n) => ({
        kind: 'kill-process',
        nodes: [n],
        process: h.process ?? 'nginx',
      }));
    case 'block-multicast':
    case 'block-vrrp':
      // Never applied here: heal both ways (heals are idempotent), whatever the default.
      return (h.nodes ?? []).map((n) => ({
        kind: h.kind as 'block-vrrp',
        nodes: [n],
        direction: h.direction ?? 'both',
      }));
    case 'loss':
      return (h.nodes ?? []).map((n) => ({ kind: 'loss', nodes: [n], rate: 0 }));
    case 'delay':
      return (h.nodes ?? []).map((n) => ({ kind: 'delay', nodes: [n], latencyMs: 0, jitterMs: 0 }));
    default:
      return (h.nodes ?? []).map((n) => ({ kind: h.kind as 'power-off', nodes: [n] }));
  }
}

export function describeStep(step: Step, vip: string): string {
  switch (step.kind) {
    case 'fault':
      return `fault ${describeFault(step.fault)}`;
    case 'heal':
      return describeHeal(step.heal);
    case 'wait':
      return `wait ${formatDuration(step.ms)}`;
    case 'expect':
      return `expect ${describeExpectation(step.expect, vip)}${step.withinMs === null ? '' : ` within ${formatDuration(step.withinMs)}`}`;
  }
}

function addressBook(scenario: Scenario): AddressBook {
  const book = new Map<string, string>();
  for (const n of scenario.lab.nodes) book.set(n.address, n.name);
  for (const r of scenarioRogues(scenario)) book.set(r.address, r.name);
  return book;
}

export interface RunScenarioOptions {
  seed: number | null;
}

export async function runScenario(
  loaded: LoadedScenario,
  driver: Driver,
  options: RunScenarioOptions,
): Promise<ScenarioResult> {
  const { scenario } = loaded;
  const vip = scenario.lab.vip;
  const now = (): number => driver.clock.now();
  const result: ScenarioResult = {
    file: loaded.file,
    name: scenario.name,
    description: scenario.description,
    driver: driver.name,
    seed: options.seed,
    status: 'passed',
    passed: true,
    steadyAt: null,
    end: 0,
    steps: scenario.steps.map((step, index) => {
      const r: StepResult = {
        index,
        kind: step.kind,
        description: describeStep(step, vip),
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
    outages: [],
    downtimeSeconds: 0,
    probes: probeSummary([], scenario.probe.intervalMs),
    slo: null,
    rollback: [],
  };

  if (scenario.drivers.length > 0 && !scenario.drivers.includes(driver.name)) {
    result.status = 'skipped';
    result.notice = `skipped: this scenario runs on the ${scenario.drivers.join(' or ')} driver only`;
    return result;
  }

  const names = addressBook(scenario);
  const active: FaultUnit[] = [];
  let steadyMs = 0;
  let failed = false;

  const snapshot = async (e: Expectation): Promise<Snapshot> => {
    const sample = await driver.sample();
    const needsProbes = e.kind === 'last-outage' || e.kind === 'served-by' || e.kind === 'answers';
    const probes = needsProbes ? (await driver.probes()).filter((p) => p.t >= steadyMs) : [];
    return {
      vip,
      sample,
      lastProbe: probes.at(-1),
      outages: e.kind === 'last-outage' ? outagesFromProbes(probes) : [],
      switchovers:
        e.kind === 'switchover'
          ? switchoversOf(await driver.vrrp(), names).filter((s) => s.at >= sec(steadyMs))
          : [],
    };
  };

  const runExpect = async (
    index: number,
    step: Extract<Step, { kind: 'expect' }>,
  ): Promise<ExpectationResult> => {
    const start = now();
    let deadline = start + (step.withinMs ?? 0);
    const description = describeExpectation(step.expect, vip);
    for (;;) {
      const verdict = evaluate(step.expect, await snapshot(step.expect));
      const t = now();
      // An ongoing outage shorter than the limit: wait until it ends or passes the limit.
      if (verdict.undecidedUntil !== undefined)
        deadline = Math.max(deadline, verdict.undecidedUntil + driver.pollIntervalMs);
      if (verdict.holds) {
        const after = step.withinMs === null ? '' : ` after ${formatDuration(t - start)}`;
        return {
          step: index,
          description,
          passed: true,
          at: sec(t),
          message: `${description}${after} (${verdict.seen})`,
        };
      }
      if (t >= deadline) {
        const within = step.withinMs === null ? '' : ` within ${formatDuration(step.withinMs)}`;
        return {
          step: index,
          description,
          passed: false,
          at: sec(t),
          message: `expected ${description}${within}, but ${verdict.seen}`,
        };
      }
      await driver.wait(Math.min(driver.pollIntervalMs, deadline - t));
    }
  };

  try {
    await driver.start();
    // Steady state: one VIP owner and the prober succeeding.
    const steadyDeadline = now() + STEADY_STATE_TIMEOUT_MS;
    for (;;) {
      const sample = await driver.sample();
      const last: ProbeRecord | undefined = (await driver.probes()).at(-1);
      if (sample.owners.length === 1 && last?.ok === true) break;
      if (now() >= steadyDeadline)
        throw new ChaosError(
          STEADY_STATE_TIMEOUT,
          `no steady state after ${formatDuration(STEADY_STATE_TIMEOUT_MS)}: VIP ${vip} owners: ${sample.owners.join(', ') || 'none'}, last request ${last?.ok ? 'ok' : 'failed'}`,
        );
      await driver.wait(driver.pollIntervalMs);
    }
    steadyMs = now();
    result.steadyAt = sec(steadyMs);

    for (const [index, step] of scenario.steps.entries()) {
      const r = result.steps[index]!;
      r.start = sec(now());
      r.outcome = 'error';
      switch (step.kind) {
        case 'fault':
          for (const unit of faultUnits(step.fault)) {
            await driver.apply(unit);
            active.push(unit);
          }
          r.outcome = 'done';
          break;
        case 'heal': {
          const matched = active.filter((u) => healMatches(step.heal, u));
          const units = matched.length > 0 ? matched : unitsFromHeal(step.heal, scenario);
          for (const unit of units) {
            await driver.heal(unit);
            const i = active.indexOf(unit);
            if (i >= 0) active.splice(i, 1);
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
          const verdict = await runExpect(index, step);
          result.expectations.push(verdict);
          r.outcome = verdict.passed ? 'passed' : 'failed';
          r.message = verdict.message;
          if (!verdict.passed) {
            failed = true;
            result.failure ??= `step ${index + 1}: ${verdict.message}`;
          }
          break;
        }
      }
      r.end = sec(now());
      if (failed) break;
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
    // Rollback: heal whatever is still applied, last applied first.
    for (const unit of [...active].reverse()) {
      const record: RollbackRecord = { fault: describeFault(unit), at: sec(now()), ok: true };
      try {
        await driver.heal(unit);
      } catch (error) {
        record.ok = false;
        record.error = error instanceof Error ? error.message : String(error);
      }
      result.rollback.push(record);
    }
  }

  // Evidence, from the steady state on.
  try {
    const endMs = now();
    result.end = sec(endMs);
    const probes = (await driver.probes()).filter((p) => p.t >= steadyMs);
    const analysis = await driver.vrrp();
    result.outages = outagesFromProbes(probes);
    result.downtimeSeconds = result.outages.reduce((s, o) => s + o.durationSeconds, 0);
    result.probes = probeSummary(probes, scenario.probe.intervalMs);
    result.switchovers = switchoversOf(analysis, names).filter((s) => s.at >= sec(steadyMs));
    result.splitBrain = splitBrainOf(analysis, names).filter((b) => b.end >= sec(steadyMs));
    if (scenario.slo) {
      result.slo = checkSlo(scenario.slo, result.outages, sec(endMs - steadyMs));
      const miss = result.slo.checks.find((c) => !c.passed);
      if (miss && result.status !== 'error') {
        failed = true;
        result.failure ??= `objective: ${miss.message}`;
      }
    }
  } finally {
    await driver.stop();
  }
  if (result.status !== 'error' && failed) result.status = 'failed';
  result.passed = result.status === 'passed';
  return result;
}
