/**
 * Bounded polling with the clock and timers it is given: try, and while there is no answer,
 * wait `intervalMs` and try again, until `timeoutMs` have passed since the first try. Used by
 * the lab's waits (the VIP elected, a rogue router's VRRP running), the wire tests and the
 * failover bench.
 */
import { ChaosError } from '../errors';
import { throwIfAborted } from './lab';

/** Time and timers (a DockerLabDeps is one). */
export interface PollClock {
  /** Milliseconds. */
  now(): number;
  sleep(ms: number): Promise<void>;
}

export interface PollOptions {
  timeoutMs: number;
  intervalMs: number;
  clock: PollClock;
  /** Checked before each try: once aborted, INTERRUPTED. */
  signal?: AbortSignal | undefined;
  /** The code of the timeout's error (default POLL_TIMEOUT). */
  code?: string;
}

export const POLL_TIMEOUT = 'POLL_TIMEOUT';

/**
 * `attempt` until it gives a value: the value and the time it took. After `timeoutMs`, a
 * ChaosError `<what> after <timeoutMs> ms`, so `what` says what did not happen.
 */
export async function pollFor<T>(
  what: string,
  attempt: () => Promise<T | undefined>,
  options: PollOptions,
): Promise<{ value: T; elapsedMs: number }> {
  const { clock } = options;
  const start = clock.now();
  for (;;) {
    throwIfAborted(options.signal);
    const value = await attempt();
    if (value !== undefined) return { value, elapsedMs: clock.now() - start };
    if (clock.now() - start > options.timeoutMs)
      throw new ChaosError(options.code ?? POLL_TIMEOUT, `${what} after ${options.timeoutMs} ms`);
    await clock.sleep(options.intervalMs);
  }
}

/** `check` until it is true; the time it took (see pollFor). */
export async function pollUntil(
  what: string,
  check: () => Promise<boolean>,
  options: PollOptions,
): Promise<number> {
  const { elapsedMs } = await pollFor(
    what,
    async () => ((await check()) ? true : undefined),
    options,
  );
  return elapsedMs;
}
