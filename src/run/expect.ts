/**
 * One `expect` step over a driver: take a snapshot of what the driver shows, evaluate the
 * expectation, and poll (the driver's interval) until it holds or `within` has passed. Time
 * only from the driver's clock.
 */
import { formatDuration } from '../scenario/duration';
import type { Expectation, Step } from '../scenario/types';
import type { AnalysisResult } from '../capture';
import type { Driver } from './driver';
import { outagesFromProbes, switchoversOf, type AddressBook } from './evidence';
import { describeExpectation, evaluate, type Snapshot } from './expectations';
import type { ExpectationResult } from './result';

export interface ExpectContext {
  driver: Driver;
  vip: string;
  names: AddressBook;
  /** ms: when the steady state was reached (evidence before it does not count). */
  steadyMs: number;
  /** The VRRP timeline so far (analysed once per new observation). */
  analysis(): Promise<AnalysisResult>;
}

const sec = (ms: number): number => ms / 1000;

async function snapshot(c: ExpectContext, e: Expectation): Promise<Snapshot> {
  const sample = await c.driver.sample();
  const needsProbes = e.kind === 'last-outage' || e.kind === 'served-by' || e.kind === 'answers';
  const probes = needsProbes ? (await c.driver.probes()).filter((p) => p.t >= c.steadyMs) : [];
  return {
    vip: c.vip,
    sample,
    lastProbe: probes.at(-1),
    outages: e.kind === 'last-outage' ? outagesFromProbes(probes) : [],
    switchovers:
      e.kind === 'switchover' || e.kind === 'switchover-count'
        ? switchoversOf(await c.analysis(), c.names).filter((s) => s.at >= sec(c.steadyMs))
        : [],
  };
}

export async function runExpect(
  c: ExpectContext,
  index: number,
  step: Extract<Step, { kind: 'expect' }>,
): Promise<ExpectationResult> {
  const { driver } = c;
  const start = driver.clock.now();
  let deadline = start + (step.withinMs ?? 0);
  const description = describeExpectation(step.expect, c.vip);
  for (;;) {
    const verdict = evaluate(step.expect, await snapshot(c, step.expect));
    const t = driver.clock.now();
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
}
