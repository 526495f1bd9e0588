import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { buildReport } from '../../../src/report/build';
import { escapeLabelValue, renderMetrics } from '../../../src/report/metrics';
import type { Report } from '../../../src/report/model';
import type { SwitchoverRecord } from '../../../src/run/result';
import { GENERATED_AT, runOf, scenarioResult, simReport } from '../../fixtures/reports/builders';

const PROMTOOL = '/usr/bin/promtool';
// In CI a missing promtool fails (the test runs and cannot spawn it); elsewhere it is skipped.
const ci = process.env['CI'] === 'true';
const havePromtool = fs.existsSync(PROMTOOL) || ci;
if (!havePromtool)
  console.log(`${PROMTOOL} missing (apt-get install prometheus): skipping promtool check metrics`);

const switchover = (over: Partial<SwitchoverRecord>): SwitchoverRecord => ({
  vrid: 51,
  from: 'server01',
  to: 'server03',
  at: 10,
  gapSeconds: 3,
  reason: 'silence',
  duringSplitBrain: false,
  ...over,
});

/** The sample lines of one metric. */
const samples = (text: string, name: string): string[] =>
  text.split('\n').filter((l) => l.startsWith(`${name}{`) || l.startsWith(`${name} `));

let sim: Report;
beforeAll(async () => {
  sim = await simReport(['poweroff-master.yaml', 'split-brain.yaml']);
});

describe('renderMetrics', () => {
  test('every family with TYPE, UNIT and HELP before its samples; # EOF last', () => {
    const text = renderMetrics(sim);
    expect(text.endsWith('\n# EOF\n')).toBe(true);
    const lines = text.trimEnd().split('\n');
    expect(lines.filter((l) => l === '# EOF')).toHaveLength(1);
    for (const [name, unit] of [
      ['chaos_failover_gap_seconds', 'seconds'],
      ['chaos_split_brain_seconds', 'seconds'],
      ['chaos_client_downtime_seconds', 'seconds'],
      ['chaos_availability_ratio', 'ratio'],
      ['chaos_scenario_passed', null],
    ] as const) {
      const type = lines.indexOf(`# TYPE ${name} gauge`);
      expect(type).toBeGreaterThanOrEqual(0);
      expect(lines.some((l) => l.startsWith(`# HELP ${name} `))).toBe(true);
      if (unit) expect(lines[type + 1]).toBe(`# UNIT ${name} ${unit}`);
      else expect(lines.some((l) => l.startsWith(`# UNIT ${name}`))).toBe(false);
      // Samples follow their own metadata, never another family's.
      const first = lines.findIndex((l) => l.startsWith(`${name}{`));
      expect(first).toBeGreaterThan(type);
    }
  });

  test('the simulated figures: gap by new master, split brain, downtime, availability, verdict', () => {
    const text = renderMetrics(sim);
    const poweroff = sim.scenarios.find((s) => s.name === 'poweroff-master')!;
    const split = sim.scenarios.find((s) => s.name === 'split-brain')!;
    const gap = poweroff.switchovers[0]!;
    expect(samples(text, 'chaos_failover_gap_seconds')).toContain(
      `chaos_failover_gap_seconds{scenario="poweroff-master",vrid="51",node="${gap.to}"} ${gap.gapSeconds}`,
    );
    const splitTotal = split.splitBrain.reduce((s, b) => s + b.durationSeconds, 0);
    expect(splitTotal).toBeGreaterThan(0);
    expect(samples(text, 'chaos_split_brain_seconds')).toEqual([
      'chaos_split_brain_seconds{scenario="poweroff-master",vrid="51"} 0',
      `chaos_split_brain_seconds{scenario="split-brain",vrid="51"} ${splitTotal}`,
    ]);
    expect(samples(text, 'chaos_client_downtime_seconds')).toContain(
      `chaos_client_downtime_seconds{scenario="poweroff-master"} ${poweroff.sla.downtimeSeconds}`,
    );
    const ratio = Number(samples(text, 'chaos_availability_ratio')[0]!.replace(/^.*\} /, ''));
    expect(ratio).toBeCloseTo(poweroff.sla.availability! / 100, 8);
    expect(samples(text, 'chaos_scenario_passed')).toEqual([
      'chaos_scenario_passed{scenario="poweroff-master"} 1',
      'chaos_scenario_passed{scenario="split-brain"} 1',
    ]);
    expect(samples(text, 'chaos_run_timestamp_seconds')).toEqual([
      `chaos_run_timestamp_seconds ${Date.parse(GENERATED_AT) / 1000}`,
    ]);
  });

  test('the longest gap per (vrid, new master); a failed scenario passes 0', () => {
    const r = scenarioResult({
      name: 'flap',
      status: 'failed',
      passed: false,
      switchovers: [
        switchover({ gapSeconds: 3 }),
        switchover({ gapSeconds: 3.5, to: 'server01', from: 'server03' }),
        switchover({ gapSeconds: 4.25 }),
        switchover({ vrid: 52, gapSeconds: 1 }),
      ],
    });
    const text = renderMetrics(buildReport(runOf([r])));
    expect(samples(text, 'chaos_failover_gap_seconds')).toEqual([
      'chaos_failover_gap_seconds{scenario="flap",vrid="51",node="server01"} 3.5',
      'chaos_failover_gap_seconds{scenario="flap",vrid="51",node="server03"} 4.25',
      'chaos_failover_gap_seconds{scenario="flap",vrid="52",node="server03"} 1',
    ]);
    expect(samples(text, 'chaos_scenario_passed')).toEqual([
      'chaos_scenario_passed{scenario="flap"} 0',
    ]);
    // No generatedAt: no run timestamp rather than a made-up one.
    expect(samples(text, 'chaos_run_timestamp_seconds')).toEqual([]);
  });

  test('not measured is left out, never 0; a skipped scenario has no samples', () => {
    const skipped = scenarioResult({ name: 'skipped', status: 'skipped', steadyAt: null, end: 0 });
    const unprobed = scenarioResult({
      name: 'unprobed',
      file: 'u.yaml',
      probes: { intervalMs: 20, requests: 0, ok: 0, failed: 0, servedBy: {} },
    });
    const report = buildReport(runOf([skipped, unprobed]));
    expect(report.scenarios[1]!.sla.availability).toBeNull();
    const text = renderMetrics(report);
    expect(text).not.toContain('scenario="skipped"');
    expect(samples(text, 'chaos_availability_ratio')).toEqual([]);
    expect(samples(text, 'chaos_scenario_passed')).toEqual([
      'chaos_scenario_passed{scenario="unprobed"} 1',
    ]);
  });

  test('label values escape backslash, quote and newline; a repeated name gets its file', () => {
    expect(escapeLabelValue('a\\b"c\nd')).toBe('a\\\\b\\"c\\nd');
    const odd = scenarioResult({ name: 'say "hi"\\now\n', file: 'a.yaml' });
    const again = scenarioResult({ name: 'say "hi"\\now\n', file: 'b.yaml' });
    const text = renderMetrics(buildReport(runOf([odd, again])));
    expect(samples(text, 'chaos_scenario_passed')).toEqual([
      'chaos_scenario_passed{scenario="say \\"hi\\"\\\\now\\n"} 1',
      'chaos_scenario_passed{scenario="say \\"hi\\"\\\\now\\n (b.yaml)"} 1',
    ]);
  });
});

(havePromtool ? describe : describe.skip)('promtool check metrics', () => {
  const check = (text: string): { status: number | null; output: string } => {
    const r = spawnSync(PROMTOOL, ['check', 'metrics'], { input: text, encoding: 'utf8' });
    if (r.error) throw r.error;
    return { status: r.status, output: `${r.stdout}${r.stderr}` };
  };

  test('accepts the metrics of simulated runs and of odd names, with no lint problem', () => {
    const odd = scenarioResult({ name: 'say "hi"\\now\n', status: 'failed', passed: false });
    for (const report of [sim, buildReport(runOf([odd]), { generatedAt: GENERATED_AT })])
      expect(check(renderMetrics(report))).toEqual({ status: 0, output: '' });
  });

  test('is a real check: it rejects a broken label and a non-base unit', () => {
    expect(check('x{a="b\n"} 1\n').status).not.toBe(0);
    const lint = check('# HELP x_milliseconds t\n# TYPE x_milliseconds gauge\nx_milliseconds 1\n');
    expect(lint.status).not.toBe(0);
    expect(lint.output).toContain('base unit');
  });
});
