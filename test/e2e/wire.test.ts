/**
 * On the wire: Debian's tshark decodes every advert chaos-vrrpd sends (VRRPv2 multicast as in
 * the seed, VRRPv3 with 0.1 s adverts, VRRPv2 unicast) with checksum status good and TTL 255;
 * and with keepalived 2.2.7 on one node and chaos-vrrpd on the other (both orders), the
 * keepalived node's adverts decode the same and the two elect one master.
 *
 * Each case brings up the lab `wire` (test/fixtures/labs/wire-*.yaml: 10.218.0.0/24, its own
 * name and subnet, so it never meets the seed lab or scenario runs), captures with tcpdump in
 * both web nodes' netns (unicast adverts are invisible from a third container), lets server01
 * advertise as master, stops its VRRP gracefully (a priority-0 advert) so that server03
 * advertises too, stops the captures with SIGINT, copies them out (StartedLab.readFile) and reads
 * them with the host's tshark:
 *   tshark -r F -Y vrrp -T fields -e ip.ttl -e vrrp.version -e vrrp.checksum.status ...
 * tshark 4.0 always verifies the VRRP checksum (there is no vrrp.check_checksum preference);
 * vrrp.checksum.status 1 = Good, 0 = Bad, 2 = Unverified.
 *
 * Needs a Docker engine and tshark (requires.ts): with CI=true a missing one fails the suite;
 * elsewhere the suite is skipped with a printed reason.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Dockerode from 'dockerode';
import { analyzePcapFiles } from '../../src/capture/analyze-files';
import { dockerMac } from '../../src/capture/frame-builders';
import { fsSource } from '../../src/keepalived/fs-source';
import { captureCommand } from '../../src/lab/capture';
import { DockerLab, systemLabDeps } from '../../src/lab/docker-lab';
import type { StartedLab } from '../../src/lab/docker-lab';
import { ensureImages } from '../../src/lab/images';
import type { LabImages } from '../../src/lab/images';
import { parseLabFile } from '../../src/lab/lab-file';
import type { LabSpec, VrrpImpl } from '../../src/lab/lab-spec';
import type { LabStatus } from '../../src/lab/lab-status';
import { pollUntil } from '../../src/lab/poll';
import { runNamedFault } from '../../src/drivers/docker/named-fault';
import { DOCKER, TSHARK, describeIf } from './requires';

const ROOT = path.join(__dirname, '../..');
const LABS = path.join(ROOT, 'test/fixtures/labs');
const LAB = 'wire';
const TIMEOUT = 600_000;
const PCAP = '/tmp/wire.pcap';
/** Adverts each chaos node must have sent in a case, at the least. */
const MIN_ADVERTS = 3;
/** How long each of server01 and then server03 advertises as master in a case. */
const MASTER_MS = 5000;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** One decoded VRRP frame, as tshark printed it. */
interface TsharkAdvert {
  ttl: number;
  version: number;
  checksumStatus: number;
  src: string;
  dst: string;
  priority: number;
}

const TSHARK_FIELDS = [
  'ip.ttl',
  'vrrp.version',
  'vrrp.checksum.status',
  'ip.src',
  'ip.dst',
  'vrrp.prio',
] as const;

/** `tshark -r FILE -Y FILTER -T fields`: one row of the fields per matching frame. */
function tsharkFields(file: string, filter: string, fields: readonly string[]): string[][] {
  const r = spawnSync(
    'tshark',
    ['-r', file, '-Y', filter, '-T', 'fields', '-E', 'separator=,'].concat(
      fields.flatMap((f) => ['-e', f]),
    ),
    { encoding: 'utf8' },
  );
  if (r.status !== 0) throw new Error(`tshark -r ${file} exited ${r.status}: ${r.stderr}`);
  return r.stdout
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((line) => line.split(','));
}

function tshark(file: string): TsharkAdvert[] {
  return tsharkFields(file, 'vrrp', TSHARK_FIELDS).map(
    ([ttl, version, status, src, dst, prio]) => ({
      ttl: Number(ttl),
      version: Number(version),
      checksumStatus: status === '' || status === undefined ? NaN : Number(status),
      src: src ?? '',
      dst: dst ?? '',
      priority: Number(prio),
    }),
  );
}

/** The gratuitous ARPs in a capture, as tshark decodes them. */
interface TsharkGarp {
  ethSrc: string;
  ethDst: string;
  senderMac: string;
  senderIp: string;
  targetMac: string;
  targetIp: string;
}

function tsharkGarps(file: string): TsharkGarp[] {
  const fields = ['eth.src', 'eth.dst', 'arp.src.hw_mac', 'arp.src.proto_ipv4'];
  const more = ['arp.dst.hw_mac', 'arp.dst.proto_ipv4'];
  return tsharkFields(file, 'arp.isgratuitous', [...fields, ...more]).map(
    ([ethSrc = '', ethDst = '', senderMac = '', senderIp = '', targetMac = '', targetIp = '']) => ({
      ethSrc,
      ethDst,
      senderMac,
      senderIp,
      targetMac,
      targetIp,
    }),
  );
}

interface Env {
  docker: Dockerode;
  driver: DockerLab;
  images: LabImages;
  workDir: string;
}

let env: Env | undefined;

function labSpec(file: string, vrrp?: { server01: VrrpImpl; server03: VrrpImpl }): LabSpec {
  const full = path.join(LABS, file);
  const spec = parseLabFile(fs.readFileSync(full, 'utf8'), full, fsSource());
  if (!vrrp) return spec;
  return {
    ...spec,
    nodes: spec.nodes.map((n) =>
      n.name === 'server01' || n.name === 'server03' ? { ...n, vrrp: vrrp[n.name] } : n,
    ),
  };
}

async function waitOwners(lab: StartedLab, owners: string[], timeoutMs = 20000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: LabStatus | undefined;
  while (Date.now() < deadline) {
    last = await lab.status();
    if (last.vipOwners.join() === owners.join()) return;
    await sleep(250);
  }
  throw new Error(`VIP owners ${JSON.stringify(last?.vipOwners)} not ${JSON.stringify(owners)}`);
}

async function until(what: string, check: () => Promise<boolean>, timeoutMs = 5000) {
  await pollUntil(what, check, { timeoutMs, intervalMs: 50, clock: { now: Date.now, sleep } });
}

interface Observed {
  /** Per web node: the adverts in its own capture. */
  captures: Record<'server01' | 'server03', TsharkAdvert[]>;
  /** Per web node: the gratuitous ARPs in its own capture. */
  garps: Record<'server01' | 'server03', TsharkGarp[]>;
  /** Per web node: chaos-vrrpd's takeover I/O ("VIPS/GARP" from its takeover-io event), null for keepalived. */
  takeoverIo: Record<'server01' | 'server03', string | null>;
  files: string[];
  /** Status with server01 master, before its graceful stop; and after server03 took over. */
  before: LabStatus;
  after: LabStatus;
  address: Record<'server01' | 'server03', string>;
}

/**
 * Up the lab, capture in both web nodes while server01 is master and then server03 (after a
 * graceful stop of server01's VRRP), down the lab.
 */
async function observe(spec: LabSpec, tag: string): Promise<Observed> {
  if (!env) throw new Error('no environment');
  const { driver, images, workDir } = env;
  const lab = await driver.up(spec, images);
  try {
    const web = ['server01', 'server03'] as const;
    await waitOwners(lab, ['server01']);
    for (const node of web) await lab.execDetached(node, captureCommand({ file: PCAP }));
    for (const node of web)
      await until(`${PCAP} not written in ${node}`, async () => {
        return (await lab.exec(node, ['test', '-s', PCAP])).exitCode === 0;
      });
    await sleep(MASTER_MS);
    const before = await lab.status();
    await runNamedFault(lab, 'graceful-stop', 'apply', 'server01');
    await waitOwners(lab, ['server03']);
    await sleep(MASTER_MS);
    const after = await lab.status();
    const files: string[] = [];
    for (const node of web) {
      await lab.exec(node, ['pkill', '-INT', '-x', 'tcpdump']);
      await until(`tcpdump still running in ${node}`, async () => {
        return (await lab.exec(node, ['pgrep', '-x', 'tcpdump'])).exitCode !== 0;
      });
      const dest = path.join(workDir, `${tag}-${node}.pcap`);
      fs.writeFileSync(dest, (await lab.readFile(node, PCAP)) ?? Buffer.alloc(0));
      files.push(dest);
    }
    const address = (name: string): string => lab.node(name).address;
    const takeoverIo = async (node: string): Promise<string | null> => {
      const r = await lab.exec(node, ['cat', '/var/log/chaos/vrrpd-events.jsonl']);
      const line = r.stdout.split('\n').find((l) => l.includes('"takeover-io"'));
      if (!line) return null;
      const e = JSON.parse(line) as { vips: string; garp: string };
      return `${e.vips}/${e.garp}`;
    };
    return {
      captures: { server01: tshark(files[0] ?? ''), server03: tshark(files[1] ?? '') },
      garps: { server01: tsharkGarps(files[0] ?? ''), server03: tsharkGarps(files[1] ?? '') },
      takeoverIo: {
        server01: await takeoverIo('server01'),
        server03: await takeoverIo('server03'),
      },
      files,
      before,
      after,
      address: { server01: address('server01'), server03: address('server03') },
    };
  } finally {
    await lab.down();
  }
}

/** Every advert decoded well: TTL 255, checksum good, the version configured. */
function expectWellFormed(adverts: readonly TsharkAdvert[], version: number): void {
  const bad = adverts.filter(
    (a) => a.ttl !== 255 || a.checksumStatus !== 1 || a.version !== version,
  );
  expect(bad).toEqual([]);
}

function sentBy(o: Observed, node: 'server01' | 'server03'): TsharkAdvert[] {
  return o.captures[node].filter((a) => a.src === o.address[node]);
}

/** server01 master first, then server03; one master at a time. */
function expectOneMaster(o: Observed): void {
  expect(o.before.vipOwners).toEqual(['server01']);
  expect(o.before.nodes.find((n) => n.name === 'server03')?.vrrp?.state).toBe('BACKUP');
  expect(o.after.vipOwners).toEqual(['server03']);
}

/**
 * server03's takeover in its own capture: garp_master_repeat (5) gratuitous ARPs for the VIP,
 * each keepalived's form (a broadcast request, sender = target = VIP, from server03's MAC), and
 * the first of them after server03's first advert as master.
 */
async function expectTakeoverGarps(o: Observed): Promise<void> {
  const vip = o.before.vip;
  const analysis = await analyzePcapFiles([o.files[1] ?? '']);
  const takeover = analysis.switchovers.find((s) => s.to === o.address.server03);
  expect(takeover?.garpCount).toBeGreaterThanOrEqual(5);
  expect(takeover?.garpAfterSeconds).toBeGreaterThanOrEqual(0);
  const mine = o.garps.server03.filter((g) => g.senderIp === vip && g.ethSrc === g.senderMac);
  const fromServer03 = mine.filter((g) => g.senderMac === dockerMac(o.address.server03));
  expect(fromServer03.length).toBeGreaterThanOrEqual(5);
  for (const g of fromServer03)
    expect(g).toMatchObject({
      ethDst: 'ff:ff:ff:ff:ff:ff',
      targetMac: 'ff:ff:ff:ff:ff:ff',
      targetIp: vip,
    });
}

/** Build, make sure of the images, reap, and start from no `wire` lab. */
async function setUp(): Promise<Env> {
  const docker = new Dockerode();
  execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'ignore' });
  const images = await ensureImages({ docker, rootDir: ROOT });
  const driver = new DockerLab(systemLabDeps(docker));
  await driver.reap();
  await driver.removeLab(LAB);
  return { docker, driver, images, workDir: fs.mkdtempSync(path.join(os.tmpdir(), 'chaos-wire-')) };
}

describeIf('VRRP on the wire (Docker + tshark)', [DOCKER, TSHARK], () => {
  beforeAll(async () => {
    env = await setUp();
  }, TIMEOUT);

  afterAll(async () => {
    if (!env) return;
    await env.driver.removeLab(LAB);
    fs.rmSync(env.workDir, { recursive: true, force: true });
  }, TIMEOUT);

  test.each([
    ['VRRPv2 multicast (the seed)', 'wire-v2.yaml', 2, 'multicast'],
    ['VRRPv3, 0.1 s adverts', 'wire-v3.yaml', 3, 'multicast'],
    ['VRRPv2 unicast peers', 'wire-unicast.yaml', 2, 'unicast'],
  ] as const)(
    'chaos-vrrpd %s: every advert TTL 255, checksum good, version as configured',
    async (_name, file, version, mode) => {
      const o = await observe(labSpec(file), path.basename(file, '.yaml'));
      expectOneMaster(o);
      for (const node of ['server01', 'server03'] as const) {
        expect(o.captures[node].length).toBeGreaterThan(0);
        expectWellFormed(o.captures[node], version);
        expect(sentBy(o, node).length).toBeGreaterThanOrEqual(MIN_ADVERTS);
      }
      // server01's graceful stop is on the wire as a priority-0 advert.
      expect(sentBy(o, 'server01').some((a) => a.priority === 0)).toBe(true);
      await expectTakeoverGarps(o);
      const peer = { server01: o.address.server03, server03: o.address.server01 };
      for (const node of ['server01', 'server03'] as const) {
        const dsts = [...new Set(sentBy(o, node).map((a) => a.dst))];
        expect(dsts).toEqual([mode === 'unicast' ? peer[node] : '224.0.0.18']);
      }
      if (mode === 'unicast') {
        // Each node received the other's adverts (its own capture holds them).
        for (const node of ['server01', 'server03'] as const)
          expect(o.captures[node].some((a) => a.src === peer[node])).toBe(true);
      }
    },
    TIMEOUT,
  );

  test.each([
    ['chaos', 'keepalived'],
    ['keepalived', 'chaos'],
  ] as const)(
    'interop: server01 on %s, server03 on %s: both decode alike, one master at a time',
    async (a, b) => {
      const o = await observe(labSpec('wire-v2.yaml', { server01: a, server03: b }), `${a}-${b}`);
      expect(o.before.nodes.filter((n) => n.role === 'web').map((n) => n.vrrp?.impl)).toEqual([
        a,
        b,
      ]);
      expectOneMaster(o);
      for (const node of ['server01', 'server03'] as const) {
        expectWellFormed(o.captures[node], 2);
        expect(sentBy(o, node).length).toBeGreaterThanOrEqual(MIN_ADVERTS);
        expect([...new Set(sentBy(o, node).map((x) => x.dst))]).toEqual(['224.0.0.18']);
      }
      // The backup accepted the master's adverts (no split brain) and took over on its
      // priority 0: exactly one switchover, server01 -> server03.
      const analysis = await analyzePcapFiles(o.files);
      expect(analysis.splitBrain).toEqual([]);
      expect(analysis.switchovers.map((s) => [s.from, s.to, s.reason])).toEqual([
        [o.address.server01, o.address.server03, 'priority-0'],
      ]);
      // Whichever implementation takes over announces the VIP the same way.
      await expectTakeoverGarps(o);
      // chaos-vrrpd in the image makes the takeover's kernel calls itself, as keepalived does.
      expect(o.takeoverIo).toEqual({
        server01: a === 'chaos' ? 'netlink/packet-socket' : null,
        server03: b === 'chaos' ? 'netlink/packet-socket' : null,
      });
    },
    TIMEOUT,
  );
});
