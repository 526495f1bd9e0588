/**
 * The lab images end to end: ensureImages builds (or reuses) web, mysql and prober; a small lab
 * on a test network of its own (10.217.0.0/24, never the lab's 192.168.17.0/24) runs MySQL, one
 * web node and the prober, and we check what the lab driver and the scenarios rely on.
 *
 *   npm run build && npx jest --selectProjects e2e --testPathPatterns test/e2e/images
 *
 * (Jest 30's --selectProjects takes every following word as a project name: a bare path after
 * it is ignored and all e2e suites run.)
 *
 * Needs a Docker engine: without one the suite FAILS when CI=true and is skipped (with a
 * printed reason) otherwise. Everything it creates is labelled org.chaos.test=images and
 * removed before and after.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Docker from 'dockerode';
import {
  dependencyClosure,
  ensureImages,
  imageTag,
  inputsHash,
  type LabImages,
  type PackageLock,
} from '../../src/lab/images';
import { execIn, type ExecResult } from '../../src/lab/docker-support';
import { buildMysql, fakeRoot, type BuildOutcome } from '../unit/lab/fake-checkout';
import { describeWithDocker } from './requires';

// The e2e project's testTimeout does not reach tests selected by path: set it here.
jest.setTimeout(600_000);

const ROOT = path.resolve(__dirname, '../..');
const TEST_LABEL = 'org.chaos.test';
const TEST_VALUE = 'images';
const NET = {
  name: 'chaos-test-images',
  subnet: '10.217.0.0/24',
  gateway: '10.217.0.1',
  mysql: '10.217.0.100',
  web: '10.217.0.102',
  prober: '10.217.0.50',
  vip: '10.217.0.200',
};

// --- small Docker helpers ----------------------------------------------------------------------

const docker = new Docker();

type Exec = ExecResult;

/** A command in a test container: the lab's own exec (output collected, 30 s timeout). */
function exec(container: string, cmd: string[]): Promise<Exec> {
  return execIn(docker, container, cmd);
}

async function sh(container: string, script: string): Promise<Exec> {
  return exec(container, ['bash', '-c', script]);
}

async function cleanup(): Promise<void> {
  const filters = { label: [`${TEST_LABEL}=${TEST_VALUE}`] };
  const containers = await docker.listContainers({ all: true, filters });
  await Promise.all(
    containers.map((c) =>
      docker
        .getContainer(c.Id)
        .remove({ force: true, v: true })
        .catch(() => undefined),
    ),
  );
  const networks = await docker.listNetworks({ filters });
  for (const n of networks) await docker.getNetwork(n.Id).remove();
}

async function until<T>(
  what: string,
  timeoutMs: number,
  probe: () => Promise<T | undefined>,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined) return v;
    } catch (error) {
      last = error instanceof Error ? error.message : String(error);
    }
    if (Date.now() > deadline)
      throw new Error(`${what}: not within ${timeoutMs} ms${last ? ` (${String(last)})` : ''}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

interface VrrpStatus {
  impl: string;
  running: boolean;
  pid: number | null;
  state: string | null;
  vips: string[];
}

async function vrrpStatus(container: string): Promise<VrrpStatus> {
  const r = await exec(container, ['vrrp-status']);
  if (r.exitCode !== 0) throw new Error(`vrrp-status exited ${r.exitCode}: ${r.stderr}`);
  const lines = r.stdout.trim().split('\n');
  expect(lines).toHaveLength(1);
  return JSON.parse(lines[0] ?? '') as VrrpStatus;
}

function masterWithVip(container: string, timeoutMs = 15_000): Promise<VrrpStatus> {
  return until(`${container} MASTER holding ${NET.vip}`, timeoutMs, async () => {
    const s = await vrrpStatus(container);
    return s.running && s.state === 'MASTER' && s.vips.includes(NET.vip) ? s : undefined;
  });
}

async function logsOf(container: string): Promise<string> {
  const r = await sh(container, 'tail -n 30 /var/log/chaos/*.log 2>&1 || true');
  return r.stdout;
}

// --- the lab -----------------------------------------------------------------------------------

const KEEPALIVED_CONF = `! images.test.ts: the seed's server01 on the test subnet
vrrp_script check_nginx {
   script  /etc/keepalived/check_nginx.sh
   interval 1
}
vrrp_instance VI_1 {
    state MASTER
    interface eth0
    virtual_router_id 51
    priority 100
    advert_int 1
    authentication {
        auth_type PASS
        auth_pass 1111
    }
    virtual_ipaddress {
        ${NET.vip}
    }
    track_script {
        check_nginx
    }
}
`;

function labels(role: string): Record<string, string> {
  return { [TEST_LABEL]: TEST_VALUE, 'org.chaos.role': role };
}

async function run(
  name: string,
  image: string,
  ip: string,
  extra: { env?: string[]; caps?: string[]; binds?: string[]; role: string },
): Promise<void> {
  const c = await docker.createContainer({
    name,
    Image: image,
    Hostname: name.replace(/^chaos-test-/, ''),
    Env: extra.env ?? [],
    Labels: labels(extra.role),
    HostConfig: {
      NetworkMode: NET.name,
      CapAdd: extra.caps ?? [],
      Binds: extra.binds ?? [],
    },
    NetworkingConfig: { EndpointsConfig: { [NET.name]: { IPAMConfig: { IPv4Address: ip } } } },
  });
  await c.start();
}

/** A mysql build whose Dockerfile fails at step 2, in a checkout removed afterwards. */
async function failingBuild(verbose: boolean): Promise<BuildOutcome> {
  const root = fakeRoot('FROM debian:bookworm-slim\nRUN echo chaos-build-marker && exit 3\n');
  try {
    return await buildMysql({ docker, rootDir: root, verbose });
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

describe('images: inputs and tags (no Docker)', () => {
  it('the app closure has the runtime modules and their dependencies, not dockerode', () => {
    const lock = JSON.parse(
      fs.readFileSync(path.join(ROOT, 'package-lock.json'), 'utf8'),
    ) as PackageLock;
    const closure = dependencyClosure(lock, ['mysql2', 'raw-socket', 'commander']);
    expect(closure).toEqual(
      expect.arrayContaining([
        'node_modules/mysql2',
        'node_modules/raw-socket',
        'node_modules/nan',
      ]),
    );
    expect(closure.some((p) => /dockerode|docker-modem|ssh2/.test(p))).toBe(false);
  });

  it('resolves nested node_modules as Node does', () => {
    const lock: PackageLock = {
      packages: {
        'node_modules/a': { dependencies: { b: '1', c: '1' } },
        'node_modules/a/node_modules/b': { dependencies: { c: '1' } },
        'node_modules/b': {},
        'node_modules/c': { optionalDependencies: { gone: '1' } },
      },
    };
    expect(dependencyClosure(lock, ['a'])).toEqual([
      'node_modules/a',
      'node_modules/a/node_modules/b',
      'node_modules/c',
    ]);
    expect(() => dependencyClosure(lock, ['zzz'])).toThrow(/NODE_MODULES_MISSING/);
  });

  it('the tag follows the content and the path of every input', () => {
    const files: Record<string, string> = { '/x/Dockerfile': 'FROM a', '/x/bin/s': 'echo' };
    const read = (f: string) => Buffer.from(files[f] ?? '');
    const inputs = [
      { from: '/x/Dockerfile', to: 'Dockerfile' },
      { from: '/x/bin/s', to: 'bin/s' },
    ];
    const h = inputsHash('web', inputs, read);
    expect(imageTag('web', h)).toMatch(/^chaos\/web:[0-9a-f]{12}$/);
    expect(inputsHash('web', [...inputs].reverse(), read)).toBe(h);
    expect(inputsHash('prober', inputs, read)).not.toBe(h);
    files['/x/bin/s'] = 'echo 2';
    expect(inputsHash('web', inputs, read)).not.toBe(h);
  });

  it('without dist/ it says to run npm run build (DIST_MISSING)', async () => {
    const root = fakeRoot('FROM debian:bookworm-slim\n', false);
    try {
      await expect(ensureImages({ docker: new Docker(), rootDir: root })).rejects.toThrow(
        /npm run build.*DIST_MISSING/s,
      );
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});

const MYSQL = 'chaos-test-server02';
const WEB = 'chaos-test-server01';
const PROBER = 'chaos-test-prober';

describeWithDocker('lab images (Docker)', () => {
  let images: LabImages;
  let confDir: string;

  async function startWeb(impl: 'chaos' | 'keepalived'): Promise<void> {
    await docker
      .getContainer(WEB)
      .remove({ force: true })
      .catch(() => undefined);
    await run(WEB, images.web, NET.web, {
      role: 'web',
      env: [`CHAOS_VRRP=${impl}`, `DB_HOST=${NET.mysql}`],
      caps: ['NET_ADMIN', 'NET_RAW'],
      binds: [`${path.join(confDir, 'keepalived.conf')}:/etc/keepalived/keepalived.conf:ro`],
    });
  }

  beforeAll(async () => {
    await cleanup();
    if (!fs.existsSync(path.join(ROOT, 'dist/src/prober/main.js')))
      execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit' });
    confDir = fs.mkdtempSync(path.join(os.tmpdir(), 'chaos-images-test-'));
    fs.writeFileSync(path.join(confDir, 'keepalived.conf'), KEEPALIVED_CONF);

    const started = Date.now();
    images = await ensureImages({
      docker,
      rootDir: ROOT,
      progress: (line) => {
        if (/: (Step \d|using|building|built)/.test(line)) console.log(line);
      },
    });
    console.log(`ensureImages: ${Date.now() - started} ms -> ${JSON.stringify(images)}`);

    await docker.createNetwork({
      Name: NET.name,
      Driver: 'bridge',
      Labels: { [TEST_LABEL]: TEST_VALUE },
      IPAM: { Config: [{ Subnet: NET.subnet, Gateway: NET.gateway }] },
    });
    await run(MYSQL, images.mysql, NET.mysql, {
      role: 'mysql',
      env: [`MYSQL_CLIENT_HOSTS=10.217.0.%`],
    });
    await run(PROBER, images.prober, NET.prober, { role: 'prober' });
    await startWeb('chaos');
    await until('mysql-ready', 30_000, async () =>
      (await exec(MYSQL, ['mysql-ready'])).exitCode === 0 ? true : undefined,
    );
  });

  afterAll(async () => {
    await cleanup();
    if (confDir) fs.rmSync(confDir, { recursive: true, force: true });
  });

  it('a failing build is IMAGE_BUILD_FAILED with the last lines of output', async () => {
    const { error: err, lines } = await failingBuild(true);
    expect(err?.code).toBe('IMAGE_BUILD_FAILED');
    expect(err?.message).toContain('chaos-build-marker');
    expect(err?.message).toMatch(/returned a non-zero code: 3/);
    expect(lines.some((l) => l.startsWith('mysql: Step 2/'))).toBe(true);
  });

  it('by default a build shows step lines and keeps its whole log in a file it names', async () => {
    const { error: err, lines, logName, log, logText } = await failingBuild(false);
    expect(logName).toMatch(/^chaos-build-mysql-[0-9a-f]{12}\.log$/);
    expect(lines).toContainEqual(expect.stringContaining(`(log: ${log})`));
    expect(lines.some((l) => /^mysql: step \d+\/\d+ \(\d+\.\d s\)$/.test(l))).toBe(true);
    expect(lines.some((l) => l.includes('Step 2/'))).toBe(false);
    expect(logText).toMatch(/^Step 2\/\d+ : RUN echo/m);
    expect(err?.code).toBe('IMAGE_BUILD_FAILED');
    expect(err?.message).toContain(`full log: ${log}`);
    expect(err?.message).toContain('chaos-build-marker');
  });

  it('tags images by their inputs, labels them, and reuses them', async () => {
    for (const name of ['web', 'mysql', 'prober'] as const) {
      const tag = images[name];
      expect(tag).toMatch(new RegExp(`^chaos/${name}:[0-9a-f]{12}$`));
      const info = await docker.getImage(tag).inspect();
      expect(info.Config.Labels?.['org.chaos.image']).toBe(name);
    }
    const started = Date.now();
    const lines: string[] = [];
    const again = await ensureImages({ docker, rootDir: ROOT, progress: (l) => lines.push(l) });
    console.log(`warm ensureImages: ${Date.now() - started} ms`);
    expect(again).toEqual(images);
    expect(lines.filter((l) => l.includes(': using '))).toHaveLength(3);
  });

  it('the web node becomes MASTER (chaos-vrrpd) and holds the VIP', async () => {
    const s = await masterWithVip(WEB).catch(async (error: unknown) => {
      throw new Error(`${String(error)}\n${await logsOf(WEB)}`);
    });
    expect(s).toMatchObject({ impl: 'chaos', running: true, vips: [NET.vip] });
    expect(typeof s.pid).toBe('number');
  });

  it('the shop through nginx on the VIP names the node and lists goods from MySQL', async () => {
    const page = await until('shop page', 10_000, async () => {
      const r = await sh(PROBER, `curl -s -i --max-time 3 http://${NET.vip}/`);
      return r.stdout.startsWith('HTTP/1.1 200') ? r.stdout : undefined;
    });
    expect(page).toMatch(/^X-Served-By: server01\r?$/im);
    expect(page).toContain('<strong id="served-by">server01</strong>');
    expect(page).toContain('Keepalived T-shirt');
    const api = await sh(PROBER, `curl -s --max-time 3 http://${NET.vip}/api/goods`);
    const body = JSON.parse(api.stdout) as { servedBy: string; goods: unknown[] };
    expect(body.servedBy).toBe('server01');
    expect(body.goods.length).toBeGreaterThanOrEqual(3);
  });

  it('/health is answered by nginx itself', async () => {
    const r = await sh(PROBER, `curl -s -i --max-time 3 http://${NET.vip}/health`);
    expect(r.stdout).toMatch(/^HTTP\/1.1 200/);
    expect(r.stdout).toMatch(/^X-Served-By: server01\r?$/im);
    expect(r.stdout.trimEnd().endsWith('ok')).toBe(true);
    expect(r.stdout).not.toMatch(/Cache-Control: no-store/i); // not the shop's answer
  });

  it('the prober program records every request as a JSON line', async () => {
    const r = await sh(
      PROBER,
      `node /opt/chaos/dist/src/prober/main.js --url http://${NET.vip}/health --interval-ms 20 ` +
        `--timeout-ms 200 --duration-s 1 --out /tmp/p.jsonl && cat /tmp/p.jsonl`,
    );
    expect(r.exitCode).toBe(0);
    const records = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { ok: boolean; servedBy: string | null; status: number });
    expect(records).toHaveLength(50);
    expect(records.every((x) => x.ok && x.status === 200 && x.servedBy === 'server01')).toBe(true);
  });

  it('MySQL down: the shop answers 503 within 2 s, and recovers', async () => {
    await docker.getContainer(MYSQL).stop({ t: 5 });
    for (const url of ['/', '/api/goods']) {
      const r = await sh(
        PROBER,
        `curl -s -o /dev/null -w '%{http_code} %{time_total}' --max-time 5 http://${NET.vip}${url}`,
      );
      const [code, seconds] = r.stdout.trim().split(' ');
      expect(code).toBe('503');
      expect(Number(seconds)).toBeLessThan(2);
    }
    await docker.getContainer(MYSQL).start();
    await until('shop 200 after MySQL restart', 30_000, async () => {
      const r = await sh(PROBER, `curl -s -o /dev/null -w '%{http_code}' http://${NET.vip}/`);
      return r.stdout === '200' ? true : undefined;
    });
  });

  it('killing nginx makes the check fail and the node give up the VIP', async () => {
    expect((await exec(WEB, ['/etc/keepalived/check_nginx.sh'])).exitCode).toBe(0);
    expect((await exec(WEB, ['nginx-stop'])).exitCode).toBe(0);
    expect((await exec(WEB, ['/etc/keepalived/check_nginx.sh'])).exitCode).not.toBe(0);
    await until('FAULT without the VIP', 10_000, async () => {
      const s = await vrrpStatus(WEB);
      return s.state === 'FAULT' && s.vips.length === 0 ? s : undefined;
    });
    expect((await exec(WEB, ['nginx-start'])).exitCode).toBe(0);
    await masterWithVip(WEB);
  });

  it('vrrp-stop is graceful and vrrp-start idempotent', async () => {
    const stop = await exec(WEB, ['vrrp-stop']);
    expect(stop.exitCode).toBe(0);
    expect(await vrrpStatus(WEB)).toMatchObject({ running: false, pid: null, vips: [] });
    expect((await exec(WEB, ['vrrp-start'])).exitCode).toBe(0);
    const again = await exec(WEB, ['vrrp-start']);
    expect(again.stdout).toContain('already running');
    await masterWithVip(WEB);
  });

  it.each(['chaos', 'keepalived'] as const)(
    '%s: docker kill + docker start comes back with VRRP running (stale pid files)',
    async (impl) => {
      if ((await vrrpStatus(WEB)).impl !== impl) {
        await startWeb(impl);
      }
      const before = await masterWithVip(WEB);
      expect(before.impl).toBe(impl);
      await docker.getContainer(WEB).kill();
      await docker.getContainer(WEB).start();
      const after = await masterWithVip(WEB).catch(async (error: unknown) => {
        throw new Error(`${String(error)}\n${await logsOf(WEB)}`);
      });
      expect(after).toMatchObject({ impl, running: true, state: 'MASTER', vips: [NET.vip] });
      const r = await sh(PROBER, `curl -s -o /dev/null -w '%{http_code}' http://${NET.vip}/health`);
      expect(r.stdout).toBe('200');
    },
  );

  it('docker stop is graceful: VRRP stops first (priority 0), exit code 0, well within 10 s', async () => {
    const started = Date.now();
    await docker.getContainer(WEB).stop({ t: 10 });
    expect(Date.now() - started).toBeLessThan(5000);
    const info = await docker.getContainer(WEB).inspect();
    expect(info.State.ExitCode).toBe(0);
    await docker.getContainer(WEB).start();
    const log = await sh(WEB, 'cat /var/log/chaos/entrypoint.log /var/log/chaos/keepalived.log');
    expect(log.stdout).toContain('SIGTERM: stopping VRRP first');
    expect(log.stdout).toContain('(VI_1) sent 0 priority');
  });
});
