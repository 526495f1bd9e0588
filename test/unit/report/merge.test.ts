import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { memoryIO } from '../../../src/cli/io';
import { runCli } from '../../../src/cli/program';
import { buildReport } from '../../../src/report/build';
import { renderMarkdown } from '../../../src/report/markdown';
import { mergeReports, missingShards, type MergeInput } from '../../../src/report/merge';
import type { Report } from '../../../src/report/model';
import { loadReport } from '../../../src/report/run-directory';
import type { ScenarioResult } from '../../../src/run/result';
import { runOf, scenarioDir, scenarioResult } from '../../fixtures/reports/builders';

/** Shard `index`/`total` holding the scenario files given. */
function shard(index: number, total: number, files: string[], over: Partial<ScenarioResult> = {}) {
  const run = runOf(
    files.map((f) => scenarioResult({ name: path.basename(f, '.yaml'), file: f, ...over })),
  );
  return { report: buildReport(run, { shard: { index, total } }), where: `shard-${index}` };
}
const names = (r: Report): string[] => r.suite.map((s) => s.name);

describe('mergeReports: shards of one suite', () => {
  test('shards given in any order merge in the shard rule order (files sorted by path)', () => {
    // shardScenarios deals a.yaml c.yaml e.yaml to 1/2, b.yaml d.yaml to 2/2.
    const m = mergeReports(
      [shard(2, 2, ['s/b.yaml', 's/d.yaml']), shard(1, 2, ['s/a.yaml', 's/c.yaml', 's/e.yaml'])],
      'now',
    );
    expect(names(m)).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(m).toMatchObject({
      shard: null,
      interrupted: false,
      interruption: null,
      generatedAt: 'now',
      baseline: null,
      run: { passed: true, counts: { passed: 5, failed: 0, skipped: 0, error: 0 } },
    });
  });

  test('a missing shard: interrupted, named, never passed', () => {
    const m = mergeReports([shard(1, 4, ['a.yaml']), shard(3, 4, ['c.yaml'])]);
    expect(m.interrupted).toBe(true);
    expect(m.run.passed).toBe(false);
    expect(m.interruption).toBe('shards 2/4, 4/4 missing: their scenarios did not run');
    expect(renderMarkdown(m)).toContain(
      '> The run was interrupted (shards 2/4, 4/4 missing: their scenarios did not run)',
    );
    expect(missingShards([shard(1, 2, []), shard(2, 2, [])])).toEqual([]);
  });

  test('an interrupted shard keeps its reason beside the missing ones', () => {
    const cut = shard(1, 3, ['a.yaml']);
    const r: MergeInput = {
      ...cut,
      report: { ...cut.report, interrupted: true, interruption: 'SIGINT' },
    };
    expect(mergeReports([r, shard(2, 3, ['b.yaml'])]).interruption).toBe(
      'shard-1: SIGINT; shard 3/3 missing: its scenarios did not run',
    );
  });

  test('a failed scenario in one shard fails the merge', () => {
    const m = mergeReports([
      shard(1, 2, ['a.yaml']),
      shard(2, 2, ['b.yaml'], { status: 'failed', passed: false }),
    ]);
    expect(m.run.passed).toBe(false);
    expect(m.run.counts).toEqual({ passed: 1, failed: 1, skipped: 0, error: 0 });
    expect(m.interrupted).toBe(false);
  });

  test.each([
    [
      'the same shard twice',
      [shard(1, 2, ['a.yaml']), { ...shard(1, 2, ['b.yaml']), where: 'again' }],
      'shard 1/2 is both shard-1 and again: the shards overlap (REPORT_SHARD_OVERLAP)',
    ],
    [
      'different N',
      [shard(1, 2, ['a.yaml']), shard(2, 3, ['b.yaml'])],
      'shard-2 is shard 2/3 but shard-1 one of 2: not one suite (REPORT_SHARD_MISMATCH)',
    ],
    [
      'a whole run among shards',
      [shard(1, 2, ['a.yaml']), { report: buildReport(runOf([])), where: 'whole' }],
      'whole is a whole run, shard-1 a shard: merge shards with shards (REPORT_SHARD_MISMATCH)',
    ],
    [
      'another seed',
      [
        shard(1, 2, ['a.yaml']),
        {
          where: 'shard-2',
          report: buildReport({ ...runOf([]), seed: 7 }, { shard: { index: 2, total: 2 } }),
        },
      ],
      'shard-1 ran with seed 1 but shard-2 with 7: not one suite (REPORT_SHARD_MISMATCH)',
    ],
  ])('%s is an error', (_, inputs, message) => {
    expect(() => mergeReports(inputs as MergeInput[])).toThrow(message);
  });

  test('one whole run is returned as it is; a lone shard is a suite missing the others', () => {
    const whole = { report: buildReport(runOf([scenarioResult()])), where: 'run' };
    expect(mergeReports([whole], 'later')).toEqual({ ...whole.report, generatedAt: 'later' });
    const one = shard(2, 4, ['b.yaml']);
    expect(renderMarkdown(one.report)).toContain('(docker driver, seed 1, shard 2/4)');
    expect(mergeReports([one])).toMatchObject({
      shard: null,
      interrupted: true,
      interruption: 'shards 1/4, 3/4, 4/4 missing: their scenarios did not run',
      run: { passed: false },
    });
    expect(() => mergeReports([])).toThrow(/REPORT_MERGE_EMPTY/);
  });
});

describe('chaos run --shard on the simulator, merged by chaos report', () => {
  let tmp: string;
  beforeAll(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'chaos-merge-'));
  });
  afterAll(() => {
    fs.rmSync(tmp, { recursive: true, force: true });
  });
  const cli = async (...args: string[]): Promise<number> => runCli(args, memoryIO());

  test('two shards of a scenario directory merge into what one unsharded run reports', async () => {
    const dir = scenarioDir(path.join(tmp, 'scenarios'), [
      'graceful-stop',
      'kill-nginx',
      'nopreempt',
      'poweroff-master',
      'split-brain',
    ]);
    const out = (name: string): string => path.join(tmp, name);
    const run = (...extra: string[]) => cli('run', dir, '--driver', 'sim', '--json', ...extra);

    expect(await run('--out', out('whole'))).toBe(0);
    expect(await run('--shard', '1/2', '--out', out('s1'))).toBe(0);
    expect(await run('--shard', '2/2', '--out', out('s2'))).toBe(0);
    expect(await cli('report', out('s2'), out('s1'), '--out', out('merged'), '--quiet')).toBe(0);

    const [whole, s1, s2, merged] = ['whole', 's1', 's2', 'merged'].map((d) => loadReport(out(d)));
    expect(names(s1!)).toEqual(['graceful-stop', 'nopreempt', 'split-brain']);
    expect(names(s2!)).toEqual(['kill-nginx', 'poweroff-master']);
    expect(s1!.shard).toEqual({ index: 1, total: 2 });
    expect(merged!.shard).toBeNull();
    // Same scenarios, same order, same results.
    expect(merged!.scenarios).toEqual(whole!.scenarios);
    expect(merged!.suite).toEqual(whole!.suite);
    expect(merged!.run).toEqual(whole!.run);
    expect(merged!.interrupted).toBe(false);

    // One shard alone: re-rendered in place it stays a shard; merged (--out) it is a suite
    // with shard 2/2 missing, which fails.
    expect(await cli('report', out('s1'), '--quiet')).toBe(0);
    expect(loadReport(out('s1')).shard).toEqual({ index: 1, total: 2 });
    expect(await cli('report', out('s1'), '--out', out('lone'), '--quiet')).toBe(1);
    expect(loadReport(out('lone')).interruption).toBe(
      'shard 2/2 missing: its scenarios did not run',
    );
  }, 60_000);
});
