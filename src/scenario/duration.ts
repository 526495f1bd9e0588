/**
 * Durations as scenario files write them: `5s`, `300ms`, `1.5s`, `2m`, `1h`, `3.609375s`.
 * Pure; milliseconds out. A bare number is not a duration (is `5` seconds or milliseconds?).
 */

const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 } as const;

const DURATION_RE = /^\s*(\d+(?:\.\d+)?|\.\d+)\s*(ms|s|m|h)\s*$/;

/** Milliseconds, or undefined when `text` is not a duration. */
export function parseDuration(text: string): number | undefined {
  const m = DURATION_RE.exec(text);
  if (!m) return undefined;
  const value = Number(m[1]);
  const unit = m[2] as keyof typeof UNIT_MS;
  const ms = value * UNIT_MS[unit];
  return Number.isFinite(ms) ? ms : undefined;
}

/** The message a bad duration gets. */
export function durationProblem(text: string): string {
  return `not a duration: ${JSON.stringify(text)} (write a number and a unit: 300ms, 5s, 2m, 1h)`;
}

/** ms -> the shortest readable form: `300 ms`, `3.609375 s`, `2 min`. */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0 s';
  if (Math.abs(ms) < 1000) return `${round(ms, 3)} ms`;
  if (Math.abs(ms) < 120_000) return `${round(ms / 1000, 6)} s`;
  return `${round(ms / 60_000, 3)} min`;
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
