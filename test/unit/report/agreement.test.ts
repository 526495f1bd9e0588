import { compareDrivers, formatAgreement } from '../../../src/report/agreement';
import type { ScenarioResult } from '../../../src/run/result';
import { scenarioResult } from '../../fixtures/reports/builders';

const sw = (
  from: string,
  to: string,
  gapSeconds: number,
): ScenarioResult['switchovers'][number] => ({
  vrid: 51,
  from,
  to,
  at: 8,
  gapSeconds,
  reason: 'silence',
  duringSplitBrain: false,
});

function result(over: Partial<ScenarioResult>): ScenarioResult {
  return { ...scenarioResult(), name: 'x', ...over };
}

test('the same owners, gaps within 5 ms, downtime within 10 % or 100 ms: agrees', () => {
  const a = compareDrivers(
    result({ switchovers: [sw('server01', 'server03', 3.609375)], downtimeSeconds: 2.9 }),
    result({ switchovers: [sw('server01', 'server03', 3.61102)], downtimeSeconds: 2.86 }),
  );
  expect(a.agrees).toBe(true);
  expect(a.worstGapDiffMs).toBeCloseTo(1.645, 3);
  expect(a.why).toEqual([]);
});

test('what differs is said: owners, a gap, the clients', () => {
  const a = compareDrivers(
    result({ switchovers: [sw('server01', 'server03', 3.609375)], downtimeSeconds: 37.98 }),
    result({ switchovers: [sw('server01', 'server03', 3.62)], downtimeSeconds: 0 }),
  );
  expect(a.agrees).toBe(false);
  expect(a.why).toEqual([
    'a gap differs by 10.6 ms (target 5 ms)',
    'client downtime 37.980 s vs 0.000 s with the same VRRP switchovers: the clients differ (the simulator models an ideal client and an ARP cache, not HTTP)',
  ]);
  // A preemption's gap depends on the advert phase: not held to the 5 ms target.
  const p = (gap: number) => ({ ...sw('server03', 'server01', gap), reason: 'preempted' as const });
  expect(
    compareDrivers(result({ switchovers: [p(0.39)] }), result({ switchovers: [p(0.86)] }))
      .worstGapDiffMs,
  ).toBeNull();
  const b = compareDrivers(result({ switchovers: [] }), result({ switchovers: [sw('a', 'b', 1)] }));
  expect(b.owners).toEqual({ sim: [], docker: ['a>b'], same: false });
  expect(b.why[0]).toBe('owners: sim none; docker a>b');
  const table = formatAgreement([a, b]);
  expect(table.split('\n')[0]).toMatch(/^scenario +owners \(sim = docker\) +worst gap diff/);
  expect(table).toContain('0 of 2 scenarios agree');
});
