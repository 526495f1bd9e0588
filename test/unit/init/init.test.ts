/**
 * `chaos init` end to end: configs in, files out, and the files are what the product accepts:
 * `chaos validate` passes them, the lab file parses as `chaos lab up` reads it, and the starter
 * scenarios pass in the simulator through runSuite(). Then the refusals, each with its code.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { simKit } from '../../../src/drivers/sim/kit';
import { cli } from '../cli-helpers';
import { labNameFor } from '../../../src/cli/init';
import { fsSource } from '../../../src/keepalived/fs-source';
import { specHash } from '../../../src/lab/docker-lab';
import { parseLabFile } from '../../../src/lab/lab-file';
import { loadScenarios, runSuite } from '../../../src/run/suite';

const ROOT = path.join(__dirname, '../../..');
const COURSE = path.join(ROOT, 'test/fixtures/keepalived');
const SHIPPED = path.join(ROOT, 'scenarios/configs');

let tmp: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'chaos-init-'));
});
afterAll(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

interface ConfOptions {
  state?: 'MASTER' | 'BACKUP';
  priority: number;
  iface?: string;
  vrid?: number;
  vip?: string;
  /** A track script checking haproxy with this weight. */
  weight?: number;
  nopreempt?: boolean;
  /** A second instance, VRID 8 for 10.20.30.41, as active/active pairs have. */
  extra?: boolean;
}

/** A team's keepalived.conf, built from a few fields. */
function conf(o: ConfOptions): string {
  const iface = o.iface ?? 'ens192';
  const script =
    o.weight === undefined
      ? ''
      : `vrrp_script chk_haproxy {\n  script "/usr/bin/killall -0 haproxy"\n  interval 2\n  weight ${o.weight}\n}\n`;
  return `${script}vrrp_instance VI_WEB {
  state ${o.state ?? 'BACKUP'}
  interface ${iface}   # the team's NIC
  virtual_router_id ${o.vrid ?? 7}
  priority ${o.priority}
  advert_int 1
${o.nopreempt ? '  nopreempt\n' : ''}  virtual_ipaddress {
    ${o.vip ?? '10.20.30.40/24'} dev ${iface}
  }
${o.weight === undefined ? '' : '  track_script {\n    chk_haproxy\n  }\n'}}
${o.extra ? `vrrp_instance VI_EXTRA {\n  interface ${iface}\n  virtual_router_id 8\n  priority ${o.priority}\n  virtual_ipaddress {\n    10.20.30.41/24\n  }\n}\n` : ''}`;
}

function write(name: string, text: string): string {
  const file = path.join(tmp, name);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
  return file;
}

/** init, validate, the lab file, and the scenarios in the simulator; what each scenario saw. */
async function initAndRun(name: string, configs: string[]) {
  const out = path.join(tmp, name);
  const init = await cli('init', ...configs, '--out', out);
  expect(init.err).toBe('');
  expect(init.code).toBe(0);
  const dir = path.join(out, 'scenarios');
  const files = fs.readdirSync(dir).sort();
  const validate = await cli('validate', dir);
  expect(validate.code).toBe(0);
  expect(validate.out.trim().split('\n')).toEqual(files.map((f) => `ok ${path.join(dir, f)}`));
  const lab = parseLabFile(
    fs.readFileSync(path.join(out, 'lab.yaml'), 'utf8'),
    path.join(out, 'lab.yaml'),
    fsSource(),
  );
  // The scenarios' lab is the lab file's: a run reuses what `chaos lab up lab.yaml` brought up.
  const images = { web: 'chaos/web:1', mysql: 'chaos/mysql:1', prober: 'chaos/prober:1' };
  for (const l of loadScenarios(files.map((f) => path.join(dir, f))))
    expect(specHash(l.scenario.lab, images)).toBe(specHash(lab, images));
  const { run, outDir } = await runSuite({
    paths: [dir],
    driver: simKit,
    seed: 1,
    generatedAt: '2026-12-02T00:00:00Z',
    chaosVersion: null,
    nodeVersion: process.version,
  });
  expect(outDir).toBeUndefined();
  const byName = new Map(run.scenarios.map((s) => [s.name, s]));
  return { init, files, lab, run, byName };
}

describe('chaos init on the course lab (keepalived configs with check_nginx)', () => {
  let r: Awaited<ReturnType<typeof initAndRun>>;
  beforeAll(async () => {
    r = await initAndRun('course', [
      path.join(COURSE, 'seed-master-check-nginx.conf'),
      path.join(COURSE, 'seed-backup-check-nginx.conf'),
    ]);
  });

  test('writes the five starter scenarios, the lab file and the configs, and says how to run them', () => {
    expect(r.files).toEqual([
      'graceful-stop.yaml',
      'network-down.yaml',
      'poweroff-master.yaml',
      'split-brain.yaml',
      'track-script.yaml',
    ]);
    expect(r.init.out).toContain('server01  192.168.17.102  priority 100');
    expect(r.init.out).toContain(
      "bounds: server03 takes over 3.609375 s after server01's last advert (Master_Down_Interval), 609.375 ms after its priority-0 advert (Skew_Time)",
    );
    expect(r.init.out).toContain(`chaos run ${path.join(tmp, 'course', 'scenarios')} --driver sim`);
  });

  test('the lab file is what chaos lab up reads: the seed addresses, the configs as given', () => {
    expect(r.lab).toMatchObject({
      name: 'course',
      subnet: '192.168.17.0/24',
      vip: '192.168.17.200',
      vrid: 51,
    });
    expect(r.lab.nodes.map((n) => [n.name, n.role, n.address])).toEqual([
      ['server01', 'web', '192.168.17.102'],
      ['server03', 'web', '192.168.17.101'],
      ['server02', 'mysql', '192.168.17.100'],
      ['prober', 'prober', '192.168.17.50'],
    ]);
    expect(r.lab.nodes[0]?.configText).toBe(
      fs.readFileSync(path.join(COURSE, 'seed-master-check-nginx.conf'), 'utf8'),
    );
  });

  test('every scenario passes in the simulator, with the RFC 3768 gaps on the wire', () => {
    expect(r.run.counts).toEqual({ passed: 5, failed: 0, skipped: 0, error: 0 });
    const gap = (name: string) =>
      r.byName.get(name)?.switchovers.map((s) => [s.from, s.to, s.gapSeconds]);
    expect(gap('poweroff-master')).toEqual([['server01', 'server03', 3.609375]]);
    expect(gap('network-down')).toEqual([['server01', 'server03', 3.609375]]);
    expect(gap('graceful-stop')).toEqual([['server01', 'server03', 0.609375]]);
    expect(gap('track-script-check_nginx')).toEqual([['server01', 'server03', 0.609375]]);
    expect(r.byName.get('split-brain')?.splitBrain.length).toBe(1);
  });
});

test('unicast peers: the multicast block makes no split brain, and init says so', async () => {
  const r = await initAndRun('unicast', [
    path.join(SHIPPED, 'seed-master-unicast.conf'),
    path.join(SHIPPED, 'seed-backup-unicast.conf'),
  ]);
  expect(r.files).toContain('unicast-no-split-brain.yaml');
  expect(r.files).not.toContain('split-brain.yaml');
  expect(r.init.out).toContain('not written: track-script');
  expect(r.run.counts).toEqual({ passed: 4, failed: 0, skipped: 0, error: 0 });
  expect(r.byName.get('unicast-no-split-brain')?.splitBrain).toEqual([]);
});

test('VRRPv3 at 0.1 s: the bounds use Master_Adver_Interval (RFC 5798)', async () => {
  const r = await initAndRun('v3', [
    path.join(SHIPPED, 'v3-master.conf'),
    path.join(SHIPPED, 'v3-backup.conf'),
  ]);
  expect(r.run.counts.passed).toBe(4);
  expect(r.byName.get('poweroff-master')?.switchovers[0]?.gapSeconds).toBeCloseTo(0.3609375, 6);
  expect(r.byName.get('poweroff-master')?.description).toContain(
    'Master_Down_Interval = 3 x 0.1 s + (256 - 100) x 0.1 s / 256 = 0.3609375 s',
  );
});

test("a team's configs: another NIC, another subnet, priorities and a weighted track script", async () => {
  const a = write('team-in/lb-a.conf', conf({ priority: 120, weight: -30 }));
  const b = write('team-in/lb-b.conf', conf({ priority: 110, weight: -30 }));
  const r = await initAndRun('team', [a, b]);
  expect(r.lab).toMatchObject({ subnet: '10.20.30.0/24', vip: '10.20.30.40', vrid: 7 });
  const copy = fs.readFileSync(path.join(tmp, 'team/configs/lb-a.conf'), 'utf8');
  expect(copy).toContain("interface eth0   # the team's NIC");
  expect(copy).toContain('10.20.30.40/24 dev eth0');
  expect(copy).not.toContain('ens192\n');
  expect(r.init.out).toContain('note: configs/lb-a.conf: interface ens192 renamed to eth0');
  expect(r.init.out).toContain('the simulator takes it to check haproxy');
  // 120 preempts 110 when it returns; the script's -30 puts it at 90, below 110.
  expect(r.run.counts).toEqual({ passed: 5, failed: 0, skipped: 0, error: 0 });
  const track = r.byName.get('track-script-chk_haproxy');
  expect(track?.description).toContain(
    "weight -30 brings its priority to 90, below server03's 110",
  );
  expect(track?.switchovers.map((s) => [s.from, s.to, s.reason])).toEqual([
    ['server01', 'server03', 'preempted'],
    ['server03', 'server01', 'preempted'],
  ]);
  expect(r.byName.get('poweroff-master')?.switchovers.map((s) => s.to)).toEqual([
    'server03',
    'server01',
  ]);
});

test('a weight too small to move the VIP is written as what happens: the VIP stays', async () => {
  const a = write('small-in/a.conf', conf({ priority: 120, weight: -5 }));
  const b = write('small-in/b.conf', conf({ priority: 110, weight: -5 }));
  const r = await initAndRun('small', [a, b]);
  const track = r.byName.get('track-script-chk_haproxy');
  expect(track?.description).toContain(
    "weight -5 leaves its priority at 115, not below server03's 110",
  );
  expect(track?.status).toBe('passed');
  expect(track?.switchovers).toEqual([]);
});

describe('refusals', () => {
  const good = (): [string, string] => [
    path.join(COURSE, 'seed-master.conf'),
    path.join(COURSE, 'seed-backup.conf'),
  ];

  test('an unreadable config: INIT_CONFIG_UNREADABLE, exit 2, nothing written', async () => {
    const out = path.join(tmp, 'none');
    const r = await cli('init', good()[0], path.join(tmp, 'missing.conf'), '--out', out);
    expect(r.code).toBe(2);
    expect(r.err).toContain(
      `cannot read ${path.join(tmp, 'missing.conf')} (ENOENT) (INIT_CONFIG_UNREADABLE)`,
    );
    expect(fs.existsSync(out)).toBe(false);
  });

  test('an invalid config: every problem as file:line:col, exit 2', async () => {
    const bad = write(
      'bad.conf',
      'vrrp_instance VI_1 {\n  priority 300\n  virtual_router_id 0\n}\n',
    );
    const r = await cli('init', good()[0], bad, '--out', path.join(tmp, 'none'));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(new RegExp(`${bad}:2:\\d+: .*priority`));
    expect(r.err).toContain('(KEEPALIVED_CONFIG_INVALID)');
  });

  test('a config without vrrp_instance: INIT_NO_VRRP_INSTANCE', async () => {
    const empty = write('empty.conf', 'global_defs {\n  router_id LB\n}\n');
    const r = await cli('init', good()[0], empty, '--out', path.join(tmp, 'none'));
    expect(r.code).toBe(2);
    expect(r.err).toContain(`${empty} has no vrrp_instance (INIT_NO_VRRP_INSTANCE)`);
  });

  test('configs that share no instance: INIT_NO_SHARED_INSTANCE', async () => {
    const other = write('other-vrid.conf', conf({ priority: 100, vrid: 8 }));
    const mine = write('mine.conf', conf({ priority: 100 }));
    const r = await cli('init', mine, other, '--out', path.join(tmp, 'none'));
    expect(r.code).toBe(2);
    expect(r.err).toContain('has no vrrp_instance with virtual_router_id 7 and VIP 10.20.30.40');
    expect(r.err).toContain('(INIT_NO_SHARED_INSTANCE)');
  });

  test('one config: INIT_TOO_FEW_CONFIGS', async () => {
    const r = await cli('init', good()[0], '--out', path.join(tmp, 'none'));
    expect(r.code).toBe(2);
    expect(r.err).toContain('(INIT_TOO_FEW_CONFIGS)');
  });

  test('an --out folder with files: INIT_OUT_NOT_EMPTY unless --force', async () => {
    const out = path.join(tmp, 'taken');
    write('taken/notes.txt', 'mine\n');
    const r = await cli('init', ...good(), '--out', out);
    expect(r.code).toBe(2);
    expect(r.err).toContain(`${out} already has files (notes.txt)`);
    expect(r.err).toContain('(INIT_OUT_NOT_EMPTY)');
    expect(fs.readdirSync(out)).toEqual(['notes.txt']);
    const forced = await cli('init', ...good(), '--out', out, '--force');
    expect(forced.code).toBe(0);
    expect(fs.readdirSync(out).sort()).toEqual(['configs', 'lab.yaml', 'notes.txt', 'scenarios']);
    expect(fs.readFileSync(path.join(out, 'notes.txt'), 'utf8')).toBe('mine\n');
  });
});

test('the lab is named after the output folder', () => {
  expect(labNameFor('chaos')).toBe('team');
  expect(labNameFor('chaos-lb')).toBe('lb');
  expect(labNameFor('chaosmonkey')).toBe('chaosmonkey');
  expect(labNameFor('/srv/Team LB/')).toBe('team-lb');
  expect(labNameFor('__')).toBe('team');
});

test('the `state MASTER` router holds the VIP even with the lower address; after a split brain the higher address wins', async () => {
  const r = await initAndRun('reversed', [
    path.join(COURSE, 'seed-backup.conf'),
    path.join(COURSE, 'seed-master.conf'),
  ]);
  expect(r.init.out).toMatch(
    /server03 {2}192\.168\.17\.101 {2}priority 100 {2}from .*seed-master\.conf {2}\(holds the VIP\)/,
  );
  expect(r.run.counts).toEqual({ passed: 4, failed: 0, skipped: 0, error: 0 });
  const split = r.byName.get('split-brain');
  expect(split?.description).toContain('stays master: server01 (priority 100, 192.168.17.102)');
  expect(split?.switchovers.at(-1)?.to).toBe('server01');
});

test('three routers: the third is server04, the highest-priority backup takes over, all three split', async () => {
  const files = [120, 110, 100].map((p) => write(`three-in/lb-${p}.conf`, conf({ priority: p })));
  const r = await initAndRun('three', files);
  expect(r.lab.nodes.map((n) => [n.name, n.address])).toEqual([
    ['server01', '10.20.30.102'],
    ['server03', '10.20.30.101'],
    ['server02', '10.20.30.100'],
    ['prober', '10.20.30.50'],
    ['server04', '10.20.30.103'],
  ]);
  expect(r.run.counts).toEqual({ passed: 4, failed: 0, skipped: 0, error: 0 });
  expect(r.byName.get('poweroff-master')?.switchovers[0]).toMatchObject({
    from: 'server01',
    to: 'server03',
    gapSeconds: 3 + (256 - 110) / 256,
  });
  const split = r.byName.get('split-brain');
  expect(split?.expectations.filter((e) => e.description.includes('in state MASTER')).length).toBe(
    3,
  );
});

test('a second vrrp_instance runs in the lab too, and init says the scenarios test only the first', async () => {
  const a = write('extra-in/a.conf', conf({ priority: 120, extra: true }));
  const b = write('extra-in/b.conf', conf({ priority: 110, extra: true }));
  const r = await initAndRun('extra', [a, b]);
  expect(r.init.out).toContain(
    'note: server01: VI_EXTRA (VRID 8) runs too, but the scenarios test only VI_WEB (VRID 7, VIP 10.20.30.40)',
  );
  expect(r.run.counts).toEqual({ passed: 4, failed: 0, skipped: 0, error: 0 });
});
