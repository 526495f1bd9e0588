import { summariseScenario } from '../../../src/cli/run-summary';
import { buildReport } from '../../../src/report/build';
import { renderHtml } from '../../../src/report/html';
import { latenessLine } from '../../../src/report/lateness';
import { renderMarkdown } from '../../../src/report/markdown';
import type { AdvertLatenessRecord } from '../../../src/run/result';
import { GENERATED_AT, runOf, scenarioResult, simReport } from '../../fixtures/reports/builders';

const starved: AdvertLatenessRecord = {
  vrid: 51,
  node: 'server01',
  window: 'faults',
  advertisedMs: 1000,
  intervals: 23,
  medianMs: 100.04,
  p95Ms: 600,
  maxMs: 800,
};
const whole: AdvertLatenessRecord = { ...starved, window: 'run', intervals: 40, medianMs: 0.3 };

function report(lateness: AdvertLatenessRecord[]) {
  return buildReport(runOf([scenarioResult({ advertLateness: lateness })]), {
    generatedAt: GENERATED_AT,
    scenarios: {},
    environment: { chaosVersion: null, dockerVersion: null, nodeVersion: null },
  });
}

describe('advert lateness in the reports', () => {
  test('one line per sender and window', () => {
    expect(latenessLine(starved)).toBe(
      "server01's adverts while faulted: late by median 100 ms, p95 600 ms, max 800 ms (23 intervals of 1000 ms)",
    );
  });

  test('the terminal shows the lateness while faulted only', () => {
    const text = summariseScenario(scenarioResult({ advertLateness: [whole, starved] }));
    expect(text.split('\n').filter((l) => l.includes('adverts'))).toEqual([
      `  ${latenessLine(starved)}`,
    ]);
  });

  test('report.md and report.html: a table of every sender and window', () => {
    const md = renderMarkdown(report([whole, starved]));
    expect(md).toContain(
      [
        'Advert lateness (interval minus the advertised interval):',
        '',
        '| adverts of | over | intervals | advertised | late: median | p95 | max |',
        '|---|---|---:|---:|---:|---:|---:|',
        '| server01 | the run | 40 | 1000 ms | 0.3 ms | 600 ms | 800 ms |',
        '| server01 | while faulted | 23 | 1000 ms | 100 ms | 600 ms | 800 ms |',
      ].join('\n'),
    );
    const html = renderHtml(report([starved]));
    expect(html).toContain(
      '<tr><td>server01</td><td>while faulted</td><td>23</td><td>1000 ms</td><td>100 ms</td><td>600 ms</td><td>800 ms</td></tr>',
    );
    expect(renderMarkdown(report([]))).not.toContain('Advert lateness');
  });

  test('a simulated run measures it from the wire: the master on time, nobody faulted', async () => {
    const sim = await simReport(['poweroff-master.yaml']);
    const rows = sim.scenarios[0]!.advertLateness;
    expect(rows.find((l) => l.node === 'server01' && l.window === 'run')).toMatchObject({
      advertisedMs: 1000,
      medianMs: 0,
      maxMs: 0,
    });
  });
});

test('the terminal names a sender only when its p95 lateness reaches 5 % of its interval', () => {
  const quiet: AdvertLatenessRecord = { ...starved, node: 'server03', medianMs: 0, p95Ms: 23.9 };
  const text = summariseScenario(scenarioResult({ advertLateness: [starved, quiet] }));
  expect(text).toContain("server01's adverts while faulted: late by median 100 ms");
  expect(text).not.toContain("server03's adverts");
});
