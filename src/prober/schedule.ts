/**
 * The prober's fixed-rate schedule (pure). Slot k is due at `start + k * interval`; a request
 * is fired per slot, whatever earlier requests are doing, so slow answers never shift the
 * schedule. When the process wakes up late by more than an interval (a GC pause, a frozen
 * container), the missed slots are skipped and counted, not fired in a burst.
 */

export interface Schedule {
  startMs: number;
  intervalMs: number;
  /** Slots due before `startMs + durationMs` are fired; 0 = no end. */
  durationMs: number;
}

export interface TickPlan {
  /** The slot to fire now, or null (woken early, or this slot was fired already). */
  fire: number | null;
  /** Slots between the last fired one and `fire` that were missed. */
  skipped: number;
  /** When to wake up next, or null when the schedule is over. */
  nextAtMs: number | null;
}

export function slotTime(s: Schedule, slot: number): number {
  return s.startMs + slot * s.intervalMs;
}

/** Number of slots in the schedule, or Infinity. */
export function slotCount(s: Schedule): number {
  return s.durationMs > 0 ? Math.ceil(s.durationMs / s.intervalMs) : Infinity;
}

/**
 * What to do at `nowMs`, given that `lastFired` was the last slot fired (-1 before the first).
 */
export function planTick(s: Schedule, nowMs: number, lastFired: number): TickPlan {
  const count = slotCount(s);
  const due = Math.min(Math.floor((nowMs - s.startMs) / s.intervalMs), count - 1);
  let fire: number | null = null;
  let skipped = 0;
  if (due > lastFired && due >= 0) {
    fire = due;
    skipped = due - lastFired - 1;
  }
  const next = Math.max(due, lastFired, fire ?? -1) + 1;
  return { fire, skipped, nextAtMs: next < count ? slotTime(s, next) : null };
}
