import {
  compareFigure,
  compareWithBaseline,
  parseMaxRegression,
} from '../../../src/report/baseline';
import { buildReport } from '../../../src/report/build';
import { parseShard, shardScenarios } from '../../../src/report/shard';
import { runOf, scenarioResult } from '../../fixtures/reports/builders';

const LIMITS = { maxRegressionPct: 10, maxRegressionMs: 50 };

describe('the regression rule: worse by more than BOTH 10% and 50 ms', () => {
  test.each([
    // baseline, current, kind
    [3.6, 3.64, 'ok'], // +40 ms, +1.1%: under both
    [3.6, 3.7, 'ok'], // +100 ms but +2.8%: jitter on a long figure
    [0.004, 0.009, 'ok'], // +125% but +5 ms: noise on a tiny figure
    [0.4, 0.5, 'regression'], // +100 ms and +25%
    [3.6, 4.2, 'regression'], // +600 ms and +16.7%
    [0, 0.06, 'regression'], // from none: the absolute limit alone
    [0, 0.04, 'ok'],
    [3.6, 0.6, 'improved'],
    [3.6, 3.6, 'ok'],
  ])('%p s -> %p s: %s', (base, cur, kind) => {
    expect(compareFigure('s', 'client downtime', base, cur, LIMITS).kind).toBe(kind);
  });

  test('the message says which figure and by how much', () => {
    expect(compareFigure('poweroff-master', 'client downtime', 3.6, 4.2, LIMITS).message).toBe(
      'poweroff-master: client downtime regressed 3.6 s -> 4.2 s (+600 ms, +16.7%), more than 10% and 50 ms',
    );
    expect(compareFigure('s', 'longest outage', 0, 0.06, LIMITS).message).toBe(
      's: longest outage regressed 0 s -> 60 ms (+60 ms (from none)), more than 10% and 50 ms',
    );
  });

  test('a figure missing on either side is not compared', () => {
    expect(compareFigure('s', 'client downtime', null, 1, LIMITS)).toMatchObject({
      kind: 'not-compared',
      message: 's: client downtime not measured in the baseline',
    });
  });
});

describe('compareWithBaseline', () => {
  const sw = (gap: number) => ({
    vrid: 51,
    from: 'server01',
    to: 'server03',
    at: 14,
    gapSeconds: gap,
    reason: 'silence' as const,
    duringSplitBrain: false,
  });
  const outage = (d: number) => ({
    start: 10,
    end: 10 + d,
    durationSeconds: d,
    failedRequests: 10,
  });
  const report = (gap: number, down: number) =>
    buildReport(
      runOf([
        scenarioResult({
          name: 'poweroff-master',
          file: 'scenarios/poweroff-master.yaml',
          switchovers: [sw(gap)],
          outages: [outage(down)],
          downtimeSeconds: down,
        }),
        scenarioResult({ name: 'new-one', file: 'scenarios/new-one.yaml' }),
      ]),
    );

  test('per scenario: downtime, longest outage and each gap', () => {
    const c = compareWithBaseline(report(3.7, 3.8), report(3.61, 3.58), {}, 'runs/last');
    expect(c.regressed).toBe(false);
    expect(c.findings.map((f) => [f.scenario, f.metric, f.kind])).toEqual([
      ['poweroff-master', 'client downtime', 'ok'],
      ['poweroff-master', 'longest outage', 'ok'],
      ['poweroff-master', 'VRRP gap server01 -> server03 (switchover 1)', 'ok'],
      ['new-one', 'client downtime', 'ok'],
      ['new-one', 'longest outage', 'ok'],
    ]);
  });

  test('a regression of the gap fails the comparison', () => {
    const c = compareWithBaseline(report(4.2, 3.6), report(3.61, 3.58));
    expect(c.regressed).toBe(true);
    expect(c.findings.filter((f) => f.kind === 'regression').map((f) => f.message)).toEqual([
      'poweroff-master: VRRP gap server01 -> server03 (switchover 1) regressed 3.61 s -> 4.2 s (+590 ms, +16.3%), more than 10% and 50 ms',
    ]);
  });

  test('custom limits', () => {
    const c = compareWithBaseline(report(3.7, 3.58), report(3.61, 3.58), {
      maxRegressionPct: 1,
      maxRegressionMs: 50,
    });
    expect(c.regressed).toBe(true);
  });

  test('a scenario missing from the baseline is not compared', () => {
    const base = buildReport(runOf([scenarioResult({ name: 'other', file: 'o.yaml' })]));
    const c = compareWithBaseline(report(1, 1), base);
    expect(c.regressed).toBe(false);
    expect(c.findings.map((f) => f.message)).toEqual([
      'poweroff-master: not in the baseline',
      'new-one: not in the baseline',
    ]);
  });
});

describe('parseMaxRegression', () => {
  test.each([
    ['10%,50ms', { maxRegressionPct: 10, maxRegressionMs: 50 }],
    ['5%', { maxRegressionPct: 5, maxRegressionMs: 50 }],
    ['100ms', { maxRegressionPct: 10, maxRegressionMs: 100 }],
    ['0.2s, 2.5%', { maxRegressionPct: 2.5, maxRegressionMs: 200 }],
  ])('%p', (text, limits) => {
    expect(parseMaxRegression(text)).toEqual(limits);
  });
  test('bad input is BAD_MAX_REGRESSION', () => {
    expect(() => parseMaxRegression('ten')).toThrow(/BAD_MAX_REGRESSION/);
  });
});

describe('shardScenarios: sorted by path, dealt round-robin', () => {
  const files = ['s/e.yaml', 's/a.yaml', 's/d.yaml', 's/b.yaml', 's/c.yaml'];

  test('every file in exactly one shard, sizes within one', () => {
    const shards = [1, 2, 3].map((i) => shardScenarios(files, i, 3));
    expect(shards).toEqual([['s/a.yaml', 's/d.yaml'], ['s/b.yaml', 's/e.yaml'], ['s/c.yaml']]);
    expect(shards.flat().sort()).toEqual([...files].sort());
  });

  test('independent of the order given; 1/1 is everything', () => {
    expect(shardScenarios([...files].reverse(), 2, 3)).toEqual(shardScenarios(files, 2, 3));
    expect(shardScenarios(files, 1, 1)).toEqual([...files].sort());
    expect(shardScenarios(files, 4, 6)).toEqual(['s/d.yaml']);
    expect(shardScenarios(files, 6, 6)).toEqual([]);
  });

  test('parseShard', () => {
    expect(parseShard('2/4')).toEqual({ index: 2, total: 4 });
    for (const bad of ['0/4', '5/4', '1/0', 'two', '1/'])
      expect(() => parseShard(bad)).toThrow(/BAD_SHARD/);
    expect(() => shardScenarios(files, 0, 2)).toThrow(/BAD_SHARD/);
  });
});
