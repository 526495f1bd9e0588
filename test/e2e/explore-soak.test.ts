/**
 * `chaos explore FILE --driver docker --duration 90s` through the built CLI: a short soak of the
 * course's lab with two kinds of fault on real containers. Each web node's daemon is sampled
 * (chaos-vrrpd's memory and CPU), the audit finds nothing left behind (no rule, helper or stray
 * process in a node, no labelled resource after teardown), and soak.json validates against its
 * schema. Needs a Docker engine: with CI=true a missing engine fails the test; elsewhere it
 * skips with a reason.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { soakSchema } from '../../src/explore/soak-model';
import { ROOT, chaos } from './cli';
import { describeWithDocker } from './requires';

describeWithDocker('chaos explore --driver docker (a soak)', () => {
  test('90 s of partitions and killed processes: daemons sampled, a clean audit', async () => {
    execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit' });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chaos-explore-soak-'));
    try {
      const r = await chaos([
        'explore',
        'scenarios/poweroff-master.yaml',
        '--driver',
        'docker',
        '--duration',
        '90s',
        '--faults',
        'partition,kill-process',
        '--max-faults',
        '2',
        '--seed',
        '3',
        '--out',
        dir,
      ]);
      // 0 clean, 1 an invariant broke (what the soak is for); never bad input or infrastructure.
      if (r.code !== 0 && r.code !== 1) throw new Error(`exit ${r.code}\n${r.out}\n${r.err}`);
      const doc = soakSchema.parse(
        JSON.parse(fs.readFileSync(path.join(dir, 'soak.json'), 'utf8')),
      );
      expect(doc.interrupted).toBeNull();
      expect(doc.pieces.map((p) => p.status)).not.toContain('error');
      expect(doc.faultsApplied).toBeGreaterThan(0);
      for (const node of ['server01', 'server03']) {
        const mine = doc.samples.filter((s) => s.node === node);
        // Every 5 s for 90 s, less the nodes' own outages.
        expect(mine.length).toBeGreaterThanOrEqual(10);
        expect(mine.every((s) => s.impl === 'chaos' && s.rssKb > 10_000)).toBe(true);
        const d = doc.daemons.find((x) => x.node === node);
        expect(d?.growthPerHour).not.toBeNull();
        expect(d?.cpuPercent).toBeGreaterThan(0);
      }
      expect(doc.audit).toEqual([]);
      expect(r.code).toBe(doc.verdict.passed ? 0 : 1);
      const html = fs.readFileSync(path.join(dir, 'soak.html'), 'utf8');
      expect(html).toContain('<path data-daemon="server01"');
      expect(fs.readFileSync(path.join(dir, 'soak.md'), 'utf8')).toContain('## Audit');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
