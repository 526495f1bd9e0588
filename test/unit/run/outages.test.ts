/**
 * Client outages from the prober's requests: from the first failed request sent to the first
 * good answer received. The figures follow a Docker run of graceful-stop: the VIP left
 * server01 at 0 ms, server03 announced it at about 627 ms; requests sent from 172 ms on waited
 * (their SYN queued behind the client's unresolved ARP entry) and were answered once it came.
 */
import { outagesFromProbes } from '../../../src/run/evidence';
import type { ProbeRecord } from '../../../src/run/driver';

const ok = (t: number, latencyMs: number): ProbeRecord => ({
  t,
  ok: true,
  status: 200,
  servedBy: 'server03',
  latencyMs,
});
const failed = (t: number, status: number | null = null): ProbeRecord => ({
  t,
  ok: false,
  status,
  servedBy: status === null ? null : 'server03',
  latencyMs: status === null ? null : 30,
  ...(status === null ? { error: 'timeout' } : {}),
});

test('an outage lasts until the first good answer arrives, not until that request was sent', () => {
  const probes = [ok(-8, 2.4), failed(12), failed(32), failed(152), ok(172, 498.7), ok(192, 478)];
  const [o, ...rest] = outagesFromProbes(probes);
  expect(rest).toEqual([]);
  expect(o?.start).toBe(0.012);
  expect(o?.end).toBeCloseTo(0.6707, 6);
  expect(o?.durationSeconds).toBeCloseTo(0.6587, 6);
  expect(o?.failedRequests).toBe(3);
});

test("failures sent before the last outage's answer came in belong to it", () => {
  // 503s from 512 ms, while the slow good answers of 172..492 ms were still arriving (~670 ms).
  const probes = [failed(12), ok(172, 498.7), ok(492, 189), failed(512, 503), failed(632, 503)];
  probes.push(ok(653.7, 28.7), ok(672, 11));
  const outages = outagesFromProbes(probes);
  expect(outages).toHaveLength(1);
  expect(outages[0]?.start).toBe(0.012);
  expect(outages[0]?.end).toBeCloseTo(0.6824, 6);
  expect(outages[0]?.failedRequests).toBe(3);
  // A failure after the answer came: a new outage.
  const later = outagesFromProbes([...probes, failed(2000), ok(2020, 1)]);
  expect(later.map((x) => [x.start, x.end])).toEqual([
    [0.012, outages[0]?.end],
    [2, 2.021],
  ]);
});

test('instant answers (the simulator): from the first failure to the first good request; open at the end', () => {
  const sim = (t: number, good: boolean): ProbeRecord =>
    good ? { t, ok: true, status: 200, servedBy: 'a', latencyMs: 0 } : failed(t);
  const outages = outagesFromProbes([sim(0, true), sim(20, false), sim(40, false), sim(60, true)]);
  expect(outages).toEqual([{ start: 0.02, end: 0.06, durationSeconds: 0.04, failedRequests: 2 }]);
  expect(outagesFromProbes([sim(0, true), sim(20, false), sim(40, false)])).toEqual([
    { start: 0.02, end: null, durationSeconds: 0.02, failedRequests: 2 },
  ]);
});
