/**
 * malformed-adverts on real containers. The lab `junk` (test/fixtures/labs/junk.yaml: VRRPv2
 * with a password, server01 on keepalived as MASTER, server03 on chaos-vrrpd as BACKUP) comes
 * up with `chaos lab up`; tcpdump runs in both web nodes' namespaces. The fault's Docker plan
 * (the builder's datagrams) is carried out by the Docker driver's own flood code
 * (src/drivers/docker/floods.ts): a sender container at 10.222.0.66 floods VRID 51 at 1000 pps,
 * every kind in turn, for 8 s. Then:
 * - the VIP is on server01 at every check (once a second) during the flood and after;
 * - the captures show the broken adverts arriving, each kind recognised by its headers;
 * - chaos-vrrpd's drop counters equal, reason by reason, what arrived at server03; keepalived's
 *   statistics count the TTL, length and password failures that arrived at server01 (it has no
 *   counter for the others);
 * - yet the flood silences the master: keepalived restarts a master's advert timer after every
 *   packet for its VRID, broken or not, so the backup takes over after Master_Down_Interval and
 *   the master takes the VIP back at once. The second test floods one kind at a time on each
 *   daemon as master: every kind but another group's VRID silences both;
 * - after the heal the sender container is gone.
 *
 * Needs a Docker engine (requires.ts): with CI=true a missing one fails the suite; elsewhere the
 * suite is skipped with a printed reason.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Dockerode from 'dockerode';
import { readPcapFile, type PcapRecord } from '../../src/capture/pcap-file';
import { DockerFloods } from '../../src/drivers/docker/floods';
import { dockerActions, faultUnits, type FloodSpec } from '../../src/faults';
import { fsSource } from '../../src/keepalived/fs-source';
import { captureCommand } from '../../src/lab/capture';
import { DockerLab, systemLabDeps } from '../../src/lab/docker-lab';
import { parseLabFile } from '../../src/lab/lab-file';
import type { StartedLab } from '../../src/lab/lab';
import { faultFromInput } from '../../src/scenario/fault-input';
import { ROOT, chaos } from './cli';
import { describeWithDocker } from './requires';

const LAB_FILE = 'test/fixtures/labs/junk.yaml';
const VIP = '10.222.0.200';
const SENDER = '10.222.0.66';
const ADDRESS = { server01: '10.222.0.102', server03: '10.222.0.101' } as const;
type WebNode = keyof typeof ADDRESS;
const PPS = 1000;
const FLOOD_MS = 8000;
const PCAP = '/tmp/junk-e2e.pcap';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function ok(...args: string[]): Promise<string> {
  const r = await chaos(args);
  if (r.code !== 0) throw new Error(`chaos ${args.join(' ')}: exit ${r.code}\n${r.out}\n${r.err}`);
  return r.out;
}

async function holdsVip(lab: StartedLab, node: string): Promise<boolean> {
  const r = await lab.exec(node, ['ip', '-4', '-o', 'addr', 'show', 'dev', 'eth0']);
  return r.stdout.includes(` ${VIP}/`);
}

/** A node's capture, copied out and read (Ethernet frames, epoch times). */
async function captured(lab: StartedLab, node: string): Promise<PcapRecord[]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chaos-junk-e2e-'));
  try {
    const file = path.join(dir, `${node}.pcap`);
    fs.writeFileSync(file, (await lab.readFile(node, PCAP)) ?? Buffer.alloc(0));
    return (await readPcapFile(file)).records;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The frames from the sender, by kind: each kind recognised by its IPv4 and VRRP headers (28
 * octets, which differ between every two kinds), as the `length` kind's cut-off tail may not be
 * in the capture.
 */
function arrivedByKind(records: readonly PcapRecord[], flood: FloodSpec): Record<string, number> {
  const head = (b: Buffer): Buffer => b.subarray(0, 28);
  const kinds = flood.packets.map((p) => ({ kind: p.kind, head: head(Buffer.from(p.hex, 'hex')) }));
  const out: Record<string, number> = Object.fromEntries(kinds.map((k) => [k.kind, 0]));
  for (const r of records) {
    const ip = head(r.data.subarray(14)); // Ethernet II, no VLAN on the lab bridge
    const k = kinds.find((x) => ip.equals(x.head));
    if (k) out[k.kind] = (out[k.kind] ?? 0) + 1;
  }
  return out;
}

/**
 * How `src` advertised from `from` to `to` (epoch s): its largest silence (the ends included),
 * its adverts, and the adverts of `other` meanwhile.
 */
function masterGaps(
  records: readonly PcapRecord[],
  src: string,
  other: string,
  from: number,
  to: number,
): { max: number; count: number; others: number } {
  const srcOf = (r: PcapRecord): string => r.data.subarray(14 + 12, 14 + 16).join('.');
  const within = records.filter((r) => r.timestampSeconds >= from && r.timestampSeconds <= to);
  const times = [
    from,
    ...within.filter((r) => srcOf(r) === src).map((r) => r.timestampSeconds),
    to,
  ];
  let max = 0;
  for (let i = 1; i < times.length; i++) max = Math.max(max, times[i]! - times[i - 1]!);
  const others = within.filter((r) => srcOf(r) === other).length;
  return { max, count: times.length - 2, others };
}

describeWithDocker('malformed-adverts on Docker', () => {
  const docker = new Dockerode();
  const lab = new DockerLab(systemLabDeps(docker));
  const spec = parseLabFile(
    fs.readFileSync(path.join(ROOT, LAB_FILE), 'utf8'),
    path.join(ROOT, LAB_FILE),
    fsSource(),
  );

  beforeAll(async () => {
    execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit' });
    await ok('lab', 'up', LAB_FILE);
  }, 600_000);

  afterAll(async () => {
    await chaos(['lab', 'down', '--lab', 'junk']);
  }, 120_000);

  /** A flood of `kind` at `pps` for `ms`, with captures in both web nodes; what it left. */
  async function floodPhase(
    started: StartedLab,
    kind: string,
    pps: number,
    ms: number,
    owner: WebNode = 'server01',
  ) {
    const other: WebNode = owner === 'server01' ? 'server03' : 'server01';
    for (const node of ['server01', 'server03'])
      await started.execDetached(node, captureCommand({ file: PCAP, filter: 'ip proto 112' }));
    await sleep(2500);
    expect(await holdsVip(started, owner)).toBe(true);
    const fault = faultFromInput(
      { fault: 'malformed-adverts', rogue: 'junk', address: SENDER, pps, kind },
      spec,
    );
    const [unit] = faultUnits(fault);
    const [action] = dockerActions(unit!, spec, 'apply');
    if (!action || !('startFlood' in action)) throw new Error('no startFlood in the plan');
    const flood = action.startFlood;
    const image = (await docker.getContainer('chaos-junk-server01').inspect()).Config.Image;
    const floods = new DockerFloods(spec, () => Date.now());
    const from = Date.now() / 1000;
    await floods.start(started, flood, image);
    const vipSeen: string[] = [];
    for (let i = 0; i < ms / 1000; i++) {
      await sleep(1000);
      if (!(await holdsVip(started, owner))) vipSeen.push(`not on ${owner} at ${i + 1} s`);
      if (await holdsVip(started, other)) vipSeen.push(`on ${other} at ${i + 1} s`);
    }
    expect(dockerActions(unit!, spec, 'heal')).toEqual([{ removeFlood: 'junk' }]);
    const to = Date.now() / 1000;
    await floods.stop(started, 'junk');
    await floods.stop(started, 'junk'); // healing twice changes nothing
    await expect(docker.getContainer('chaos-junk-junk').inspect()).rejects.toMatchObject({
      statusCode: 404,
    });
    await sleep(500);
    for (const node of ['server01', 'server03'])
      await started.exec(node, ['sh', '-c', 'pkill -INT -x tcpdump; sleep 1']);
    const at01 = await captured(started, 'server01');
    const at03 = await captured(started, 'server03');
    return {
      flood,
      result: floods.result()!,
      vipSeen,
      arrived01: arrivedByKind(at01, flood),
      arrived03: arrivedByKind(at03, flood),
      // The owner's adverts as the other node's capture has them.
      gaps: masterGaps(
        owner === 'server01' ? at03 : at01,
        ADDRESS[owner],
        ADDRESS[other],
        from,
        to,
      ),
    };
  }

  test('1000 pps of every kind: each daemon drops all that arrived, by reason; the sender goes', async () => {
    const started = await lab.attach('junk');
    const p = await floodPhase(started, 'mixed', PPS, FLOOD_MS);
    expect(p.flood.packets.map((x) => x.kind)).toEqual([
      'checksum',
      'version',
      'ttl',
      'length',
      'auth',
      'vrid',
    ]);
    expect(p.vipSeen).toEqual([]);
    const sent = p.result.sent[0]!;
    const total = sent.kinds.reduce((a, k) => a + k.sent, 0);
    expect(total).toBeGreaterThan(PPS * (FLOOD_MS / 1000) * 0.9);
    const reasonOf = Object.fromEntries(p.flood.packets.map((x) => [x.kind, x.reason]));
    process.stdout.write(
      `malformed e2e: sent ${JSON.stringify(Object.fromEntries(sent.kinds.map((k) => [k.kind, k.sent])))}\n` +
        `  arrived at server01 ${JSON.stringify(p.arrived01)}, at server03 ${JSON.stringify(p.arrived03)}\n` +
        `  counters ${JSON.stringify(p.result.nodes)}\n` +
        `  server01's largest advert gap: ${p.gaps.max.toFixed(3)} s (${p.gaps.count} adverts); server03's adverts: ${p.gaps.others}\n`,
    );
    for (const k of sent.kinds) {
      expect(p.arrived01[k.kind]).toBeGreaterThan(k.sent * 0.9);
      expect(p.arrived03[k.kind]).toBeGreaterThan(k.sent * 0.9);
    }
    const chaosNode = p.result.nodes.find((n) => n.node === 'server03')!;
    expect(chaosNode.daemon).toBe('chaos-vrrpd');
    expect(chaosNode.error).toBeUndefined();
    // Exact, reason by reason: every broken advert that reached server03 was dropped for it.
    const expected03 = Object.fromEntries(
      Object.entries(p.arrived03).map(([k, n]) => [reasonOf[k]!, n]),
    );
    expect(chaosNode.counters).toEqual(expected03);
    const kaNode = p.result.nodes.find((n) => n.node === 'server01')!;
    expect(kaNode.daemon).toBe('keepalived');
    expect(kaNode.error).toBeUndefined();
    expect(kaNode.uncounted).toEqual(['checksum', 'version', 'vrid']);
    expect(kaNode.counters).toEqual({
      ttl: p.arrived01.ttl,
      length: p.arrived01.length,
      auth: p.arrived01.auth,
    });
    // Yet the flood silences the master: every packet for its VRID restarts keepalived's advert
    // timer, so server03 takes over after its Master_Down_Interval (3.609 s) and server01, hearing
    // a lower priority, takes the VIP back at once (between two of the checks above).
    expect(p.gaps.max).toBeGreaterThan(3.5);
    expect(p.gaps.max).toBeLessThan(3.8);
    expect(p.gaps.others).toBeGreaterThan(0);
  }, 180_000);

  test('every broken advert for its VRID silences the master, on both daemons; another VRID does not', async () => {
    const started = await lab.attach('junk');
    const kinds = ['checksum', 'version', 'ttl', 'length', 'auth', 'vrid'];
    const gaps: Record<string, Record<string, string>> = { keepalived: {}, 'chaos-vrrpd': {} };
    const silenced: Record<string, string[]> = { keepalived: [], 'chaos-vrrpd': [] };
    const probe = async (daemon: string, owner: WebNode): Promise<void> => {
      for (const kind of kinds) {
        const p = await floodPhase(started, kind, 100, 5000, owner);
        gaps[daemon]![kind] = `${p.gaps.max.toFixed(3)} s (${p.gaps.count} adverts)`;
        // Silenced: no advert for longer than 1.5 advert intervals.
        if (p.gaps.max > 1.5) silenced[daemon]!.push(kind);
        await sleep(3000);
      }
    };
    // keepalived as master (server01, 200), then chaos-vrrpd (server03) while server01's VRRP is stopped.
    await probe('keepalived', 'server01');
    await ok('fault', 'graceful-stop', 'server01', '--lab', 'junk');
    await sleep(1000);
    try {
      await probe('chaos-vrrpd', 'server03');
    } finally {
      await ok('heal', 'graceful-stop', 'server01', '--lab', 'junk');
    }
    await sleep(5000);
    expect(await holdsVip(started, 'server01')).toBe(true);
    process.stdout.write(
      `malformed e2e, the master's largest advert gap per kind: ${JSON.stringify(gaps)}\n`,
    );
    const forVrid = kinds.filter((k) => k !== 'vrid');
    expect(silenced).toEqual({ keepalived: forVrid, 'chaos-vrrpd': forVrid });
  }, 300_000);
});
