/**
 * `chaos/jest`: jest matchers for labs and results. Importing this module registers them with
 * the global `expect` when there is one (a jest test file or setupFilesAfterEnv); `chaosMatchers`
 * is there for `expect.extend(chaosMatchers)` by hand. The types extend `jest.Matchers`
 * (@types/jest).
 *
 *   await expect(lab).toHoldVip('server03', { within: '5s' });
 *   expect(result).toHaveSwitchedOver({ from: 'server01', to: 'server03', gapUnder: '3.7s' });
 *   expect(result).toHaveNoSplitBrain();
 */
import {
  toHaveNoSplitBrain,
  toHaveSwitchedOver,
  toHoldVip,
  type DurationInput,
  type MatcherResult,
  type SwitchoverExpectation,
} from './matchers';

export {
  BAD_MATCHER_ARGUMENT,
  POLL_INTERVAL_MS,
  type DurationInput,
  type MatcherResult,
  type SplitBrainLike,
  type SwitchoverExpectation,
  type SwitchoverLike,
  type VipHolder,
} from './matchers';

/** The matchers in the shape `expect.extend` takes. */
export const chaosMatchers = {
  toHoldVip(
    received: unknown,
    node: string,
    options?: { within?: DurationInput },
  ): Promise<MatcherResult> {
    return toHoldVip(received, node, options);
  },
  toHaveSwitchedOver(received: unknown, expected?: SwitchoverExpectation): MatcherResult {
    return toHaveSwitchedOver(received, expected);
  },
  toHaveNoSplitBrain(received: unknown): MatcherResult {
    return toHaveNoSplitBrain(received);
  },
};

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace jest {
    interface Matchers<R> {
      /** The node is the VIP's only owner now, or within `within` ('5s', ms). */
      toHoldVip(node: string, options?: { within?: DurationInput }): Promise<R>;
      /** A switchover from -> to happened, with a gap under `gapUnder` when given. */
      toHaveSwitchedOver(expected?: SwitchoverExpectation): R;
      /** No two nodes were master at once. */
      toHaveNoSplitBrain(): R;
    }
  }
}

const globalExpect = (globalThis as { expect?: { extend?: (m: object) => void } }).expect;
if (typeof globalExpect?.extend === 'function') globalExpect.extend(chaosMatchers);
