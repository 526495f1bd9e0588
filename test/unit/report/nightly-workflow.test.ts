import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { ROOT } from '../../fixtures/reports/builders';

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  if?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
  id?: string;
}
interface Workflow {
  name: string;
  on: { schedule: { cron: string }[]; workflow_dispatch: unknown };
  permissions: Record<string, string>;
  jobs: Record<string, { 'runs-on': string; steps: Step[] }>;
}

const text = fs.readFileSync(path.join(ROOT, '.github/workflows/nightly.yml'), 'utf8');
const wf = parse(text) as Workflow;
const steps = Object.values(wf.jobs).flatMap((j) => j.steps);
const uses = (prefix: string): Step | undefined => steps.find((s) => s.uses?.startsWith(prefix));
const runs = (pattern: RegExp): Step | undefined => steps.find((s) => pattern.test(s.run ?? ''));

describe('.github/workflows/nightly.yml', () => {
  test('scheduled and dispatchable', () => {
    expect(wf.on.schedule[0]?.cron).toMatch(/^(\S+\s+){4}\S+$/);
    expect(wf.on).toHaveProperty('workflow_dispatch');
  });

  test('one ubuntu job with the named actions and steps, in order', () => {
    const job = Object.values(wf.jobs)[0]!;
    expect(job['runs-on']).toBe('ubuntu-latest');
    const order = [
      uses('actions/checkout@'),
      uses('actions/setup-node@'),
      runs(/^npm ci$/m),
      runs(/npm run build/),
      runs(/ensure-docker\.sh/),
      runs(/seed-base-image\.sh/),
      runs(/gh run download/),
      runs(/main\.js run scenarios\/ --driver docker --out/),
      uses('mikepenz/action-junit-report@'),
      runs(/GITHUB_STEP_SUMMARY/),
      uses('actions/upload-artifact@'),
    ];
    for (const s of order) expect(s).toBeDefined();
    const idx = order.map((s) => steps.indexOf(s!));
    expect(idx).toEqual([...idx].sort((a, b) => a - b));
    expect(uses('actions/setup-node@')?.with?.['node-version']).toBe(20);
  });

  test('the run gets the baseline; reports are published even when it fails', () => {
    expect(runs(/main\.js run/)?.run).toMatch(/--baseline "\$BASELINE"/);
    for (const s of [
      uses('mikepenz/'),
      runs(/GITHUB_STEP_SUMMARY/),
      uses('actions/upload-artifact@'),
    ])
      expect(s?.if).toBe('always()');
    expect(uses('mikepenz/')?.with?.report_paths).toBe('runs/nightly/junit.xml');
    expect(uses('actions/upload-artifact@')?.with).toMatchObject({
      name: 'nightly-report',
      path: 'runs/nightly',
    });
    expect(runs(/gh run download/)?.run).toContain('--name nightly-report');
    expect(wf.permissions).toMatchObject({ actions: 'read', checks: 'write' });
  });
});
