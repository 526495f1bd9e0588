import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { memoryIO } from '../../../src/cli/io';
import { runCli } from '../../../src/cli/program';
import { buildReport } from '../../../src/report/build';
import type { BuildReportOptions } from '../../../src/report/build';
import { reportJsonSchema } from '../../../src/report/model';
import type { Report } from '../../../src/report/model';
import { loadReport, writeReportDocuments } from '../../../src/report/run-directory';
import type { RunResult } from '../../../src/run/result';
import { runOf, scenarioResult, simRun } from '../../fixtures/reports/builders';

/** What `chaos run` does with a finished run: build the report, write its documents. */
function writeRunDirectory(run: RunResult, out: string, options: BuildReportOptions = {}): Report {
  const report = buildReport(run, options);
  writeReportDocuments(report, out);
  return report;
}

async function cli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const io = memoryIO();
  const code = await runCli(args, io);
  return { code, out: io.out, err: io.err };
}

let tmp: string;
beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'chaos-report-'));
});
afterEach(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

const dir = (name: string): string => path.join(tmp, name);

describe('the run directory (buildReport + writeReportDocuments)', () => {
  test('writes the five documents, no temp files left', async () => {
    const { run, contexts } = await simRun(['poweroff-master.yaml']);
    const report = writeRunDirectory(run, dir('run'), { scenarios: contexts, generatedAt: 'now' });
    expect(fs.readdirSync(dir('run')).sort()).toEqual([
      'journal.json',
      'junit.xml',
      'report.html',
      'report.json',
      'report.md',
    ]);
    expect(loadReport(dir('run'))).toEqual(report);
    expect(loadReport(path.join(dir('run'), 'report.json'))).toEqual(report);
  });

  test('an interrupted run is marked and never passes', () => {
    const report = writeRunDirectory(runOf([scenarioResult()]), dir('run'), {
      interrupted: 'SIGINT',
    });
    expect(report).toMatchObject({ interrupted: true, interruption: 'SIGINT' });
    expect(report.run.passed).toBe(false);
    expect(fs.readFileSync(path.join(dir('run'), 'report.md'), 'utf8')).toContain('Interrupted');
  });

  test('a folder it cannot create is REPORT_WRITE_FAILED', () => {
    fs.writeFileSync(dir('file'), 'x');
    expect(() => writeRunDirectory(runOf([]), path.join(dir('file'), 'sub'))).toThrow(
      /REPORT_WRITE_FAILED/,
    );
  });
});

describe('chaos report', () => {
  const write = (name: string, report: unknown): string => {
    fs.mkdirSync(dir(name), { recursive: true });
    fs.writeFileSync(path.join(dir(name), 'report.json'), JSON.stringify(report));
    return dir(name);
  };

  test('--schema prints the JSON Schema', async () => {
    const { code, out } = await cli('report', '--schema');
    expect(code).toBe(0);
    expect(JSON.parse(out)).toEqual(reportJsonSchema());
  });

  test('re-renders a run directory in place (also from a plain RunResult)', async () => {
    const d = write('run', runOf([scenarioResult()]));
    const { code, out } = await cli('report', d);
    expect(code).toBe(0);
    expect(out).toContain('# chaos report');
    expect(fs.readdirSync(d).sort()).toEqual([
      'journal.json',
      'junit.xml',
      'report.html',
      'report.json',
      'report.md',
    ]);
    expect(loadReport(d).version).toBe(1);
    const journal = JSON.parse(fs.readFileSync(path.join(d, 'journal.json'), 'utf8')) as {
      status: string;
      experiment: { title: string };
    };
    expect(journal).toMatchObject({ status: 'completed', experiment: { title: 'x' } });
  });

  test('--metrics writes the (merged) report as OpenMetrics text', async () => {
    const a = write('shard-1', buildReport(runOf([scenarioResult({ name: 'a', file: 'a.yaml' })])));
    const b = write('shard-2', buildReport(runOf([scenarioResult({ name: 'b', file: 'b.yaml' })])));
    const prom = dir('chaos.prom');
    const { code } = await cli('report', a, b, '--out', dir('suite'), '--metrics', prom, '--quiet');
    expect(code).toBe(0);
    const text = fs.readFileSync(prom, 'utf8');
    expect(text.split('\n').filter((l) => l.startsWith('chaos_scenario_passed'))).toEqual([
      'chaos_scenario_passed{scenario="a"} 1',
      'chaos_scenario_passed{scenario="b"} 1',
    ]);
    expect(text.endsWith('# EOF\n')).toBe(true);
  });

  test('merges shards into one suite report; exit 1 when one failed', async () => {
    const a = write('shard-1', buildReport(runOf([scenarioResult({ name: 'a', file: 'a.yaml' })])));
    const b = write(
      'shard-2',
      buildReport(
        runOf([scenarioResult({ name: 'b', file: 'b.yaml', status: 'failed', passed: false })]),
      ),
    );
    const { code, out } = await cli('report', a, b, '--out', dir('merged'), '--quiet');
    expect(out).toBe('');
    expect(code).toBe(1);
    expect(loadReport(dir('merged')).suite.map((r) => r.name)).toEqual(['a', 'b']);
    expect(
      fs.readFileSync(path.join(dir('merged'), 'junit.xml'), 'utf8').match(/<testsuite /g),
    ).toHaveLength(2);
  });

  test('several directories need --out (exit 2); a missing report is exit 2', async () => {
    const a = write('a', runOf([]));
    expect((await cli('report', a, a)).code).toBe(2);
    const missing = await cli('report', dir('nope'));
    expect(missing.code).toBe(2);
    expect(missing.err).toContain('REPORT_NOT_FOUND');
  });

  test('--baseline: a regression is exit 1 with the figure in words', async () => {
    const outage = (d: number) => [{ start: 1, end: 1 + d, durationSeconds: d, failedRequests: 9 }];
    const base = write(
      'base',
      buildReport(runOf([scenarioResult({ outages: outage(3.6), downtimeSeconds: 3.6 })])),
    );
    const cur = write(
      'cur',
      buildReport(runOf([scenarioResult({ outages: outage(4.5), downtimeSeconds: 4.5 })])),
    );
    const { code, out } = await cli(
      'report',
      cur,
      '--baseline',
      base,
      '--max-regression',
      '10%,50ms',
    );
    expect(code).toBe(1);
    expect(out).toContain(
      'x: client downtime regressed 3.6 s -> 4.5 s (+900 ms, +25%), more than 10% and 50 ms',
    );
    expect((await cli('report', cur, '--max-regression', 'lots')).code).toBe(2);
  });

  test('--trend: a table and an SVG line per scenario', async () => {
    const runs = [3.6, 3.7, 4.1].map((d, i) =>
      write(
        `night-${i}`,
        buildReport(
          runOf([
            scenarioResult({
              name: 'poweroff-master',
              outages: [{ start: 1, end: 1 + d, durationSeconds: d, failedRequests: 9 }],
              downtimeSeconds: d,
            }),
          ]),
          { generatedAt: `2025-01-0${3 - i}T00:00:00Z` },
        ),
      ),
    );
    const { code, out } = await cli('report', '--trend', ...runs, '--out', dir('trend'));
    expect(code).toBe(0);
    expect(out).toContain(
      '| poweroff-master | 4.1 s / no switchover | 3.7 s / no switchover | 3.6 s / no switchover |',
    );
    const html = fs.readFileSync(path.join(dir('trend'), 'trend.html'), 'utf8');
    expect(html).toContain('data-trend="poweroff-master"');
    expect(html.match(/<circle data-point="downtimeSeconds"/g)).toHaveLength(3);
  });
});
