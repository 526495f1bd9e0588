import { buildReport } from '../../../src/report/build';
import { buildJournal, type Journal, type JournalRun } from '../../../src/report/journal';
import type { Report } from '../../../src/report/model';
import { renderDocuments } from '../../../src/report/run-directory';
import type { StepResult } from '../../../src/run/result';
import { GENERATED_AT, runOf, scenarioResult, simReport } from '../../fixtures/reports/builders';

const step = (over: Partial<StepResult> & Pick<StepResult, 'index' | 'kind'>): StepResult => ({
  description: `${over.kind} step ${over.index}`,
  start: null,
  end: null,
  outcome: 'skipped',
  ...over,
});

const at = (seconds: number): string =>
  new Date(Date.parse(GENERATED_AT) + seconds * 1000).toISOString().replace('Z', '+00:00');

/** What Chaos Toolkit's reporting reads of every run entry. */
function expectRunShape(run: JournalRun): void {
  expect(['action', 'probe']).toContain(run.activity.type);
  expect(typeof run.activity.name).toBe('string');
  expect(run.activity.provider.type).toBe('chaos');
  expect(['succeeded', 'failed']).toContain(run.status);
  expect(Number.isFinite(Date.parse(run.start))).toBe(true);
  expect(Date.parse(run.end)).toBeGreaterThanOrEqual(Date.parse(run.start));
  expect(run.duration).toBeCloseTo((Date.parse(run.end) - Date.parse(run.start)) / 1000, 3);
  expect(run).toHaveProperty('output');
}

function allRuns(j: Journal): JournalRun[] {
  return [
    ...(j.steady_states.before?.probes ?? []),
    ...j.run,
    ...(j.steady_states.after?.probes ?? []),
    ...j.rollbacks,
  ];
}

describe('journal.json from a simulated run (poweroff-master)', () => {
  let report: Report;
  let journal: Journal;
  beforeAll(async () => {
    report = await simReport(['poweroff-master.yaml']);
    journal = buildJournal(report);
  });

  test('the top-level keys Chaos Toolkit writes, a completed run that did not deviate', () => {
    expect(Object.keys(journal)).toEqual(
      expect.arrayContaining([
        'chaoslib-version',
        'platform',
        'node',
        'experiment',
        'start',
        'end',
        'duration',
        'status',
        'deviated',
        'steady_states',
        'run',
        'rollbacks',
      ]),
    );
    expect(journal['chaoslib-version']).toBeNull();
    expect(journal.status).toBe('completed');
    expect(journal.deviated).toBe(false);
    const sc = report.scenarios[0]!;
    expect(journal.start).toBe(at(0));
    expect(journal.duration).toBe(sc.end);
    expect(journal.end).toBe(at(sc.end));
    expect(journal.experiment.title).toBe('poweroff-master');
    expect(journal.experiment.tags).toEqual(['chaos', 'driver:sim']);
    expect(journal.chaos).toMatchObject({ driver: 'sim', clock: 'virtual', seed: 1 });
  });

  test('steady state before: reached, with the time the runner reached it', () => {
    const before = journal.steady_states.before!;
    expect(before.steady_state_met).toBe(true);
    expect(before.probes).toHaveLength(1);
    const probe = before.probes[0]!;
    expect(probe.activity.name).toBe('one VIP owner and the client served');
    expect(probe).toMatchObject({ status: 'succeeded', output: true, tolerance_met: true });
    expect(probe.end).toBe(at(report.scenarios[0]!.steadyAt!));
  });

  test('the method is the fault and heal steps as actions, waits as pauses', () => {
    const sc = report.scenarios[0]!;
    const actions = sc.steps.filter((s) => s.kind === 'fault' || s.kind === 'heal');
    expect(journal.experiment.method.map((a) => a.name)).toEqual(actions.map((s) => s.description));
    expect(journal.experiment.method.every((a) => a.type === 'action')).toBe(true);
    expect(journal.run.map((r) => r.activity.provider.step)).toEqual(
      actions.map((s) => s.index + 1),
    );
    // poweroff-master waits 5 s before the power-off.
    expect(journal.experiment.method[0]).toMatchObject({
      name: 'fault power-off server01',
      pauses: { before: 5 },
    });
    for (const [i, s] of actions.entries()) expect(journal.run[i]!.start).toBe(at(s.start!));
  });

  test('after: every expectation and objective as a probe, each within its tolerance', () => {
    const sc = report.scenarios[0]!;
    const after = journal.steady_states.after!;
    expect(after.steady_state_met).toBe(true);
    expect(after.probes).toHaveLength(sc.expectations.length + sc.slo!.checks.length);
    expect(after.probes.every((p) => p.tolerance_met === true)).toBe(true);
    const availability = after.probes.find((p) => p.activity.name.startsWith('objective avail'));
    expect(availability?.activity.tolerance).toEqual([sc.objectives!.availability, 100]);
    expect(availability?.output).toBeCloseTo(
      sc.slo!.checks.find((c) => c.objective === 'availability')!.actual,
      5,
    );
    const hypothesis = journal.experiment['steady-state-hypothesis'].probes.map((p) => p.name);
    for (const p of after.probes) expect(hypothesis).toContain(p.activity.name);
  });

  test('every run entry has the fields the reporting reads', () => {
    const runs = allRuns(journal);
    expect(runs.length).toBeGreaterThan(3);
    for (const run of runs) expectRunShape(run);
  });

  test('renderDocuments writes it as journal.json, JSON that reads back equal', () => {
    expect(JSON.parse(renderDocuments(report)['journal.json'])).toEqual(journal);
  });
});

describe('journal status and deviation', () => {
  const failedExpectation = scenarioResult({
    name: 'network-down',
    status: 'failed',
    passed: false,
    steadyAt: 1,
    end: 12,
    steps: [
      step({
        index: 0,
        kind: 'fault',
        description: 'fault network-down server01',
        start: 1,
        end: 1,
        outcome: 'done',
      }),
      step({
        index: 1,
        kind: 'expect',
        description: 'expect owner server03 within 5 s',
        start: 1,
        end: 6,
        outcome: 'failed',
        message: 'owners: none',
      }),
      step({ index: 2, kind: 'heal', description: 'heal network-down server01' }),
    ],
    expectations: [
      { step: 1, description: 'owner server03', passed: false, at: 6, message: 'owners: none' },
    ],
    rollback: [
      { fault: 'network-down server01', at: 6, ok: true },
      { fault: 'delay server02', at: 7.5, ok: false, error: 'tc: no such device' },
    ],
  });

  test('a failed expectation: completed, deviated, the skipped heal not in the run', () => {
    const j = buildJournal(buildReport(runOf([failedExpectation]), { generatedAt: GENERATED_AT }));
    expect(j).toMatchObject({
      status: 'completed',
      deviated: true,
      steady_states: { after: { steady_state_met: false } },
    });
    expect(j.steady_states.after!.probes[0]).toMatchObject({
      status: 'succeeded',
      output: false,
      tolerance_met: false,
      message: 'owners: none',
      start: at(1),
      end: at(6),
      duration: 5,
    });
    expect(j.run.map((r) => r.activity.name)).toEqual(['fault network-down server01']);
    expect(j.experiment.method.map((a) => a.name)).toEqual([
      'fault network-down server01',
      'heal network-down server01',
    ]);
  });

  test('rollbacks: each heal at the end, until the next one (the last until the end)', () => {
    const j = buildJournal(buildReport(runOf([failedExpectation]), { generatedAt: GENERATED_AT }));
    expect(j.experiment.rollbacks.map((a) => a.name)).toEqual([
      'heal network-down server01',
      'heal delay server02',
    ]);
    expect(j.rollbacks.map((r) => [r.status, r.start, r.end, r.duration])).toEqual([
      ['succeeded', at(6), at(7.5), 1.5],
      ['failed', at(7.5), at(12), 4.5],
    ]);
    expect(j.rollbacks[1]!.exception).toEqual(['tc: no such device']);
  });

  test('no steady state in time: failed, the steady state not met before', () => {
    const r = scenarioResult({
      status: 'error',
      passed: false,
      steadyAt: null,
      end: 30,
      error: { code: 'STEADY_STATE_TIMEOUT', message: 'no steady state after 30 s' },
    });
    const j = buildJournal(buildReport(runOf([r]), { generatedAt: GENERATED_AT }));
    expect(j).toMatchObject({
      status: 'failed',
      deviated: false,
      steady_states: { before: { steady_state_met: false }, after: null },
    });
    expect(j.steady_states.before!.probes[0]).toMatchObject({
      status: 'succeeded',
      tolerance_met: false,
      end: at(30),
    });
  });

  test('a step that failed: aborted, the action failed with its exception', () => {
    const r = scenarioResult({
      status: 'error',
      passed: false,
      end: 4,
      error: { code: 'DRIVER_FAILED', message: 'container gone' },
      steps: [
        step({
          index: 0,
          kind: 'fault',
          description: 'fault power-off server01',
          start: 2,
          end: 3,
          outcome: 'error',
          message: 'container gone',
        }),
      ],
    });
    const j = buildJournal(buildReport(runOf([r]), { generatedAt: GENERATED_AT }));
    expect(j.status).toBe('aborted');
    expect(j.run[0]).toMatchObject({
      status: 'failed',
      exception: ['container gone'],
      duration: 1,
    });
  });

  test('an interrupted run is interrupted, whatever its scenarios did', () => {
    const report = buildReport(runOf([scenarioResult()]), {
      generatedAt: GENERATED_AT,
      interrupted: 'SIGINT',
    });
    expect(buildJournal(report).status).toBe('interrupted');
  });

  test('several scenarios: one suite experiment, names prefixed, scenarios end to end', () => {
    const a = scenarioResult({ name: 'a', file: 'a.yaml', end: 10 });
    const b = { ...failedExpectation, file: 'b.yaml', name: 'b' };
    const j = buildJournal(buildReport(runOf([a, b]), { generatedAt: GENERATED_AT }));
    expect(j.experiment.title).toBe('chaos suite: 2 scenarios');
    expect(j.experiment.description).toBe('a, b');
    expect(j.duration).toBe(22);
    expect(j.chaos.scenarios.map((s) => [s.name, s.offsetSeconds, s.status])).toEqual([
      ['a', 0, 'passed'],
      ['b', 10, 'failed'],
    ]);
    expect(j.steady_states.before!.probes.map((p) => [p.activity.name, p.start])).toEqual([
      ['a: one VIP owner and the client served', at(0)],
      ['b: one VIP owner and the client served', at(10)],
    ]);
    expect(j.run[0]).toMatchObject({
      activity: { name: 'b: fault network-down server01' },
      start: at(11),
    });
    expect(j.deviated).toBe(true);
    for (const run of allRuns(j)) expectRunShape(run);
  });

  test('a skipped scenario ran nothing; a report without generatedAt starts at the epoch', () => {
    const r = scenarioResult({ status: 'skipped', steadyAt: null, end: 0 });
    const j = buildJournal(buildReport(runOf([r])));
    expect(j.start).toBe('1970-01-01T00:00:00.000+00:00');
    expect(j).toMatchObject({ status: 'completed', deviated: false, run: [], rollbacks: [] });
    expect(j.steady_states).toEqual({ before: null, after: null, during: [] });
  });
});
