/**
 * What the fault records' `explore` parts share when they draw a step: one web node, one of a
 * list, a duration in file form. Pure (the randomness is the SeededRng they are given).
 */
import type { SeededRng } from '../sim/rng';
import type { ExploreContext } from './types';

/** One element of a non-empty list. */
export function pick<T>(rng: SeededRng, xs: readonly T[]): T {
  return xs[rng.int(0, xs.length - 1)]!;
}

/** `{ node }`: one web node, or null in a lab without one. */
export function oneWebNode(rng: SeededRng, ctx: ExploreContext): { node: string } | null {
  return ctx.web.length === 0 ? null : { node: pick(rng, ctx.web) };
}

/** Whole milliseconds as a scenario duration (`250ms`). */
export const msText = (ms: number): string => `${Math.round(ms)}ms`;
