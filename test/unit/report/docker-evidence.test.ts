/**
 * Reports from real evidence: the fixture is a whole-suite `chaos run scenarios/ --driver docker`
 * run directory (report.json) with the poweroff-master evidence as the Docker driver stored it
 * (pcaps from every node's network namespace, prober.jsonl, the daemons' event logs).
 * The figures in the report must be what the raw evidence says, and `chaos report` must
 * re-render it without re-running.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { analyzePcapFiles } from '../../../src/capture/analyze-files';
import { memoryIO } from '../../../src/cli/io';
import { runCli } from '../../../src/cli/program';
import { loadReport } from '../../../src/report';

const DIR = path.join(__dirname, '../../fixtures/reports/docker-suite');
const EVIDENCE = path.join(DIR, 'poweroff-master');

const report = loadReport(DIR);
const poweroff = report.scenarios.find((s) => s.name === 'poweroff-master');

describe('a Docker run directory', () => {
  it('is a passed 12-scenario docker report with its environment', () => {
    expect(report.run.driver).toBe('docker');
    expect(report.scenarios).toHaveLength(12);
    expect(report.scenarios.every((s) => s.status === 'passed')).toBe(true);
    expect(report.environment.dockerVersion).toMatch(/^20\.10/);
    expect(poweroff).toBeDefined();
  });

  it('reports the switchover gap the stored pcaps show', async () => {
    const pcaps = fs
      .readdirSync(path.join(EVIDENCE, 'pcaps'))
      .map((f) => path.join(EVIDENCE, 'pcaps', f));
    const analysis = await analyzePcapFiles(pcaps);
    expect(analysis.switchovers).toHaveLength(1);
    const [sw] = analysis.switchovers;
    expect(sw).toMatchObject({ vrid: 51, from: '192.168.17.102', to: '192.168.17.101' });
    // The RFC bound is 3.609375 s; real keepalived measured 3.6096 s in the same lab.
    expect(sw!.gapSeconds).toBeCloseTo(3.609375, 1);
    expect(poweroff!.switchovers).toHaveLength(1);
    expect(poweroff!.switchovers[0]!.gapSeconds).toBeCloseTo(sw!.gapSeconds, 6);
  });

  it('reports the client outage prober.jsonl shows (first failure to the next success)', () => {
    const probes = fs
      .readFileSync(path.join(EVIDENCE, 'prober.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { t: number; ok: boolean })
      .sort((a, b) => a.t - b.t);
    const firstFail = probes.findIndex((p) => !p.ok);
    const nextOk = probes.findIndex((p, i) => i > firstFail && p.ok);
    expect(firstFail).toBeGreaterThan(0);
    expect(nextOk).toBeGreaterThan(firstFail);
    const seconds = (probes[nextOk]!.t - probes[firstFail]!.t) / 1000;
    expect(poweroff!.outages).toHaveLength(1);
    expect(poweroff!.outages[0]!.durationSeconds).toBeCloseTo(seconds, 3);
    expect(poweroff!.outages[0]!.failedRequests).toBe(nextOk - firstFail);
    // The client is down for less than the VRRP gap: the kill lands between two adverts.
    expect(seconds).toBeLessThan(poweroff!.switchovers[0]!.gapSeconds);
  });

  it('`chaos report` re-renders the four documents from report.json alone', async () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'chaos-rerender-'));
    try {
      const io = memoryIO();
      expect(await runCli(['report', DIR, '--out', out], io)).toBe(0);
      const md = fs.readFileSync(path.join(out, 'report.md'), 'utf8');
      expect(md).toContain('| poweroff-master | ✅ passed | 1 | 3.61102 s |');
      const junit = fs.readFileSync(path.join(out, 'junit.xml'), 'utf8');
      expect(junit.match(/<testsuite /g)).toHaveLength(12);
      const html = fs.readFileSync(path.join(out, 'report.html'), 'utf8');
      expect(html).toContain('<svg');
      expect(html).not.toMatch(/<script\b/);
    } finally {
      fs.rmSync(out, { recursive: true, force: true });
    }
  });
});
