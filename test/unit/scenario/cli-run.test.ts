import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { cli } from '../cli-helpers';
import { parseReport, runResultOf } from '../../../src/report';
import type { RunResult } from '../../../src/run/result';
import { scenarioJsonSchema } from '../../../src/scenario/schema';

const ROOT = path.join(__dirname, '../../..');
const SCENARIOS = path.join(ROOT, 'scenarios');

let tmp: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'chaos-run-'));
});
afterAll(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

function write(name: string, text: string): string {
  const file = path.join(tmp, name);
  fs.writeFileSync(file, text);
  return file;
}

const shipped = fs
  .readdirSync(SCENARIOS)
  .filter((f) => f.endsWith('.yaml'))
  .sort();

describe('schema/scenario.schema.json', () => {
  test('is what `chaos validate --schema` emits (regenerate: validate --schema, then prettier)', async () => {
    const committed: unknown = JSON.parse(
      fs.readFileSync(path.join(ROOT, 'schema/scenario.schema.json'), 'utf8'),
    );
    const { code, out } = await cli('validate', '--schema');
    expect(code).toBe(0);
    expect(JSON.parse(out)).toEqual(committed);
    expect(committed).toEqual(scenarioJsonSchema());
  });
});

describe('chaos validate', () => {
  test('every shipped scenario is valid', async () => {
    expect(shipped.length).toBe(18);
    const { code, out, err } = await cli('validate', SCENARIOS);
    expect(err).toBe('');
    expect(code).toBe(0);
    expect(out.trim().split('\n')).toEqual(shipped.map((f) => `ok ${path.join(SCENARIOS, f)}`));
  });

  test('the problems of all files, exit 2 (rules run once the schema passes)', async () => {
    const bad = write('bad.yaml', 'name: bad\nsteps:\n  - wait: soon\n  - fault: pause\n');
    const good = path.join(SCENARIOS, 'poweroff-master.yaml');
    const { code, out, err } = await cli('validate', bad, good, path.join(tmp, 'nope.yaml'));
    expect(code).toBe(2);
    expect(out).toBe(`ok ${good}\n`);
    expect(err.trim().split('\n')).toEqual([
      `${bad}:3:11: steps[0].wait: not a duration (write a number and a unit: 300ms, 5s, 2m): "soon"`,
      `${path.join(tmp, 'nope.yaml')}:1:1: no such scenario file`,
    ]);
  });
});

describe('chaos run --driver sim', () => {
  test('every shipped scenario passes (database-down is skipped with a notice)', async () => {
    const { code, out, err } = await cli('run', SCENARIOS, '--driver', 'sim', '--json');
    expect(err).toBe('');
    expect(code).toBe(0);
    const run = JSON.parse(out) as RunResult;
    expect(run.scenarios.map((s) => `${s.name} ${s.status}`)).toEqual(
      shipped.map(
        (f) => `${f.replace('.yaml', '')} ${f === 'database-down.yaml' ? 'skipped' : 'passed'}`,
      ),
    );
    const by = (name: string) => run.scenarios.find((s) => s.name === name)!;
    // The RFC bounds, exactly, in virtual time.
    expect(by('poweroff-master').switchovers.map((s) => [s.from, s.to, s.gapSeconds])).toEqual([
      ['server01', 'server03', 3.609375],
    ]);
    expect(by('graceful-stop').switchovers[0]?.gapSeconds).toBe(0.609375);
    // 0.1 s is not a binary fraction: v3 times are exact to the last bits only.
    expect(by('vrrpv3-fast').switchovers[0]?.gapSeconds).toBeCloseTo(0.3609375, 12);
    expect(by('split-brain').splitBrain.map((b) => b.nodes)).toEqual([['server03', 'server01']]);
    expect(by('unicast-no-split-brain').splitBrain).toEqual([]);
    // A flapping link on a preempting master: down, the backup takes over after exactly
    // Master_Down_Interval; up, it preempts back. Three flaps, six switchovers.
    const flaps = by('flapping-link').switchovers;
    expect(flaps.map((s) => `${s.from}>${s.to} ${s.reason}`)).toEqual(
      Array(3).fill(['server01>server03 silence', 'server03>server01 preempted']).flat(),
    );
    expect(flaps.filter((s) => s.reason === 'silence').map((s) => s.gapSeconds)).toEqual([
      3.609375, 3.609375, 3.609375,
    ]);
    // Another team's router on VRID 51: the lab's routers drop its adverts (address list), it
    // drops theirs: two groups on one VRID, no switchover, no split brain, the VIP stays.
    expect(by('vrid-collision').switchovers).toEqual([]);
    expect(by('vrid-collision').splitBrain).toEqual([]);
    expect(by('vrid-collision').outages).toEqual([]);
    expect(by('flapping-link').steps[2]?.description).toBe(
      'fault network-down server01 (flapping: 5 s on, 5 s off, 3 times)',
    );
    expect(by('database-down').notice).toMatch(/docker driver only/);
    // Rollback healed what the scenario left applied (none of the shipped ones leaves a fault).
    expect(run.scenarios.every((s) => s.rollback.every((r) => r.ok))).toBe(true);
  });

  test('the same seed gives the same JSON; --out writes report.json', async () => {
    const file = path.join(SCENARIOS, 'split-brain.yaml');
    const a = await cli('run', file, '--driver', 'sim', '--seed', '7', '--json');
    const out = path.join(tmp, 'out');
    const b = await cli('run', file, '--driver', 'sim', '--seed', '7', '--json', '--out', out);
    expect(a.code).toBe(0);
    expect(b.out).toBe(a.out);
    // report.json is the versioned report: the run result of --json plus what the report adds.
    const report = parseReport(
      JSON.parse(fs.readFileSync(path.join(out, 'report.json'), 'utf8')),
      'report.json',
    );
    expect(runResultOf(report)).toMatchObject(JSON.parse(a.out) as RunResult);
  });

  test('a failing expectation exits 1 and says what failed in plain words; faults are rolled back', async () => {
    const file = write(
      'fails.yaml',
      [
        'name: fails',
        'steps:',
        '  - wait: 5s',
        '  - fault: power-off',
        '    node: server01',
        '  - expect: { vipOwner: server03, within: 2s }',
        '  - wait: 1s',
      ].join('\n'),
    );
    const { code, out } = await cli('run', file, '--driver', 'sim');
    expect(code).toBe(1);
    expect(out).toContain(`FAIL fails (${file})\n`);
    expect(out).toContain(
      '  failed: step 3: expected VIP 192.168.17.200 owned by server03 alone within 2 s, but owners: none\n',
    );
    expect(out).toContain('0 passed, 1 failed (sim driver, seed 1)\n');
    const json = JSON.parse((await cli('run', file, '--driver', 'sim', '--json')).out) as RunResult;
    const r = json.scenarios[0]!;
    expect(r.steps.map((s) => s.outcome)).toEqual(['done', 'done', 'failed', 'skipped']);
    expect(r.rollback).toEqual([{ fault: 'power-off server01', at: r.end, ok: true }]);
  });

  test('--out writes journal.json; --metrics the OpenMetrics text, atomically', async () => {
    const file = write(
      'deviates.yaml',
      'name: deviates\nsteps:\n  - fault: power-off\n    node: server01\n  - expect: { vipOwner: server03, within: 1s }\n',
    );
    const out = path.join(tmp, 'deviates');
    const metrics = path.join(tmp, 'metrics', 'chaos.prom');
    fs.mkdirSync(path.dirname(metrics));
    const { code } = await cli('run', file, '--driver', 'sim', '--out', out, '--metrics', metrics);
    expect(code).toBe(1);
    const journal = JSON.parse(fs.readFileSync(path.join(out, 'journal.json'), 'utf8')) as {
      status: string;
      deviated: boolean;
      rollbacks: { activity: { name: string }; status: string }[];
    };
    expect(journal).toMatchObject({ status: 'completed', deviated: true });
    expect(journal.rollbacks.map((r) => [r.activity.name, r.status])).toEqual([
      ['heal power-off server01', 'succeeded'],
    ]);
    expect(fs.readdirSync(path.dirname(metrics))).toEqual(['chaos.prom']);
    const text = fs.readFileSync(metrics, 'utf8');
    expect(text).toContain('chaos_scenario_passed{scenario="deviates"} 0\n');
    expect(text.endsWith('# EOF\n')).toBe(true);
  });

  test('a fault the simulator cannot model is refused before the run, exit 2', async () => {
    const file = write(
      'pause.yaml',
      'name: p\nsteps:\n  - fault: pause\n    node: server01\n  - fault: power-off\n    node: server02\n',
    );
    const { code, err } = await cli('run', file, '--driver', 'sim');
    expect(code).toBe(2);
    expect(err).toContain('(SIM_FAULT_UNSUPPORTED)');
    expect(err).toContain(`${file}: step 1: pause: the simulator cannot freeze a node`);
    expect(err).toContain(`${file}: step 2: power-off on server02: server02 is the mysql node`);
  });

  test('invalid scenarios: exit 2 with every diagnostic, nothing run', async () => {
    const file = write('inv.yaml', 'name: i\nsteps: []\n');
    const { code, out, err } = await cli('run', file, '--driver', 'sim');
    expect(code).toBe(2);
    expect(out).toBe('');
    expect(err).toContain(`${file}:2:8: steps: Too small`);
  });

  test('--driver docker without a reachable engine: exit 3, suggesting --driver sim', async () => {
    const saved = process.env['DOCKER_HOST'];
    process.env['DOCKER_HOST'] = `unix://${path.join(tmp, 'no-such-docker.sock')}`;
    try {
      const out = path.join(tmp, 'no-docker');
      const { code, err } = await cli('run', SCENARIOS, '--driver', 'docker', '--out', out);
      expect(code).toBe(3);
      expect(err).toContain('DOCKER_UNAVAILABLE');
      expect(err).toContain('--driver sim');
    } finally {
      if (saved === undefined) delete process.env['DOCKER_HOST'];
      else process.env['DOCKER_HOST'] = saved;
    }
  });
});

describe('chaos run --out and --baseline (sim driver)', () => {
  const scenario = path.join(SCENARIOS, 'poweroff-master.yaml');

  test('--out writes the four reports; the same run as baseline shows no regression', async () => {
    const first = path.join(tmp, 'run-1');
    expect((await cli('run', scenario, '--driver', 'sim', '--out', first)).code).toBe(0);
    for (const f of ['report.json', 'report.md', 'junit.xml', 'report.html'])
      expect(fs.existsSync(path.join(first, f))).toBe(true);
    const report = JSON.parse(fs.readFileSync(path.join(first, 'report.json'), 'utf8')) as {
      version: number;
      interrupted: boolean;
    };
    expect(report.version).toBe(1);
    expect(report.interrupted).toBe(false);

    const second = path.join(tmp, 'run-2');
    const { code, err } = await cli(
      'run',
      scenario,
      '--driver',
      'sim',
      '--out',
      second,
      '--baseline',
      first,
    );
    expect(code).toBe(0);
    expect(err).toContain('no regression');
  });

  test('a baseline with a much shorter outage makes the run fail (exit 1) and says by how much', async () => {
    const base = path.join(tmp, 'run-base');
    expect((await cli('run', scenario, '--driver', 'sim', '--out', base)).code).toBe(0);
    // Make the baseline 2 s better than what the simulator measures.
    const file = path.join(base, 'report.json');
    const text = fs.readFileSync(file, 'utf8');
    const doctored = text.replace(
      /"downtimeSeconds": ([0-9.]+)/g,
      (_m, v: string) => `"downtimeSeconds": ${Math.max(0, Number(v) - 2)}`,
    );
    expect(doctored).not.toBe(text);
    fs.writeFileSync(file, doctored);
    const { code, err } = await cli(
      'run',
      scenario,
      '--driver',
      'sim',
      '--out',
      path.join(tmp, 'run-3'),
      '--baseline',
      base,
    );
    expect(code).toBe(1);
    expect(err).toMatch(/regression: .*poweroff-master/);
  });

  test('a missing baseline is bad input (exit 2) before anything runs', async () => {
    const { code, err } = await cli(
      'run',
      scenario,
      '--driver',
      'sim',
      '--baseline',
      path.join(tmp, 'nope'),
    );
    expect(code).toBe(2);
    expect(err).toContain('nope');
  });
});
