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
    [result({ switchovers: [sw('server01', 'server03', 3.609375)], downtimeSeconds: 2.9 })],
    result({ switchovers: [sw('server01', 'server03', 3.61102)], downtimeSeconds: 2.86 }),
  );
  expect(a.agrees).toBe(true);
  expect(a.phases).toBe(1);
  expect(a.worstGapDiffMs).toBeCloseTo(1.645, 3);
  expect(a.why).toEqual([]);
  expect(a.notes).toEqual([]);
});

test('what differs is said: owners, a gap, the clients', () => {
  const a = compareDrivers(
    [
      result({
        switchovers: [sw('server01', 'server03', 3.609375)],
        downtimeSeconds: 37.98,
        outages: [{ start: 9.5, end: 47.48, durationSeconds: 37.98, failedRequests: 760 }],
      }),
    ],
    result({
      switchovers: [sw('server01', 'server03', 3.62)],
      downtimeSeconds: 0.05,
      outages: [
        { start: 31.99, end: 32.017, durationSeconds: 0.027, failedRequests: 1 },
        { start: 36.43, end: 36.453, durationSeconds: 0.023, failedRequests: 2 },
      ],
    }),
  );
  expect(a.agrees).toBe(false);
  expect(a.why).toEqual([
    'a gap differs by 10.6 ms (target 5 ms)',
    "client downtime: sim 37.980-37.980 s over 1 phase, docker 0.050 s, with the same VRRP switchovers: the clients differ (the simulator models an ideal client and an ARP cache, not HTTP); docker's client: 2 outages of 1-2 requests (longest 0.027 s) from 31.990 to 36.453 s; sim's (first phase): 1 outage of 760 requests (longest 37.980 s) from 9.500 to 47.480 s",
  ]);
  // A preemption's gap depends on the advert phase: not held to the 5 ms target.
  const p = (gap: number) => ({ ...sw('server03', 'server01', gap), reason: 'preempted' as const });
  expect(
    compareDrivers([result({ switchovers: [p(0.39)] })], result({ switchovers: [p(0.86)] }))
      .worstGapDiffMs,
  ).toBeNull();
  const b = compareDrivers(
    [result({ switchovers: [] })],
    result({ switchovers: [sw('a', 'b', 1)] }),
  );
  expect(b.owners).toEqual({ sim: [], docker: ['a>b'], phasesMatching: 0, same: false });
  expect(b.why[0]).toBe('owners: sim none; docker a>b');
  const table = formatAgreement([a, b]);
  expect(table.split('\n')[0]).toMatch(/^scenario +owners \(sim = docker\) +worst gap diff/);
  expect(table).toContain('0 of 2 scenarios agree (simulator at 1 phases each)');
});

test('over phases: docker agrees inside the range (widened by the target), and the note says so', () => {
  // kill-nginx: the kill falls anywhere in the 3 s track-script interval.
  const phases = [0.7, 1.4, 2.1, 2.9, 3.5].map((d) =>
    result({ switchovers: [sw('server01', 'server03', 0.609375)], downtimeSeconds: d }),
  );
  const docker = (d: number) =>
    result({ switchovers: [sw('server01', 'server03', 0.6101)], downtimeSeconds: d });
  const inside = compareDrivers(phases, docker(3.07));
  expect(inside.agrees).toBe(true);
  expect(inside.downtimeSeconds.sim).toEqual({ min: 0.7, median: 2.1, max: 3.5 });
  expect(inside.notes).toEqual([
    "client downtime depends on the phase: sim 0.700-3.500 s over 5 phases; docker's 3.070 s is inside",
  ]);
  // 3.5 s + 10 % = 3.85 s: just inside; 0.7 s - 100 ms = 0.6 s: just inside.
  expect(compareDrivers(phases, docker(3.84)).downtimeAgrees).toBe(true);
  expect(compareDrivers(phases, docker(0.61)).downtimeAgrees).toBe(true);
  expect(compareDrivers(phases, docker(3.9)).downtimeAgrees).toBe(false);
  expect(compareDrivers(phases, docker(0.55)).downtimeAgrees).toBe(false);
  const table = formatAgreement([inside]);
  expect(table).toContain('2.100 s [0.700-3.500] / 3.070 s');
  expect(table).toContain('1 of 1 scenarios agree (simulator at 5 phases each)');
});

test("owners: docker's sequence is one that some phase took; the commonest is shown otherwise", () => {
  const one = result({ switchovers: [sw('a', 'b', 3.6)] });
  const two = result({ switchovers: [sw('a', 'b', 3.6), sw('b', 'a', 3.6)] });
  const a = compareDrivers([one, two, two], result({ switchovers: [sw('a', 'b', 3.6)] }));
  expect(a.owners).toEqual({ sim: ['a>b'], docker: ['a>b'], phasesMatching: 1, same: true });
  expect(a.notes).toEqual(["docker's owners are those of 1 of 3 phases"]);
  const b = compareDrivers([one, two, two], result({ switchovers: [] }));
  expect(b.owners).toEqual({ sim: ['a>b', 'b>a'], docker: [], phasesMatching: 0, same: false });
});
