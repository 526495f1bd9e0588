/**
 * `chaos explore --replay DIR` and explore.html: the verdict per finding from its run
 * (reproduced, not reproduced, refused, error), the replay files, the exit codes, and the
 * minimal runs' timelines in explore.html. The simulator replays here; test/e2e/explore-replay
 * replays on Docker.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { memoryIO } from '../../../src/cli/io';
import { runCli } from '../../../src/cli/program';
import { exploreSchema } from '../../../src/explore/model';
import {
  replayDocument,
  replayMarkdown,
  replaySchema,
  replayVerdict,
} from '../../../src/explore/replay';
import type { ScenarioResult } from '../../../src/run/result';

const ROOT = path.join(__dirname, '../../..');
const COURSE = path.join(ROOT, 'scenarios/poweroff-master.yaml');

async function cli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const io = memoryIO();
  const code = await runCli(args, io);
  return { code, out: io.out, err: io.err };
}

let tmp: string;
let course: string;
beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'chaos-replay-'));
  course = path.join(tmp, 'course');
  // 200 runs of the course's lab find slo violations (a stranded client) among others.
  const r = await cli('explore', COURSE, '--runs', '200', '--out', course);
  expect(r.code).toBe(1);
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** A result with only what the verdict reads. */
function result(over: Partial<ScenarioResult>): ScenarioResult {
  return {
    status: 'passed',
    expectations: [],
    steps: [],
    slo: null,
    switchovers: [],
    splitBrain: [],
    downtimeSeconds: 0,
    ...over,
  } as unknown as ScenarioResult;
}

describe('replay verdicts', () => {
  test('a failed run reproduced the finding: its failed checks are what it saw', () => {
    const v = replayVerdict(
      result({
        status: 'failed',
        expectations: [
          { step: 1, description: 'vipOwner', passed: true, at: 1, message: 'ok' },
          { step: 3, description: 'no split brain', passed: false, at: 9, message: 'two owners' },
        ],
        slo: {
          passed: false,
          downtimeSeconds: 9,
          projectedDowntimeSecondsPerYear: null,
          checks: [
            {
              objective: 'maxDowntime',
              target: 4,
              actual: 9,
              passed: false,
              message: 'too long',
            },
          ],
        },
      }),
    );
    expect(v).toEqual({ verdict: 'reproduced', observed: 'two owners; too long' });
  });

  test.each([
    ['passed', 'not-reproduced'],
    ['skipped', 'refused'],
    ['error', 'error'],
  ] as const)('a run that %s: %s', (status, verdict) => {
    expect(replayVerdict(result({ status, notice: 'why' })).verdict).toBe(verdict);
  });

  test('a finding the suite never ran is an error', () => {
    expect(replayVerdict(undefined).verdict).toBe('error');
  });

  test('on Docker the table says that a finding not reproduced is about the simulator', () => {
    const doc = exploreSchema.parse(
      JSON.parse(fs.readFileSync(path.join(course, 'explore.json'), 'utf8')),
    );
    const [first, second] = doc.violations;
    const runs = new Map([
      [first!.file, { result: result({ status: 'passed' }), runDir: 'replay-docker/x' }],
      [second!.file, { result: result({ status: 'failed' }), runDir: null }],
    ]);
    const replay = replayDocument({ ...doc, violations: [first!, second!] }, 'docker', runs);
    expect(replay.counts).toEqual({ reproduced: 1, 'not-reproduced': 1, refused: 0, error: 0 });
    const md = replayMarkdown(replay);
    expect(md).toContain(`[${first!.file}](replay-docker/x) | NOT reproduced`);
    expect(md).toMatch(/1 finding\(s\) the simulator made did not happen on Docker/);
    expect(replayMarkdown({ ...replay, driver: 'sim' })).not.toMatch(/did not happen on Docker/);
  });
});

describe('chaos explore --replay (simulator)', () => {
  test('every finding replays exactly: reproduced, exit 1, files and evidence written', async () => {
    const r = await cli('explore', '--replay', course, '--driver', 'sim');
    expect(r.code).toBe(1);
    const doc = exploreSchema.parse(
      JSON.parse(fs.readFileSync(path.join(course, 'explore.json'), 'utf8')),
    );
    const replay = replaySchema.parse(
      JSON.parse(fs.readFileSync(path.join(course, 'replay-sim.json'), 'utf8')),
    );
    expect(replay.findings.map((f) => f.file)).toEqual(doc.violations.map((v) => v.file));
    expect(replay.counts.reproduced).toBe(doc.violations.length);
    for (const f of replay.findings) {
      expect(fs.existsSync(path.join(course, f.runDir!, 'report.json'))).toBe(true);
      // The simulator sees again what it saw while exploring (an slo finding, the same outage).
      if (f.invariant === 'slo') expect(f.observed).toContain(f.simulator);
    }
    expect(fs.readFileSync(path.join(course, 'replay-sim.md'), 'utf8')).toMatch(
      /reproduced, 0 not reproduced/,
    );
  });

  test('--only replays the findings named', async () => {
    const r = await cli('explore', '--replay', course, '--driver', 'sim', '--only', 'slo-1');
    expect(r.code).toBe(1);
    const replay = replaySchema.parse(
      JSON.parse(fs.readFileSync(path.join(course, 'replay-sim.json'), 'utf8')),
    );
    expect(replay.findings.map((f) => f.file)).toEqual(['violations/slo-1.yaml']);
  });

  test.each([
    [['--replay', '/nonexistent-chaos-dir'], /not a chaos explore folder/],
    [['--only', 'slo-999'], /no finding 'slo-999'/],
    [['--driver', 'vm'], /the driver is docker or sim/],
  ])('bad input %j: exit 2', async (args, message) => {
    const r = await cli('explore', '--replay', course, ...args);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
  });

  test('a folder with no findings: exit 2', async () => {
    const none = path.join(tmp, 'none');
    const r = await cli(
      'explore',
      COURSE,
      '--runs',
      '2',
      '--faults',
      'power-off',
      '--invariants',
      'single-master',
      '--out',
      none,
    );
    expect(r.code).toBe(0);
    const replay = await cli('explore', '--replay', none, '--driver', 'sim');
    expect(replay.code).toBe(2);
    expect(replay.err).toMatch(/has no findings to replay \(EXPLORE_REPLAY_BAD_DIR\)$/m);
  });
});

describe('explore.html', () => {
  test('one section per finding with its minimal run drawn, nothing fetched', () => {
    const html = fs.readFileSync(path.join(course, 'explore.html'), 'utf8');
    const doc = exploreSchema.parse(
      JSON.parse(fs.readFileSync(path.join(course, 'explore.json'), 'utf8')),
    );
    const sections = [...html.matchAll(/<section data-finding="([^"]+)">/g)].map((m) => m[1]);
    expect(sections).toEqual(doc.violations.map((v) => path.basename(v.file, '.yaml')));
    expect((html.match(/<svg data-timeline/g) ?? []).length).toBe(doc.violations.length);
    // A finding's fault is drawn as a marker on its timeline; the web nodes are its rows.
    expect(html).toMatch(/data-marker="fault"/);
    expect(html).toMatch(/data-band="vip" data-node="server0[13]"/);
    expect(html).not.toMatch(/data-node="prober"/);
    expect(html).toContain("default-src 'none'");
  });
});
