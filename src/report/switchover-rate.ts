/**
 * How often the VIP moved: the switchovers of a scenario per minute of its measured time (from
 * the steady state to the end), and the most in any one minute (a sliding 60 s window), so that a
 * flapping link's churn is a figure, not a count to divide by hand. Pure.
 */
import type { ScenarioResult } from '../run/result';

export interface SwitchoverRate {
  count: number;
  /** Seconds from the steady state to the end. */
  windowSeconds: number;
  /** count over the window, per 60 s. */
  perMinute: number;
  /** The most switchovers within any 60 s (all of them when the window is shorter). */
  peakPerMinute: number;
}

const MINUTE = 60;

/** null: the scenario was not measured (skipped, or no steady state). */
export function switchoverRate(r: ScenarioResult): SwitchoverRate | null {
  if (r.status === 'skipped' || r.steadyAt === null) return null;
  const windowSeconds = Math.max(0, r.end - r.steadyAt);
  const times = r.switchovers.map((sw) => sw.at).sort((a, b) => a - b);
  let peak = 0;
  for (let i = 0, j = 0; i < times.length; i++) {
    while (times[i]! - times[j]! >= MINUTE) j++;
    peak = Math.max(peak, i - j + 1);
  }
  return {
    count: times.length,
    windowSeconds,
    perMinute: windowSeconds > 0 ? (times.length / windowSeconds) * MINUTE : 0,
    peakPerMinute: peak,
  };
}

/** `6 switchovers in 31.2 s: 11.5 a minute (at most 6 in any minute)`. */
export function describeSwitchoverRate(rate: SwitchoverRate): string {
  const n = `${rate.count} switchover${rate.count === 1 ? '' : 's'}`;
  return `${n} in ${rate.windowSeconds.toFixed(1)} s: ${rate.perMinute.toFixed(1)} a minute (at most ${rate.peakPerMinute} in any minute)`;
}
