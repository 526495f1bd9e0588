/**
 * A soak's schedule: consecutive explore schedules (src/explore/schedule.ts, the same
 * generator and the same draws as `chaos explore`'s runs) that together cover the soak's
 * duration, each a piece of at most one horizon: every fault of a piece is healed and the lab
 * settled before the next piece begins. A remainder shorter than the shortest horizon joins the
 * piece before it. Pure.
 */
import type { SeededRng } from '../sim/rng';
import type { ExploreContext } from '../faults';
import type { Explorable } from './draw';
import { drawSchedule, type Schedule } from './schedule';

/** The shortest piece, ms (explore's shortest horizon). */
export const MIN_PIECE_MS = 20_000;

export interface SoakPlanOptions {
  durationMs: number;
  /** The longest piece, ms. */
  horizonMs: number;
  maxFaults: number;
  settleMs: number;
}

/** The pieces' lengths: full horizons, the remainder joined to the last when too short. */
export function pieceLengths(durationMs: number, horizonMs: number): number[] {
  const out: number[] = [];
  let left = durationMs;
  while (left > 0) {
    const len = Math.min(horizonMs, left);
    out.push(len);
    left -= len;
  }
  const last = out.at(-1);
  if (out.length > 1 && last !== undefined && last < MIN_PIECE_MS) {
    out.pop();
    out[out.length - 1]! += last;
  }
  return out;
}

/** Each piece's schedule, drawn in turn from one RNG, each with a fresh draw context. */
export function drawSoakPlan(
  rng: SeededRng,
  faults: readonly Explorable[],
  context: () => ExploreContext,
  o: SoakPlanOptions,
): Schedule[] {
  return pieceLengths(o.durationMs, o.horizonMs).map((horizonMs) =>
    drawSchedule(rng, faults, context(), {
      horizonMs,
      maxFaults: o.maxFaults,
      settleMs: o.settleMs,
    }),
  );
}
