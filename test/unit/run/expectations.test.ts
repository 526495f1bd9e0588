import { formatDiagnostic } from '../../../src/errors';
import { memorySource } from '../../../src/keepalived';
import type { ProbeRecord } from '../../../src/run/driver';
import { describeExpectation, evaluate, type Snapshot } from '../../../src/run/expectations';
import { parseScenarioText, type LoadedScenario } from '../../../src/scenario/loader';
import { SimDriver } from '../../../src/drivers/sim/driver';
import type { Expectation } from '../../../src/scenario/types';

const VIP = '192.168.17.200';

/** A snapshot whose latest request is `lastProbe` (builder: only what `answers` reads). */
function snapshot(lastProbe?: Partial<ProbeRecord>): Snapshot {
  return {
    vip: VIP,
    sample: { t: 0, owners: ['server01'], states: {} },
    lastProbe:
      lastProbe === undefined
        ? undefined
        : { t: 1000, ok: false, status: null, servedBy: null, latencyMs: 3, ...lastProbe },
    outages: [],
    switchovers: [],
  };
}

const load = (expect: string, drivers = '') =>
  parseScenarioText(
    `name: x\n${drivers}steps:\n  - expect: ${expect}\n`,
    '/s/test.yaml',
    memorySource({}),
  );

function loaded(expect: string): LoadedScenario {
  const r = load(expect);
  if (!r.scenario) throw new Error(r.errors.map(formatDiagnostic).join('\n'));
  return { file: r.file, scenario: r.scenario, configs: r.configs };
}

describe('expect answers', () => {
  const by503: Expectation = { kind: 'answers', status: 503, node: 'server01' };
  const any503: Expectation = { kind: 'answers', status: 503 };

  test('the latest request has the status (and the node, when given)', () => {
    const shop503 = snapshot({ status: 503, servedBy: 'server01' });
    expect(evaluate(by503, shop503)).toEqual({
      holds: true,
      seen: 'last request answered with HTTP 503 by server01',
    });
    expect(evaluate(any503, snapshot({ status: 503, servedBy: 'server03' })).holds).toBe(true);
    expect(evaluate(by503, snapshot({ status: 503, servedBy: 'server03' })).holds).toBe(false);
    expect(evaluate(by503, snapshot({ ok: true, status: 200, servedBy: 'server01' }))).toEqual({
      holds: false,
      seen: 'last request answered with HTTP 200 by server01',
    });
    expect(evaluate(any503, snapshot({ error: 'timeout' }))).toEqual({
      holds: false,
      seen: 'last request got no answer (timeout)',
    });
    expect(evaluate(any503, snapshot())).toEqual({ holds: false, seen: 'no request yet' });
    expect(describeExpectation(by503, VIP)).toBe('requests answered with HTTP 503 by server01');
  });

  test('the file form: answers: { status, by? }; by names a web node', () => {
    const r = load('{ answers: { status: 503, by: server01 }, within: 2s }');
    expect(r.errors).toEqual([]);
    expect(r.scenario?.steps[0]).toEqual({ kind: 'expect', expect: by503, withinMs: 2000 });
    expect(load('{ answers: { status: 503 } }').scenario?.steps[0]).toMatchObject({
      expect: any503,
    });
    expect(load('{ answers: { status: 42 } }').errors).not.toEqual([]);
    expect(
      load('{ answers: { status: 503, by: server02 } }').errors.map(formatDiagnostic).join('\n'),
    ).toMatch(/server02 is a mysql node/);
  });

  test('the simulator refuses a status other than 200: it has no shop', () => {
    const refusals = new SimDriver(loaded('{ answers: { status: 503 } }'), { seed: 1 }).refusals();
    expect(refusals).toEqual([
      expect.objectContaining({ step: 0, code: 'SIM_EXPECTATION_UNSUPPORTED' }),
    ]);
    const ok = new SimDriver(loaded('{ answers: { status: 200 } }'), { seed: 1 });
    expect(ok.refusals()).toEqual([]);
  });
});

describe('expect switchovers', () => {
  const sw = (at: number) => ({
    vrid: 51,
    from: 'server01',
    to: 'server03',
    at,
    gapSeconds: 3.609375,
    reason: 'silence',
    duringSplitBrain: false,
  });
  const seen = (t: number, ats: number[]): Snapshot => ({
    vip: VIP,
    sample: { t, owners: ['server01'], states: {} },
    lastProbe: undefined,
    outages: [],
    switchovers: ats.map(sw) as Snapshot['switchovers'],
  });

  test('count and atMost over the scenario, or over the last window only', () => {
    expect(evaluate({ kind: 'switchover-count', count: 2 }, seen(30_000, [5, 20]))).toEqual({
      holds: true,
      seen: '2 switchovers seen',
    });
    expect(evaluate({ kind: 'switchover-count', atMost: 1 }, seen(30_000, [5, 20])).holds).toBe(
      false,
    );
    // In the last 12 s of t = 30 s: only the one at 20 s.
    expect(
      evaluate({ kind: 'switchover-count', atMost: 1, lastMs: 12_000 }, seen(30_000, [5, 20])),
    ).toEqual({ holds: true, seen: '1 switchover seen' });
    expect(describeExpectation({ kind: 'switchover-count', atMost: 0, lastMs: 3000 }, VIP)).toBe(
      'at most 0 switchovers in the last 3 s',
    );
    expect(describeExpectation({ kind: 'switchover-count', count: 6 }, VIP)).toBe(
      'exactly 6 switchovers',
    );
  });

  test('the file gives atMost or count, not both, not neither', () => {
    expect(load('{ switchovers: { atMost: 1, count: 2 } }').errors.map(formatDiagnostic)).toEqual([
      '/s/test.yaml:3:15: switchovers takes atMost or count (one of them)',
    ]);
    expect(load('{ switchovers: { last: 5s } }').errors).toHaveLength(1);
    expect(loaded('{ switchovers: { count: 0, last: 5s } }').scenario.steps[0]).toMatchObject({
      expect: { kind: 'switchover-count', count: 0, lastMs: 5000 },
    });
  });
});
