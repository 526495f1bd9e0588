/**
 * cpu-starve on real containers, measured on the wire. The lab `starve`
 * (test/fixtures/labs/starve.yaml: the seed's 1 s VRRPv2 adverts, server01 master at priority
 * 150) comes up with `chaos lab up`; server03 sends 50 requests a second to the VIP (the
 * scenario prober's load, which is what spends a starved master's quota) and captures VRRP.
 * `chaos fault cpu-starve server01` cuts server01's CFS quota to 0.02 CPU from the host; a later
 * `chaos heal cpu-starve server01`, another process, restores what it was. Checked: during the
 * fault server01's adverts arrive late by whole CFS periods where before they were on time, the
 * backup never takes over, and after the heal the container's CPU limit (HostConfig and the
 * cgroup's own files) is what it was before and the adverts are on time again; a second heal
 * changes nothing.
 *
 * Needs a Docker engine (requires.ts): with CI=true a missing one fails the suite; elsewhere the
 * suite is skipped with a printed reason.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Dockerode from 'dockerode';
import { advertLateness, analyzeTimeline, type AnalysisResult } from '../../src/capture';
import { observePcapFiles } from '../../src/capture/analyze-files';
import { captureCommand } from '../../src/lab/capture';
import { DockerLab, systemLabDeps } from '../../src/lab/docker-lab';
import { RECORD_PATH } from '../../src/lab/docker-cpu';
import { ROOT, chaos } from './cli';
import { describeWithDocker } from './requires';

const LAB_FILE = 'test/fixtures/labs/starve.yaml';
const MASTER = '10.221.0.102';
const PCAP = '/tmp/starve-e2e.pcap';
const PHASE_MS = { before: 10_000, during: 25_000, after: 10_000 };
/** The seed's Master_Down_Interval for the backup (priority 100) minus the advert interval. */
const TAKEOVER_LATENESS_MS = 3609.375 - 1000;
/** server03 -> VIP, one GET every 20 ms given up after 500 ms (as the prober), for 90 s. */
const LOAD = [
  'node',
  '-e',
  "const h=require('http');setInterval(()=>h.get({host:'10.221.0.200',path:'/',timeout:500},r=>r.resume()).on('timeout',function(){this.destroy()}).on('error',()=>{}),20);setTimeout(()=>process.exit(0),90000)",
];

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function ok(...args: string[]): Promise<string> {
  const r = await chaos(args);
  if (r.code !== 0) throw new Error(`chaos ${args.join(' ')}: exit ${r.code}\n${r.out}\n${r.err}`);
  return r.out;
}

describeWithDocker('cpu-starve on Docker, measured on the wire', () => {
  const docker = new Dockerode();
  const lab = new DockerLab(systemLabDeps(docker));
  const container = docker.getContainer('chaos-starve-server01');
  const limit = async () => {
    const h = (await container.inspect()).HostConfig;
    return { NanoCpus: h.NanoCpus, CpuQuota: h.CpuQuota, CpuPeriod: h.CpuPeriod };
  };

  beforeAll(async () => {
    execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit' });
    await ok('lab', 'up', LAB_FILE);
  }, 600_000);

  afterAll(async () => {
    await chaos(['heal', 'cpu-starve', 'server01', '--lab', 'starve']);
    await chaos(['lab', 'down', '--lab', 'starve']);
  }, 120_000);

  test('late adverts while starved, no takeover; the heal restores the limit it had', async () => {
    const started = await lab.attach('starve');
    const cgroup = async () =>
      (
        await started.exec('server01', [
          'cat',
          '/sys/fs/cgroup/cpu/cpu.cfs_quota_us',
          '/sys/fs/cgroup/cpu/cpu.cfs_period_us',
        ])
      ).stdout;
    const limitBefore = await limit();
    const cgroupBefore = await cgroup();
    expect(cgroupBefore).toBe('-1\n100000\n');

    await started.execDetached('server03', LOAD);
    await started.execDetached('server03', captureCommand({ file: PCAP, filter: 'ip proto 112' }));
    await sleep(1000);
    const marks: number[] = [Date.now() / 1000];
    await sleep(PHASE_MS.before);
    expect(await ok('fault', 'cpu-starve', 'server01', '--lab', 'starve')).toMatch(
      /^cpu-starve server01: done/m,
    );
    marks.push(Date.now() / 1000);
    expect(await limit()).toEqual({ NanoCpus: 0, CpuQuota: 2000, CpuPeriod: 100000 });
    expect(JSON.parse((await started.readFile('server01', RECORD_PATH))!.toString())).toEqual(
      limitBefore,
    );
    await sleep(PHASE_MS.during);
    marks.push(Date.now() / 1000);
    expect(await ok('heal', 'cpu-starve', 'server01', '--lab', 'starve')).toMatch(/done/);
    marks.push(Date.now() / 1000);
    // Back to what it was: the cgroup exactly; HostConfig's unset 0 / 0 reads -1 / 100000.
    expect(await cgroup()).toBe(cgroupBefore);
    expect(await limit()).toEqual({ NanoCpus: 0, CpuQuota: -1, CpuPeriod: 100000 });
    expect((await started.readFile('server01', RECORD_PATH))?.toString()).toBe('');
    // A second heal (nothing recorded) changes nothing.
    await ok('heal', 'cpu-starve', 'server01', '--lab', 'starve');
    expect(await limit()).toEqual({ NanoCpus: 0, CpuQuota: -1, CpuPeriod: 100000 });
    await sleep(PHASE_MS.after);
    marks.push(Date.now() / 1000);
    await started.exec('server03', ['sh', '-c', 'pkill -INT -x tcpdump; sleep 1']);

    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chaos-cpu-e2e-'));
    let analysis: AnalysisResult;
    try {
      const file = path.join(dir, 'server03.pcap');
      fs.writeFileSync(file, (await started.readFile('server03', PCAP)) ?? Buffer.alloc(0));
      analysis = analyzeTimeline((await observePcapFiles([file])).observations);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
    const phase = (start: number, end: number) =>
      advertLateness(analysis, [{ start, end }]).find((l) => l.src === MASTER)!;
    // The first interval ending in a phase may have begun in the one before: skip 1.5 s.
    const before = phase(marks[0]!, marks[1]!);
    const during = phase(marks[1]! + 1.5, marks[2]!);
    const after = phase(marks[3]! + 1.5, marks[4]!);
    process.stdout.write(
      `cpu-starve e2e: server01's advert lateness (median / p95 / max ms, intervals): before ${before.medianMs} / ${before.p95Ms} / ${before.maxMs} (${before.intervals}), during ${during.medianMs} / ${during.p95Ms} / ${during.maxMs} (${during.intervals}), after ${after.medianMs} / ${after.p95Ms} / ${after.maxMs} (${after.intervals})\n`,
    );
    expect(before.maxMs).toBeLessThan(50);
    expect(after.maxMs).toBeLessThan(50);
    // Starved: a good share of the intervals late by about a CFS period or more.
    expect(during.p95Ms).toBeGreaterThanOrEqual(90);
    expect(during.maxMs).toBeLessThan(TAKEOVER_LATENESS_MS);
    expect(analysis.switchovers).toEqual([]);
    expect(analysis.vrids[0]?.routers).toEqual([MASTER]);
  }, 180_000);
});
