/**
 * The Docker lab end to end, through the built CLI (`node dist/src/cli/main.js`, built in
 * beforeAll). Needs a Docker engine: with CI=true a missing engine fails the suite; elsewhere it
 * skips with a printed reason.
 */
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Dockerode from 'dockerode';
import type { LabStatus } from '../../src/lab/lab-status';
import { describeWithDocker } from './requires';

const ROOT = path.join(__dirname, '../..');
const MAIN = path.join(ROOT, 'dist/src/cli/main.js');
const CONFIGS = path.join(ROOT, 'scenarios/configs');

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  out: string;
  err: string;
}

function chaos(
  args: string[],
  onOut?: (text: string, child: ReturnType<typeof spawn>) => void,
): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [MAIN, ...args], {
      cwd: ROOT,
      env: { ...process.env, CI: '' },
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (b: Buffer) => {
      out += b.toString();
      onOut?.(out, child);
    });
    child.stderr.on('data', (b: Buffer) => (err += b.toString()));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, out, err }));
  });
}

async function ok(args: string[]): Promise<string> {
  const r = await chaos(args);
  if (r.code !== 0) throw new Error(`chaos ${args.join(' ')} exited ${r.code}\n${r.out}\n${r.err}`);
  return r.out;
}

async function status(lab: string): Promise<LabStatus> {
  return JSON.parse(await ok(['lab', 'status', '--json', '--lab', lab])) as LabStatus;
}

const TIMEOUT = 600_000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Poll the status until the VIP owners are exactly `owners`. */
async function waitOwners(lab: string, owners: string[], timeoutMs = 20000): Promise<LabStatus> {
  const deadline = Date.now() + timeoutMs;
  let last: LabStatus | undefined;
  while (Date.now() < deadline) {
    last = await status(lab);
    if (JSON.stringify(last.vipOwners) === JSON.stringify(owners)) return last;
    await sleep(500);
  }
  throw new Error(
    `VIP owners ${JSON.stringify(last?.vipOwners)} not ${JSON.stringify(owners)} after ${timeoutMs} ms`,
  );
}

const docker = new Dockerode();

/** Resources carrying the lab's label. */
async function leftovers(lab: string): Promise<string[]> {
  const filters = JSON.stringify({ label: [`org.chaos.lab=${lab}`] });
  const [c, n, v] = await Promise.all([
    docker.listContainers({ all: true, filters }),
    docker.listNetworks({ filters }),
    docker.listVolumes({ filters }),
  ]);
  return [
    ...c.map((x) => `container ${x.Names[0]}`),
    ...n.map((x) => `network ${x.Name}`),
    ...(v.Volumes ?? []).map((x) => `volume ${x.Name}`),
  ];
}

/** Down the labs these tests bring up (one lab at a time). */
async function downLabs(): Promise<void> {
  for (const lab of ['seed', 'interop']) await chaos(['lab', 'down', '--lab', lab]);
}

/** The seed's configs on the seed's addresses, server01 on VRRP `a` and server03 on `b`. */
function interopLabFile(dir: string, a: string, b: string): string {
  const file = path.join(dir, 'interop.yaml');
  fs.writeFileSync(
    file,
    [
      'name: interop',
      'subnet: 192.168.17.0/24',
      'vip: 192.168.17.200',
      'nodes:',
      `  - { name: server01, role: web, address: 192.168.17.102, config: ${CONFIGS}/seed-master.conf, vrrp: ${a} }`,
      `  - { name: server03, role: web, address: 192.168.17.101, config: ${CONFIGS}/seed-backup.conf, vrrp: ${b} }`,
      '  - { name: server02, role: mysql, address: 192.168.17.100 }',
      '  - { name: prober, role: prober, address: 192.168.17.50 }',
      '',
    ].join('\n'),
  );
  return file;
}

/** `lab up`, the shop through the VIP, power-off and power-on of server01, `lab down`. */
async function seedLabLifecycle(): Promise<void> {
  await ok(['lab', 'up']);
  const up = await waitOwners('seed', ['server01']);
  expect(up.splitBrain).toBe(false);
  expect(up.nodes.find((n) => n.name === 'server01')?.vrrp?.state).toBe('MASTER');

  const probe = JSON.parse(await ok(['lab', 'probe', '--json'])) as {
    status: number;
    servedBy: string;
    body: string;
  };
  expect(probe.status).toBe(200);
  expect(probe.servedBy).toBe('server01');
  expect(probe.body).toContain('Served by <strong id="served-by">server01</strong>');
  expect(probe.body).toContain('Keepalived T-shirt'); // a row of goods from MySQL

  await ok(['fault', 'power-off', 'server01']);
  const failed = await waitOwners('seed', ['server03']);
  expect(failed.nodes.find((n) => n.name === 'server01')?.running).toBe(false);

  await ok(['heal', 'power-off', 'server01']);
  await sleep(6000); // longer than master_down_interval: no preemption with equal priorities
  const healed = await waitOwners('seed', ['server03']);
  expect(healed.nodes.find((n) => n.name === 'server01')?.vrrp?.running).toBe(true);
  expect(healed.nodes.find((n) => n.name === 'server01')?.vrrp?.state).toBe('BACKUP');

  await ok(['lab', 'down']);
  expect(await leftovers('seed')).toEqual([]);
}

describeWithDocker('chaos lab (Docker)', () => {
  beforeAll(async () => {
    execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'ignore' });
    // Start from no lab (one lab at a time).
    await downLabs();
  }, TIMEOUT);

  afterAll(downLabs, TIMEOUT);

  test(
    'seed lab: server01 holds the VIP, shop through the VIP, power-off fails over, power-on keeps server03, down leaves nothing',
    seedLabLifecycle,
    TIMEOUT,
  );

  test(
    'SIGINT during lab up removes what it created',
    async () => {
      let sent = false;
      const r = await chaos(['lab', 'up'], (out, child) => {
        if (!sent && out.includes('container chaos-seed-server01')) {
          sent = true;
          child.kill('SIGINT');
        }
      });
      expect(sent).toBe(true);
      expect(r.code).toBe(3);
      expect(r.err).toContain('(INTERRUPTED)');
      expect(await leftovers('seed')).toEqual([]);
    },
    TIMEOUT,
  );

  test.each([
    ['chaos', 'keepalived'],
    ['keepalived', 'chaos'],
  ])(
    'interop: server01 on %s, server03 on %s: elects server01, fails over on power-off',
    async (a, b) => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chaos-interop-'));
      try {
        const file = interopLabFile(dir, a, b);
        await ok(['lab', 'up', file]);
        const up = await waitOwners('interop', ['server01']);
        expect(up.nodes.filter((n) => n.role === 'web').map((n) => n.vrrp?.impl)).toEqual([a, b]);
        await sleep(3000); // a stable election, not a race
        expect((await status('interop')).vipOwners).toEqual(['server01']);
        await ok(['fault', 'power-off', 'server01']);
        await waitOwners('interop', ['server03']);
        await ok(['lab', 'down']);
        expect(await leftovers('interop')).toEqual([]);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    },
    TIMEOUT,
  );
});
