/**
 * The Clock port: time as the core sees it, in milliseconds, always injected. The simulator's
 * VirtualClock (src/sim/clock.ts) and the real clock below both implement it; pure code never
 * reads the system's time itself.
 */
export interface Clock {
  now(): number;
}

/** Real time: epoch milliseconds. Only the edges (CLI, Docker drivers, benches) use it. */
export const systemClock: Clock = { now: () => Date.now() };

/** A clock that counts from `origin` of another clock (ms since the lab came up, say). */
export function clockSince(base: Clock, origin: () => number): Clock {
  return { now: () => base.now() - origin() };
}
