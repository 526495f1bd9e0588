import { describeSwitchoverRate, switchoverRate } from '../../../src/report/switchover-rate';
import type { ScenarioResult } from '../../../src/run/result';
import { scenarioResult } from '../../fixtures/reports/builders';

const at = (t: number): ScenarioResult['switchovers'][number] => ({
  vrid: 51,
  from: 'a',
  to: 'b',
  at: t,
  gapSeconds: 3.6,
  reason: 'silence',
  duringSplitBrain: false,
});

test('per minute of the measured window, and the most in any 60 s', () => {
  const r: ScenarioResult = {
    ...scenarioResult(),
    steadyAt: 10,
    end: 190,
    // 4 within 50 s, then 2 more 100 s later: 6 in 180 s is 2 a minute, the peak 4.
    switchovers: [20, 30, 45, 69.9, 170, 175].map(at),
  };
  const rate = switchoverRate(r);
  expect(rate).toEqual({ count: 6, windowSeconds: 180, perMinute: 2, peakPerMinute: 4 });
  expect(describeSwitchoverRate(rate!)).toBe(
    '6 switchovers in 180.0 s: 2.0 a minute (at most 4 in any minute)',
  );
  // A window is [t, t + 60 s): 20 and 80 are not in one minute.
  expect(switchoverRate({ ...r, switchovers: [20, 80].map(at) })?.peakPerMinute).toBe(1);
});

test('nothing measured: null; no switchovers: 0 a minute', () => {
  expect(switchoverRate({ ...scenarioResult(), status: 'skipped' })).toBeNull();
  expect(switchoverRate({ ...scenarioResult(), steadyAt: null })).toBeNull();
  const none = switchoverRate({ ...scenarioResult(), steadyAt: 0, end: 30, switchovers: [] });
  expect(none).toEqual({ count: 0, windowSeconds: 30, perMinute: 0, peakPerMinute: 0 });
});
