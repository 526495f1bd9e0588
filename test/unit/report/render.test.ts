import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { buildReport, parseReport, reconcile } from '../../../src/report/build';
import { mergeReports } from '../../../src/report/merge';
import { renderHtml } from '../../../src/report/html';
import { renderJunit, xmlEscape } from '../../../src/report/junit';
import { renderMarkdown } from '../../../src/report/markdown';
import { reportJsonSchema, reportSchema, type Report } from '../../../src/report/model';
import { renderDocuments } from '../../../src/report/run-directory';
import { buildTimeline } from '../../../src/report/timeline';
import {
  GENERATED_AT,
  ROOT,
  runOf,
  scenarioResult,
  simReport,
} from '../../fixtures/reports/builders';

const XSD = path.join(ROOT, 'test/fixtures/reports/junit-jenkins.xsd');
const committedSchema = JSON.parse(
  fs.readFileSync(path.join(ROOT, 'schema/report.schema.json'), 'utf8'),
) as Record<string, unknown>;

let sim: Report;
beforeAll(async () => {
  sim = await simReport(['poweroff-master.yaml', 'split-brain.yaml', 'database-down.yaml']);
});

/** A failed scenario with an error budget, an ongoing outage and a skipped step. */
function failedReport(): Report {
  return buildReport(
    runOf([
      scenarioResult({
        name: 'network-down',
        file: 'scenarios/network-down.yaml',
        status: 'failed',
        passed: false,
        failure:
          'step 2: expected VIP 192.168.17.200 owned by server03 within 5 s, but owners: none',
        steps: [
          {
            index: 0,
            kind: 'fault',
            description: 'fault network-down server01',
            start: 5,
            end: 5,
            outcome: 'done',
          },
          {
            index: 1,
            kind: 'expect',
            description: 'expect VIP 192.168.17.200 owned by server03 alone within 5 s',
            start: 5,
            end: 10,
            outcome: 'failed',
            message:
              'expected VIP 192.168.17.200 owned by server03 alone within 5 s, but owners: none <&>',
          },
          {
            index: 2,
            kind: 'expect',
            description: 'expect server01 in state BACKUP',
            start: null,
            end: null,
            outcome: 'skipped',
          },
        ],
        outages: [{ start: 5.02, end: null, durationSeconds: 5.98, failedRequests: 299 }],
        downtimeSeconds: 5.98,
        probes: {
          intervalMs: 20,
          requests: 550,
          ok: 251,
          failed: 299,
          servedBy: { server01: 251 },
        },
        steadyAt: 0,
        end: 11,
        slo: {
          passed: false,
          downtimeSeconds: 5.98,
          projectedDowntimeSecondsPerYear: null,
          checks: [
            { objective: 'maxDowntime', target: 4, actual: 5.98, passed: false, message: '' },
          ],
        },
      }),
    ]),
    { generatedAt: GENERATED_AT, interrupted: 'SIGINT' },
  );
}

describe('report.json and its JSON Schema', () => {
  test('schema/report.schema.json is reportJsonSchema() (regenerate: chaos report --schema, then prettier)', () => {
    expect(committedSchema).toEqual(reportJsonSchema());
  });

  test('the reports the code emits validate against the committed schema', () => {
    const validator = z.fromJSONSchema(committedSchema);
    for (const report of [sim, failedReport()]) {
      const json: unknown = JSON.parse(renderDocuments(report)['report.json']);
      const r = validator.safeParse(json);
      if (!r.success) throw new Error(JSON.stringify(r.error.issues.slice(0, 3)));
      expect(reportSchema.parse(json)).toEqual(report);
      expect(parseReport(json, 'x')).toEqual(report);
    }
  });

  test('the committed schema rejects what is not a report', () => {
    const validator = z.fromJSONSchema(committedSchema);
    const json = JSON.parse(JSON.stringify(sim)) as Record<string, unknown>;
    expect(validator.safeParse({ ...json, version: 2 }).success).toBe(false);
    expect(validator.safeParse({ ...json, suite: [{ name: 1 }] }).success).toBe(false);
  });

  test('a plain RunResult (chaos run --json) reads as a report; other versions do not', () => {
    const run = runOf([scenarioResult()]);
    const report = parseReport(JSON.parse(JSON.stringify(run)), 'old.json');
    expect(report.version).toBe(1);
    expect(report.scenarios[0]?.sla.availability).toBe(100);
    expect(() => parseReport({ ...report, version: 9 }, 'r.json')).toThrow(
      'r.json is report version 9; this chaos reads version 1 (REPORT_VERSION_UNSUPPORTED)',
    );
    expect(() => parseReport({ nope: 1 }, 'r.json')).toThrow(/REPORT_INVALID/);
  });
});

describe('built from the simulator', () => {
  test('SLA, reconciliation, suite rows of poweroff-master', () => {
    const pm = sim.scenarios[0]!;
    expect(pm.sla.budget).toMatchObject({ secondsPerYear: 3153.6, secondsPerMonth: 262.8 });
    expect(pm.sla.projection).toMatchObject({
      incidentsPerYear: 12,
      downtimeSecondsPerYear: 42.96,
    });
    expect(pm.sla.verdict).toBe('pass');
    expect(pm.reconciliation).toEqual([
      expect.objectContaining({
        differenceSeconds: -0.029375,
        switchover: expect.objectContaining({ gapSeconds: 3.609375 }),
      }),
    ]);
    expect(pm.lab?.nodes.find((n) => n.name === 'server01')?.vrrp).toBe('chaos');
    expect(sim.suite.map((r) => [r.name, r.status, r.worstGapSeconds, r.downtimeSeconds])).toEqual([
      ['poweroff-master', 'passed', 3.609375, 3.58],
      ['split-brain', 'passed', null, 37.98],
      ['database-down', 'skipped', null, null],
    ]);
  });

  test('the timeline has state, VIP and prober bands, markers and split brain', () => {
    const t = sim.scenarios[0]!.timeline!;
    expect(t.nodes.map((n) => [n.name, n.source])).toEqual([
      ['server01', 'vip samples'],
      ['server03', 'vip samples'],
    ]);
    const s01 = t.nodes[0]!;
    expect(s01.states?.some((b) => b.state === 'MASTER')).toBe(true);
    expect(s01.vip?.[0]?.start).toBeLessThan(6.1);
    expect(t.probes?.some((b) => !b.ok)).toBe(true);
    expect(t.markers.map((m) => m.kind)).toEqual(['fault', 'heal']);
    const sb = sim.scenarios[1]!.timeline!;
    expect(sb.splitBrain).toEqual([
      { start: 9.61328125, end: 14.61328125, nodes: ['server03', 'server01'] },
    ]);
    expect(sim.scenarios[2]!.timeline).toBeNull();
  });

  test('without evidence: the prober band from the outages; nodes not measured', () => {
    const r = scenarioResult({
      outages: [{ start: 10, end: 13.6, durationSeconds: 3.6, failedRequests: 180 }],
    });
    const t = buildTimeline(r, undefined, ['server01']);
    expect(t?.probeSource).toBe('client outages');
    expect(t?.probes).toEqual([
      { start: 1, end: 10, ok: true },
      { start: 10, end: 13.6, ok: false },
      { start: 13.6, end: 101, ok: true },
    ]);
    expect(t?.nodes).toEqual([{ name: 'server01', states: null, vip: null, source: null }]);
    const html = renderHtml(buildReport(runOf([r])));
    expect(html).toContain('data-not-measured="true" data-row="VRRP nodes"');
    expect(html).toMatch(/data-band="probe" data-ok="false"/);
  });

  test('daemon events and master periods as sources', () => {
    const r = scenarioResult({ end: 20 });
    const fromEvents = buildTimeline(r, {
      events: [
        { node: 'server01', t: 0.5, event: 'state', to: 'BACKUP' },
        { node: 'server01', t: 4, event: 'state', to: 'MASTER' },
        { node: 'server01', t: 4, event: 'vip-add', vips: ['192.168.17.200'] },
        { node: 'server01', t: 9, event: 'vip-remove', vips: ['192.168.17.200'] },
      ],
    });
    expect(fromEvents?.nodes[0]).toEqual({
      name: 'server01',
      states: [
        { start: 0.5, end: 4, state: 'BACKUP' },
        { start: 4, end: 20, state: 'MASTER' },
      ],
      vip: [{ start: 4, end: 9 }],
      source: 'daemon events',
    });
    const fromAdverts = buildTimeline(r, {
      masterPeriods: [{ node: 'server03', start: 2, end: 5 }],
    });
    expect(fromAdverts?.nodes[0]?.states).toEqual([
      { start: 0, end: 2, state: 'not MASTER' },
      { start: 2, end: 5, state: 'MASTER' },
      { start: 5, end: 20, state: 'not MASTER' },
    ]);
    expect(fromAdverts?.nodes[0]?.vip).toBeNull();
  });
});

describe('report.md', () => {
  test('a failed, interrupted run', () => {
    expect(renderMarkdown(failedReport())).toMatchInlineSnapshot(`
     "# chaos report

     ⚠️ **Interrupted**: 0 passed, 1 failed (docker driver, seed 1)

     > The run was interrupted (SIGINT): this report holds what was gathered until then.

     | scenario | verdict | switchovers | worst VRRP gap | client downtime | availability | SLO |
     |---|---|---:|---:|---:|---:|---|
     | network-down | ❌ failed | 0 | none | 5.98 s | 45.636364% | fail |

     ## Scenarios

     ### ❌ failed: network-down

     \`scenarios/network-down.yaml\`

     **Failed:** step 2: expected VIP 192.168.17.200 owned by server03 within 5 s, but owners: none

     Expectations: 0 of 2 held (1 not run).
     - ❌ step 2: expected VIP 192.168.17.200 owned by server03 alone within 5 s, but owners: none &lt;&>

     Client: downtime 5.98 s in 1 outage; availability 45.636364% over 11 s (550 requests, 299 failed).
     - ❌ objective maxDowntime: longest client outage 5.98 s exceeds the maximum 4 s

     Reconciliation (prober vs VRRP):
     - client outage of 5.98 s from 5.02 s with no VRRP switchover: not explained by a failover

     <sub>chaos not measured, Docker not measured, Node not measured, 2025-01-02T03:04:05.000Z</sub>
     "
    `);
  });

  test('the simulator suite: table and sections', () => {
    const md = renderMarkdown(sim);
    expect(md).toContain(
      '| poweroff-master | ✅ passed | 1 | 3.609375 s | 3.58 s | 80.752688% | pass |',
    );
    expect(md).toContain('| database-down | ⏭️ skipped | – | – | – | – | none |');
    expect(md).toContain('Error budget of 99.99%: 52.56 min a year, 4.38 min a month');
    expect(md).toContain(
      'client outage 3.58 s vs VRRP gap 3.609375 s (server01 -> server03): 29.375 ms shorter than the VRRP gap',
    );
  });
});

describe('junit.xml', () => {
  const xmllint = (() => {
    try {
      execFileSync('xmllint', ['--version'], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  })();

  function validate(xml: string): void {
    if (!xmllint) {
      if (process.env.CI === 'true')
        throw new Error('xmllint missing in CI (apt-get install libxml2-utils)');
      console.warn('xmllint not installed: junit.xml checked structurally only');
      return;
    }
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chaos-junit-'));
    const file = path.join(dir, 'junit.xml');
    fs.writeFileSync(file, xml);
    try {
      execFileSync('xmllint', ['--noout', '--schema', XSD, file], { stdio: 'pipe' });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }

  test('validates against the Jenkins JUnit schema', () => {
    validate(renderJunit(sim));
    validate(renderJunit(failedReport()));
    validate(renderJunit(buildReport(runOf([]))));
  });

  test('one testsuite per scenario, one testcase per expectation and objective', () => {
    const xml = renderJunit(failedReport());
    expect(xml).toMatchInlineSnapshot(`
     "<?xml version="1.0" encoding="UTF-8"?>
     <testsuites name="chaos (interrupted)" tests="3" failures="2" errors="0" time="11.000">
       <testsuite name="network-down" tests="3" failures="2" errors="0" skipped="1" time="11.000" timestamp="2025-01-02T03:04:05" file="scenarios/network-down.yaml">
         <properties>
           <property name="file" value="scenarios/network-down.yaml"/>
           <property name="driver" value="docker"/>
           <property name="status" value="failed"/>
           <property name="client downtime (s)" value="5.98"/>
           <property name="availability (%)" value="45.636363636"/>
         </properties>
         <testcase name="step 2: expect VIP 192.168.17.200 owned by server03 alone within 5 s" classname="chaos.network-down" time="5.000">
           <failure message="expected VIP 192.168.17.200 owned by server03 alone within 5 s, but owners: none &lt;&amp;&gt;" type="expectation">expected VIP 192.168.17.200 owned by server03 alone within 5 s, but owners: none &lt;&amp;&gt;</failure>
         </testcase>
         <testcase name="step 3: expect server01 in state BACKUP" classname="chaos.network-down" time="0.000">
           <skipped message="not run: an earlier step failed" type="not-run">not run: an earlier step failed</skipped>
         </testcase>
         <testcase name="objective maxDowntime" classname="chaos.network-down" time="0.000">
           <failure message="longest client outage 5.98 s exceeds the maximum 4 s" type="objective">longest client outage 5.98 s exceeds the maximum 4 s</failure>
         </testcase>
         <system-out>step 2: expected VIP 192.168.17.200 owned by server03 within 5 s, but owners: none</system-out>
       </testsuite>
     </testsuites>
     "
    `);
  });

  test('structure of the simulator suite', () => {
    const xml = renderJunit(sim);
    expect(xml.match(/<testsuite /g)).toHaveLength(3);
    expect(xml).toContain('<testsuites name="chaos" tests="16" failures="0" errors="0"');
    expect(xml.match(/<testcase name="objective/g)).toHaveLength(2);
    expect(xml).not.toMatch(/<testsuites[^>]* skipped=/);
  });

  test('escapes XML and drops characters XML cannot hold', () => {
    expect(xmlEscape('a<b>&"c\'\u0001')).toBe('a&lt;b&gt;&amp;&quot;c&apos;\ufffd');
  });
});

describe('report.html', () => {
  test('self-contained: no script, no external reference, a CSP that forbids fetching', () => {
    const html = renderHtml(sim);
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
    expect(html).toContain("default-src 'none'");
  });

  test('the timeline bands carry data attributes', () => {
    const html = renderHtml(sim);
    expect(html).toContain('data-timeline="true" data-scenario="poweroff-master"');
    expect(html).toMatch(/data-band="state" data-node="server01" data-state="MASTER"/);
    expect(html).toMatch(/data-band="vip" data-node="server03"/);
    expect(html).toMatch(/data-band="probe" data-ok="false"/);
    expect(html).toMatch(/data-band="split-brain"/);
    expect(html).toMatch(/data-marker="fault"/);
  });

  test('an interrupted run says so', () => {
    expect(renderHtml(failedReport())).toContain('data-interrupted="true"');
  });
});

describe('merging shards', () => {
  test('scenarios and counts combine; an overlap is an error', () => {
    const a = buildReport(runOf([scenarioResult({ name: 'a', file: 'a.yaml' })]));
    const b = buildReport(
      runOf([scenarioResult({ name: 'b', file: 'b.yaml', status: 'failed', passed: false })]),
    );
    const m = mergeReports(
      [
        { report: a, where: 'shard-1' },
        { report: b, where: 'shard-2' },
      ],
      GENERATED_AT,
    );
    expect(m.suite.map((r) => r.name)).toEqual(['a', 'b']);
    expect(m.run.counts).toEqual({ passed: 1, failed: 1, skipped: 0, error: 0 });
    expect(m.run.passed).toBe(false);
    expect(() =>
      mergeReports([
        { report: a, where: 'shard-1' },
        { report: a, where: 'shard-2' },
      ]),
    ).toThrow(
      'scenario a.yaml is in both shard-1 and shard-2: the shards overlap (REPORT_SHARD_OVERLAP)',
    );
  });

  test('reconcile: no switchover in the outage', () => {
    expect(
      reconcile(
        scenarioResult({ outages: [{ start: 1, end: 2, durationSeconds: 1, failedRequests: 50 }] }),
      )[0]?.message,
    ).toBe('client outage of 1 s from 1 s with no VRRP switchover: not explained by a failover');
  });
});
