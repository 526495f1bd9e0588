/**
 * When each fault of a run was active, from what the run yields: the scenario's steps and the
 * result's step times (so a Docker run's result serves as well as a simulated one). Heals match
 * applied units as the runner matches them (src/faults healMatches); what the steps left applied
 * ends at the rollback. Pure.
 */
import {
  FAULT_EFFECTS,
  broughtNodes,
  faultDef,
  faultUnits,
  healMatches,
  targetNodes,
  type FaultEffect,
  type FaultUnit,
} from '../faults';
import type { ScenarioResult } from '../run/result';
import type { Scenario } from '../scenario/types';

/** One fault unit, active from `fromMs` to `toMs` (ms since the lab came up). */
export interface FaultWindow {
  kind: string;
  /** The lab nodes it names and the routers it brings. */
  nodes: string[];
  effects: readonly FaultEffect[];
  fromMs: number;
  toMs: number;
}

/** What a fault does to the lab, from its record (all three when it does not say). */
export function faultEffects(kind: string): readonly FaultEffect[] {
  return faultDef(kind).explore?.effects ?? FAULT_EFFECTS;
}

export function faultWindows(scenario: Scenario, result: ScenarioResult): FaultWindow[] {
  const done: FaultWindow[] = [];
  let active: { unit: FaultUnit; fromMs: number }[] = [];
  const close = (a: { unit: FaultUnit; fromMs: number }, toMs: number): void => {
    done.push({
      kind: a.unit.kind,
      nodes: [...targetNodes(a.unit), ...broughtNodes(a.unit).map((b) => b.name)],
      effects: faultEffects(a.unit.kind),
      fromMs: a.fromMs,
      toMs,
    });
  };
  scenario.steps.forEach((step, i) => {
    const start = result.steps[i]?.start;
    if (start === null || start === undefined) return;
    const t = start * 1000;
    if (step.kind === 'fault' && step.flap) {
      // Applied and healed in turns within the step, healed at its end: one window over it.
      const end = (result.steps[i]?.end ?? result.end) * 1000;
      for (const unit of faultUnits(step.fault)) close({ unit, fromMs: t }, end);
    } else if (step.kind === 'fault')
      for (const unit of faultUnits(step.fault)) active.push({ unit, fromMs: t });
    if (step.kind === 'heal') {
      const healed = active.filter((a) => healMatches(step.heal, a.unit));
      for (const a of healed) close(a, t);
      active = active.filter((a) => !healed.includes(a));
    }
  });
  const endMs = (result.rollback[0]?.at ?? result.end) * 1000;
  for (const a of active) close(a, endMs);
  return done.sort((a, b) => a.fromMs - b.fromMs);
}

/** Every moment a fault was applied or healed, in order. */
export function eventTimes(windows: readonly FaultWindow[]): number[] {
  return windows.flatMap((w) => [w.fromMs, w.toMs]).sort((a, b) => a - b);
}

/** The latest event at or before `t` (0, the lab's boot, when none). */
export function lastEventAt(events: readonly number[], t: number): number {
  let last = 0;
  for (const e of events) if (e <= t) last = e;
  return last;
}

/** Is a fault with this effect active at `t` (on `node`, when given)? */
export function activeAt(
  windows: readonly FaultWindow[],
  t: number,
  effect: FaultEffect,
  node?: string,
): boolean {
  return windows.some(
    (w) =>
      w.fromMs <= t &&
      t < w.toMs &&
      w.effects.includes(effect) &&
      (node === undefined || w.nodes.includes(node)),
  );
}
