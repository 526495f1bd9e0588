/**
 * Ctrl-C while the new faults are on: `chaos run` on Docker with loss, delay (chaos-delayq),
 * cpu-starve and a malformed-adverts flood all applied to the seed lab, SIGINT once the flood's
 * sender container is up. The run heals every fault (the rollback, last applied first, each
 * recorded ok), writes its report marked interrupted, exits 3, and leaves no labelled resource
 * behind. Needs a Docker engine (requires.ts).
 */
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Dockerode from 'dockerode';
import type { Report } from '../../src/report/model';
import { ROOT } from './cli';
import { describeWithDocker } from './requires';

const docker = new Dockerode();
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

const SCENARIO = `name: interrupted-faults
description: every new fault on server03 at once, then a long wait that Ctrl-C cuts short
steps:
  - wait: 3s
  - fault: loss
    node: server03
    rate: 0.2
    protocol: vrrp
  - fault: delay
    node: server03
    latency: 20ms
    protocol: vrrp
  - fault: cpu-starve
    node: server03
    cpus: 0.5
  - fault: malformed-adverts
    rogue: junk
    address: 192.168.17.66
    pps: 50
    kind: vrid
  - wait: 120s
`;

async function labelled(pid: number): Promise<string[]> {
  const filters = JSON.stringify({ label: [`org.chaos.owner-pid=${pid}`] });
  const [c, n] = await Promise.all([
    docker.listContainers({ all: true, filters }),
    docker.listNetworks({ filters }),
  ]);
  return [...c.map((x) => `container ${x.Names[0] ?? x.Id}`), ...n.map((x) => `network ${x.Name}`)];
}

async function floodRunning(): Promise<boolean> {
  const filters = JSON.stringify({ label: ['org.chaos.lab=seed'] });
  const list = await docker.listContainers({ filters });
  return list.some((c) => c.Names.some((n) => n.includes('junk')));
}

describeWithDocker('Ctrl-C with every new fault applied', () => {
  test('SIGINT heals loss, delay, cpu-starve and the flood, reports, tears down', async () => {
    execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit' });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chaos-interrupt-'));
    const file = path.join(dir, 'interrupted-faults.yaml');
    fs.writeFileSync(file, SCENARIO);
    const out = path.join(dir, 'run');
    const child = spawn(
      process.execPath,
      ['dist/src/cli/main.js', 'run', file, '--driver', 'docker', '--out', out],
      { cwd: ROOT },
    );
    let log = '';
    child.stdout.on('data', (b: Buffer) => (log += b.toString()));
    child.stderr.on('data', (b: Buffer) => (log += b.toString()));
    const closed = new Promise<number | null>((resolve) => child.on('close', resolve));
    try {
      const deadline = Date.now() + 240_000;
      while (!(await floodRunning())) {
        if (Date.now() > deadline) throw new Error(`the flood never started:\n${log}`);
        await sleep(500);
      }
      await sleep(2000);
      child.kill('SIGINT');
      const code = await closed;
      expect({ code, log }).toMatchObject({ code: 3 });
      const report = JSON.parse(fs.readFileSync(path.join(out, 'report.json'), 'utf8')) as Report;
      expect(report.interrupted).toBe(true);
      const rollback = report.scenarios[0]?.rollback ?? [];
      expect(rollback.map((r) => [r.fault.split(' ')[0], r.ok])).toEqual([
        ['malformed-adverts', true],
        ['cpu-starve', true],
        ['delay', true],
        ['loss', true],
      ]);
      expect(await labelled(child.pid ?? -1)).toEqual([]);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 360_000);
});
