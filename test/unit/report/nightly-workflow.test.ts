/**
 * .github/workflows/nightly.yml: checked by a real validator (action-validator, the schema of
 * GitHub workflows plus job references), then for what a schema cannot know: the matrix and
 * the `--shard I/N` arguments agree, the merge job waits for every shard and downloads what
 * they upload, the flags given to chaos are flags chaos has, the baseline round trip.
 *
 * The validator is the devDependency @action-validator/cli (node_modules/.bin/action-validator);
 * ACTION_VALIDATOR=path overrides where it is looked for.
 */
import { createLogger } from '../../../src/cli/logger';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { memoryIO } from '../../../src/cli/io';
import { buildProgram, runCli } from '../../../src/cli/program';
import { loadReport } from '../../../src/report/run-directory';
import { describeIfBuilt } from '../../fixtures/built-cli';
import { ROOT, scenarioDir } from '../../fixtures/reports/builders';

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  if?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
  id?: string;
}
interface Job {
  name?: string;
  'runs-on': string;
  needs?: string | string[];
  if?: string;
  permissions?: Record<string, string>;
  strategy?: { 'fail-fast'?: boolean; matrix?: Record<string, unknown> };
  env?: Record<string, string>;
  steps: Step[];
}
interface Workflow {
  name: string;
  on: {
    schedule: { cron: string }[];
    workflow_dispatch: { inputs: Record<string, { default?: string }> };
  };
  permissions: Record<string, string>;
  jobs: Record<string, Job>;
}

const FILE = path.join(ROOT, '.github/workflows/nightly.yml');
const text = fs.readFileSync(FILE, 'utf8');
const wf = parse(text) as Workflow;
const jobs = Object.entries(wf.jobs);

/** The job that runs `chaos run --shard`, and the one that runs `chaos report`. */
const script = (s: Step): string => (s.run ?? '').replace(/\\\n\s*/g, ' ');
const jobRunning = (pattern: RegExp): [string, Job] => {
  const found = jobs.find(([, j]) => j.steps.some((s) => pattern.test(script(s))));
  if (!found) throw new Error(`no job runs ${String(pattern)}`);
  return found;
};
const [shardId, shardJob] = jobRunning(/main\.js run .*--shard/);
const [reportId, reportJob] = jobRunning(/main\.js report /);
const stepOf = (job: Job, pattern: RegExp | string): Step => {
  const s = job.steps.find((st) =>
    typeof pattern === 'string' ? st.uses?.startsWith(pattern) : pattern.test(script(st)),
  );
  if (!s) throw new Error(`no step ${String(pattern)}`);
  return s;
};
const indexOf = (job: Job, pattern: RegExp | string): number =>
  job.steps.indexOf(stepOf(job, pattern));

/** `chaos <command> ...` lines of the workflow: the command and its long flags. */
function chaosInvocations(): { command: string; flags: string[] }[] {
  return jobs.flatMap(([, j]) =>
    j.steps.flatMap((s) =>
      [...script(s).matchAll(/dist\/src\/cli\/main\.js (\S+)([^\n]*)/g)].map((m) => ({
        command: m[1]!,
        flags: [...(m[2] ?? '').matchAll(/(--[a-z][a-z-]*)/g)].map((f) => f[1]!),
      })),
    ),
  );
}

function validatorBin(): string {
  return (
    process.env.ACTION_VALIDATOR ?? path.join(ROOT, 'node_modules', '.bin', 'action-validator')
  );
}

function validate(file: string): { status: number | null; output: string } {
  const bin = validatorBin();
  if (!fs.existsSync(bin))
    throw new Error(
      `${bin} is missing: the devDependency @action-validator/cli is not installed (npm install -D @action-validator/cli@0.6.0)`,
    );
  const r = spawnSync(bin, [file], { encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

describe('nightly.yml passes action-validator', () => {
  test('the workflow as committed: exit 0, no errors', () => {
    const r = validate(FILE);
    expect(r.output).toBe('');
    expect(r.status).toBe(0);
  });

  test('the validator is not a rubber stamp: a needs on a missing job fails', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chaos-nightly-'));
    try {
      const broken = path.join(dir, 'nightly.yml');
      fs.writeFileSync(broken, text.replace(`needs: ${shardId}`, `needs: ${shardId}s`));
      const r = validate(broken);
      expect(r.status).toBe(1);
      expect(r.output).toContain(`unresolved job ${shardId}s`);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the shard matrix', () => {
  const matrix = shardJob.strategy?.matrix?.shard as unknown[];
  const run = script(stepOf(shardJob, /--shard/));
  const n = Number(/--shard "\$\{\{ matrix\.shard \}\}\/(\d+)"/.exec(run)?.[1]);

  test('matrix.shard is 1..N and --shard passes matrix.shard/N with the same N', () => {
    expect(n).toBeGreaterThan(1);
    expect(matrix).toEqual(Array.from({ length: n }, (_, k) => k + 1));
    expect(shardJob.name).toBe(`shard \${{ matrix.shard }}/${n}`);
    expect(text).toContain(`--shard I/${n}\` for I = 1..${n}`); // the header comment
    expect(text).toContain(`the \`/${n}\` of \`--shard\``);
  });

  test('every shard runs to the end, on Docker, the whole scenario directory', () => {
    expect(shardJob.strategy?.['fail-fast']).toBe(false);
    expect(run).toMatch(/main\.js run scenarios\/ --driver docker /);
    expect(run).toContain('--out "$RUN_DIR"');
    expect(run).not.toContain('--baseline'); // the merged report is compared, not a shard
    expect(shardJob.env?.RUN_DIR).toBe('runs/shard-${{ matrix.shard }}');
  });

  test('installs what the suite needs as scripts/setup.sh does, before running', () => {
    const order = [
      indexOf(shardJob, 'actions/checkout@'),
      indexOf(shardJob, 'actions/setup-node@'),
      indexOf(shardJob, /ensure-docker\.sh/),
      indexOf(shardJob, /scripts\/setup\.sh/),
      indexOf(shardJob, /--shard/),
      indexOf(shardJob, 'actions/upload-artifact@'),
    ];
    expect(order).toEqual([...order].sort((a, b) => a - b));
    expect(stepOf(shardJob, /scripts\/setup\.sh/).env).not.toHaveProperty('CHAOS_SKIP_DOCKER');
    expect(stepOf(shardJob, 'actions/setup-node@').with?.['node-version']).toBe(20);
  });

  test('each shard uploads its run directory, also when it failed', () => {
    const upload = stepOf(shardJob, 'actions/upload-artifact@');
    expect(upload.if).toBe('always()');
    expect(upload.with).toMatchObject({
      name: 'shard-${{ matrix.shard }}',
      path: '${{ env.RUN_DIR }}',
    });
    expect(shardJob.permissions).toEqual({ contents: 'read' });
  });
});

describe('the merge job', () => {
  const download = stepOf(reportJob, 'actions/download-artifact@');
  const merge = script(stepOf(reportJob, /main\.js report /));

  test('needs every shard and runs when one failed (not when cancelled)', () => {
    expect([reportJob.needs].flat()).toEqual([shardId]);
    expect(reportJob.if).toMatch(/!cancelled\(\)|always\(\)/);
    expect(reportId).not.toBe(shardId);
  });

  test('downloads every shard artifact, one folder each, and merges them all', () => {
    const pattern = String(download.with?.pattern);
    const glob = new RegExp(`^${pattern.replace(/\*/g, '.*')}$`);
    const n = (shardJob.strategy?.matrix?.shard as number[]).length;
    for (let i = 1; i <= n; i++) expect(`shard-${i}`).toMatch(glob);
    // merge-multiple would put every shard's report.json in one folder, each over the last.
    expect(download.with).not.toHaveProperty('merge-multiple');
    // One folder per artifact, or flat when only one matched: report.json at depth 1 or 2.
    expect(merge).toContain(`find ${String(download.with?.path)} -maxdepth 2 -name report.json`);
    expect(merge).toMatch(/main\.js report "\$\{reports\[@\]\}" /);
    expect(merge).toContain('--out "$RUN_DIR"');
    expect(reportJob.env?.RUN_DIR).toBe('runs/nightly');
  });

  test('compares with the last good night: fetched by the name it is uploaded under', () => {
    const fetch = script(stepOf(reportJob, /gh run download/));
    expect(fetch).toContain('--status success');
    expect(fetch).toContain('--name nightly-report');
    expect(merge).toMatch(/--baseline "\$BASELINE" --max-regression "\$MAX_REGRESSION"/);
    expect(indexOf(reportJob, /gh run download/)).toBeLessThan(
      indexOf(reportJob, /main\.js report/),
    );
    const upload = stepOf(reportJob, 'actions/upload-artifact@');
    expect(upload.with).toMatchObject({ name: 'nightly-report', path: reportJob.env?.RUN_DIR });
  });

  test('publishes JUnit and the step summary from the merged run, even when it failed', () => {
    const junit = stepOf(reportJob, 'mikepenz/action-junit-report@');
    const summary = stepOf(reportJob, /GITHUB_STEP_SUMMARY/);
    expect(junit.with?.report_paths).toBe(`${reportJob.env?.RUN_DIR}/junit.xml`);
    expect(summary.run).toContain('cat "$RUN_DIR/report.md" >> "$GITHUB_STEP_SUMMARY"');
    for (const s of [junit, summary, stepOf(reportJob, 'actions/upload-artifact@')])
      expect(s.if).toBe('always()');
    expect(indexOf(reportJob, /main\.js report/)).toBeLessThan(indexOf(reportJob, 'mikepenz/'));
  });

  test('permissions: the merge job may read runs and write the check; the rest read only', () => {
    expect(wf.permissions).toEqual({ contents: 'read' });
    expect(reportJob.permissions).toEqual({ contents: 'read', actions: 'read', checks: 'write' });
    expect(stepOf(reportJob, /scripts\/setup\.sh/).env).toMatchObject({ CHAOS_SKIP_DOCKER: '1' });
  });
});

describe('the workflow calls chaos as chaos is', () => {
  test('scheduled and dispatchable; a manual run defaults to what a night uses', () => {
    expect(wf.on.schedule[0]?.cron).toMatch(/^(\S+\s+){4}\S+$/);
    const fallback = /\|\| '([^']+)'/.exec(reportJob.env?.MAX_REGRESSION ?? '')?.[1];
    expect(wf.on.workflow_dispatch.inputs['max-regression']?.default).toBe(fallback);
    expect(fallback).toBe('10%,50ms');
  });

  test('every command and flag it passes exists in the CLI', () => {
    const io = memoryIO();
    const log = createLogger({
      write: (t) => io.stderr(t),
      format: () => 'text',
      now: () => new Date(0),
    });
    const program = buildProgram({ io, log, setExit: () => {} });
    const calls = chaosInvocations();
    expect(calls.map((c) => c.command).sort()).toEqual(['report', 'run']);
    for (const { command, flags } of calls) {
      const cmd = program.commands.find((c) => c.name() === command);
      const known = new Set(cmd?.options.map((o) => o.long));
      expect(flags.filter((f) => !known.has(f))).toEqual([]);
    }
  });
});

// The merge step's script as written, in bash, on the run directories of simulated shards laid
// out as actions/download-artifact leaves them (one folder per artifact, or flat for one).
describeIfBuilt("running the merge step's script")("the merge step's script", () => {
  const n = (shardJob.strategy?.matrix?.shard as number[]).length;
  const mergeScript = stepOf(reportJob, /main\.js report /).run!;
  // What `${{ inputs.max-regression || '10%,50ms' }}` is on a scheduled night.
  const MAX_REGRESSION = /\|\| '([^']+)'/.exec(reportJob.env?.MAX_REGRESSION ?? '')?.[1];
  let tmp: string;
  beforeAll(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'chaos-nightly-merge-'));
    const dir = scenarioDir(path.join(tmp, 'scenarios'), [
      'graceful-stop',
      'kill-nginx',
      'nopreempt',
      'poweroff-master',
      'preempt',
    ]);
    const run = (...args: string[]) => runCli(['run', dir, '--driver', 'sim', ...args], memoryIO());
    expect(await run('--out', path.join(tmp, 'whole'))).toBe(0);
    for (let i = 1; i <= n; i++)
      expect(await run('--shard', `${i}/${n}`, '--out', path.join(tmp, 'runs', `shard-${i}`))).toBe(
        0,
      );
  }, 60_000);
  afterAll(() => {
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  /** A workspace with dist/ and the given shard folders under shards/ (flat: the one alone). */
  function runScript(
    shards: number[],
    flat = false,
    baseline = '',
  ): { status: number | null; ws: string } {
    const ws = fs.mkdtempSync(path.join(tmp, 'ws-'));
    fs.symlinkSync(path.join(ROOT, 'dist'), path.join(ws, 'dist'));
    for (const i of shards)
      fs.cpSync(
        path.join(tmp, 'runs', `shard-${i}`),
        path.join(ws, 'shards', flat ? '' : `shard-${i}`),
        {
          recursive: true,
        },
      );
    const r = spawnSync('bash', ['-c', mergeScript], {
      cwd: ws,
      encoding: 'utf8',
      env: { ...process.env, RUN_DIR: reportJob.env?.RUN_DIR, MAX_REGRESSION, BASELINE: baseline },
    });
    if (r.status !== 0 && r.status !== 1)
      console.log(`merge step: exit ${r.status}\n${r.stdout}${r.stderr}`);
    return { status: r.status, ws };
  }
  const merged = (ws: string) => loadReport(path.join(ws, reportJob.env!.RUN_DIR!));

  test('all shards: the report of one unsharded run, compared with the baseline', () => {
    const all = Array.from({ length: n }, (_, k) => k + 1);
    const whole = loadReport(path.join(tmp, 'whole'));
    const { status, ws } = runScript(all, false, path.join(tmp, 'whole', 'report.json'));
    expect(status).toBe(0);
    expect(merged(ws).scenarios).toEqual(whole.scenarios);
    expect(merged(ws).baseline).toMatchObject({ regressed: false });
  });

  test('a shard missing: interrupted, naming it, exit 1; one shard alone (flat) too', () => {
    const some = runScript([1, 2, 4].filter((i) => i <= n));
    expect(some.status).toBe(1);
    expect(merged(some.ws).interruption).toMatch(/^shards? .*3\/\d+.* missing/);
    const lone = runScript([2], true);
    expect(lone.status).toBe(1);
    expect(merged(lone.ws).interruption).toContain('missing');
  });
});
