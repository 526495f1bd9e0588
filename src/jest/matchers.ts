/**
 * The jest matchers of `chaos/jest`, as plain functions from a received value to jest's
 * `{ pass, message }`: the message names the value and the limit, and reads right both ways
 * (jest shows it when `expect(x).toX()` fails, and when `expect(x).not.toX()` fails).
 *
 * - toHoldVip(lab, node, { within }): polls `lab.status()` on `lab.clock` until `node` is the
 *   VIP's only owner; fails at the deadline naming the owners it saw last.
 * - toHaveSwitchedOver(result, { from, to, gapUnder }): a switchover of runScenario's result,
 *   lab.evidence() or analyze() matches.
 * - toHaveNoSplitBrain(result): no split-brain interval.
 */
import { InputError } from '../errors';
import type { LabStatus } from '../lab/lab-status';
import { parseDuration } from '../scenario/duration';
import type { PollClock } from '../api/types';

export const BAD_MATCHER_ARGUMENT = 'BAD_MATCHER_ARGUMENT';

export interface MatcherResult {
  pass: boolean;
  message(): string;
}

/** '5s', '3.7s', '250ms', or milliseconds. */
export type DurationInput = string | number;

/** What toHoldVip polls: a ChaosLab, or any object with a status and a clock. */
export interface VipHolder {
  status(): Promise<LabStatus>;
  clock: PollClock;
}

/** One switchover of a result (node names), a lab's evidence, or analyze() (addresses). */
export interface SwitchoverLike {
  from: string;
  to: string;
  at: number;
  gapSeconds: number;
}

export interface SplitBrainLike {
  /** Node names (results, evidence) or `masters` (analyze()). */
  nodes?: readonly string[];
  masters?: readonly string[];
  start: number;
  durationSeconds: number;
}

export interface SwitchoverExpectation {
  from?: string;
  to?: string;
  /** The gap (old master's last advert to the new master's first) must be under this. */
  gapUnder?: DurationInput;
}

/** How often toHoldVip asks for the status. */
export const POLL_INTERVAL_MS = 100;

export function durationMs(value: DurationInput, what: string): number {
  const ms = typeof value === 'number' ? value : parseDuration(value);
  if (ms === undefined || !Number.isFinite(ms) || ms < 0)
    throw new InputError(
      BAD_MATCHER_ARGUMENT,
      `${what}: '${String(value)}' is not a duration (5s, 250ms, or ms as a number)`,
    );
  return ms;
}

const secs = (s: number): string => `${Number(s.toFixed(3))} s`;
const owners = (list: readonly string[]): string => (list.length ? list.join(', ') : 'none');

function isVipHolder(value: unknown): value is VipHolder {
  const v = value as Partial<VipHolder> | null;
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof v.status === 'function' &&
    typeof v.clock?.now === 'function' &&
    typeof v.clock.sleep === 'function'
  );
}

export async function toHoldVip(
  received: unknown,
  node: string,
  options: { within?: DurationInput } = {},
): Promise<MatcherResult> {
  if (!isVipHolder(received))
    throw new InputError(
      BAD_MATCHER_ARGUMENT,
      'toHoldVip: expected a lab (startLab()) with status() and clock',
    );
  const within = durationMs(options.within ?? 0, 'toHoldVip within');
  const { clock } = received;
  const start = clock.now();
  let polls = 0;
  for (;;) {
    const status = await received.status();
    polls++;
    const elapsed = clock.now() - start;
    const only = status.vipOwners.length === 1 && status.vipOwners[0] === node;
    if (only)
      return {
        pass: true,
        message: () =>
          `expected ${node} not to hold VIP ${status.vip} within ${within} ms, but it held it after ${Math.round(elapsed)} ms`,
      };
    if (elapsed >= within) {
      const split = status.splitBrain ? ' (split brain)' : '';
      return {
        pass: false,
        message: () =>
          `expected ${node} to hold VIP ${status.vip} within ${within} ms; after ${Math.round(elapsed)} ms (${polls} status poll${polls === 1 ? '' : 's'}) its owners were ${owners(status.vipOwners)}${split}`,
      };
    }
    await clock.sleep(Math.min(POLL_INTERVAL_MS, within - elapsed));
  }
}

function listOf<T>(received: unknown, key: string, matcher: string): T[] {
  const v = (received as Record<string, unknown> | null)?.[key];
  if (!Array.isArray(v))
    throw new InputError(
      BAD_MATCHER_ARGUMENT,
      `${matcher}: expected a result with ${key} (runScenario(), lab.evidence() or analyze()), got ${received === null ? 'null' : typeof received}`,
    );
  return v as T[];
}

const describeSwitchover = (s: SwitchoverLike): string =>
  `${s.from} -> ${s.to} (gap ${secs(s.gapSeconds)} at ${secs(s.at)})`;

export function toHaveSwitchedOver(
  received: unknown,
  expected: SwitchoverExpectation = {},
): MatcherResult {
  const all = listOf<SwitchoverLike>(received, 'switchovers', 'toHaveSwitchedOver');
  const limitMs =
    expected.gapUnder === undefined ? undefined : durationMs(expected.gapUnder, 'gapUnder');
  const what = `a switchover ${expected.from ?? 'any'} -> ${expected.to ?? 'any'}${limitMs === undefined ? '' : ` with a gap under ${secs(limitMs / 1000)}`}`;
  const candidates = all.filter(
    (s) =>
      (expected.from === undefined || s.from === expected.from) &&
      (expected.to === undefined || s.to === expected.to),
  );
  const hit = candidates.find((s) => limitMs === undefined || s.gapSeconds * 1000 < limitMs);
  if (hit)
    return {
      pass: true,
      message: () => `expected no ${what.slice(2)}, but saw ${describeSwitchover(hit)}`,
    };
  const seen = all.length === 0 ? 'no switchover at all' : all.map(describeSwitchover).join('; ');
  const why =
    candidates.length > 0 && limitMs !== undefined
      ? `the gap was ${candidates.map((s) => secs(s.gapSeconds)).join(', ')}, limit ${secs(limitMs / 1000)}`
      : 'none matched';
  return { pass: false, message: () => `expected ${what}; ${why} (saw ${seen})` };
}

export function toHaveNoSplitBrain(received: unknown): MatcherResult {
  const all = listOf<SplitBrainLike>(received, 'splitBrain', 'toHaveNoSplitBrain');
  if (all.length === 0)
    return {
      pass: true,
      message: () => 'expected a split brain (two or more masters at once), but saw none',
    };
  const total = all.reduce((s, b) => s + b.durationSeconds, 0);
  const list = all
    .map(
      (b) =>
        `${(b.nodes ?? b.masters ?? []).join(' + ')} for ${secs(b.durationSeconds)} from ${secs(b.start)}`,
    )
    .join('; ');
  return {
    pass: false,
    message: () =>
      `expected no split brain (limit 0 s); saw ${all.length} interval${all.length === 1 ? '' : 's'}, ${secs(total)} in all: ${list}`,
  };
}
