/**
 * malformed-adverts on real containers. The lab `junk` (test/fixtures/labs/junk.yaml: VRRPv2
 * with a password, server01 on chaos-vrrpd as MASTER, server03 on keepalived as BACKUP) comes
 * up with `chaos lab up`; tcpdump runs in both web nodes' namespaces. The fault's Docker plan
 * (the builder's datagrams) is carried out by the Docker driver's own flood code
 * (src/drivers/docker/floods.ts): a sender container at 10.222.0.66 floods VRID 51 at 1000 pps,
 * every kind in turn, for 8 s. Then:
 * - the VIP never left server01 (checked every second during the flood and after);
 * - the captures show the broken adverts arriving, each kind recognised by its exact bytes;
 * - chaos-vrrpd's drop counters equal, reason by reason, what arrived at server01; keepalived's
 *   statistics count the TTL and password failures that arrived at server03;
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
import { readPcapFile } from '../../src/capture/pcap-file';
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

/** The frames of a capture from the sender, by kind: each kind's datagram matched byte for byte. */
async function arrivedByKind(
  lab: StartedLab,
  node: string,
  flood: FloodSpec,
): Promise<Record<string, number>> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chaos-junk-e2e-'));
  try {
    const file = path.join(dir, `${node}.pcap`);
    fs.writeFileSync(file, (await lab.readFile(node, PCAP)) ?? Buffer.alloc(0));
    const { records } = await readPcapFile(file);
    const kinds = flood.packets.map((p) => ({ kind: p.kind, bytes: Buffer.from(p.hex, 'hex') }));
    const out: Record<string, number> = Object.fromEntries(kinds.map((k) => [k.kind, 0]));
    for (const r of records) {
      const ip = r.data.subarray(14); // Ethernet II, no VLAN on the lab bridge
      const k = kinds.find(
        (x) => ip.length >= x.bytes.length && ip.subarray(0, x.bytes.length).equals(x.bytes),
      );
      if (k) out[k.kind] = (out[k.kind] ?? 0) + 1;
    }
    return out;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
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

  test('1000 pps of every kind: the VIP stays, each daemon counts what arrived, the sender goes', async () => {
    const started = await lab.attach('junk');
    for (const node of ['server01', 'server03'])
      await started.execDetached(node, captureCommand({ file: PCAP, filter: 'ip proto 112' }));
    await sleep(3000);
    expect(await holdsVip(started, 'server01')).toBe(true);

    const fault = faultFromInput(
      { fault: 'malformed-adverts', rogue: 'junk', address: SENDER, pps: PPS },
      spec,
    );
    const [unit] = faultUnits(fault);
    const [action] = dockerActions(unit!, spec, 'apply');
    if (!action || !('startFlood' in action)) throw new Error('no startFlood in the plan');
    const flood = action.startFlood;
    expect(flood.packets.map((p) => p.kind)).toEqual([
      'checksum',
      'version',
      'ttl',
      'length',
      'auth',
      'vrid',
    ]);
    const image = (await docker.getContainer('chaos-junk-server01').inspect()).Config.Image;
    const floods = new DockerFloods(spec, () => Date.now());

    await floods.start(started, flood, image);
    for (let i = 0; i < FLOOD_MS / 1000; i++) {
      await sleep(1000);
      expect(await holdsVip(started, 'server01')).toBe(true);
      expect(await holdsVip(started, 'server03')).toBe(false);
    }
    expect(dockerActions(unit!, spec, 'heal')).toEqual([{ removeFlood: 'junk' }]);
    await floods.stop(started, 'junk');
    await floods.stop(started, 'junk'); // healing twice changes nothing
    await expect(docker.getContainer('chaos-junk-junk').inspect()).rejects.toMatchObject({
      statusCode: 404,
    });

    await sleep(500);
    for (const node of ['server01', 'server03'])
      await started.exec(node, ['sh', '-c', 'pkill -INT -x tcpdump; sleep 1']);
    expect(await holdsVip(started, 'server01')).toBe(true);

    const result = floods.result()!;
    const sent = result.sent[0]!;
    const total = sent.kinds.reduce((a, k) => a + k.sent, 0);
    expect(total).toBeGreaterThan(PPS * (FLOOD_MS / 1000) * 0.9);
    const reasonOf = Object.fromEntries(flood.packets.map((p) => [p.kind, p.reason]));

    const at01 = await arrivedByKind(started, 'server01', flood);
    const at03 = await arrivedByKind(started, 'server03', flood);
    process.stdout.write(
      `malformed e2e: sent ${JSON.stringify(Object.fromEntries(sent.kinds.map((k) => [k.kind, k.sent])))}\n` +
        `  arrived at server01 ${JSON.stringify(at01)}, at server03 ${JSON.stringify(at03)}\n` +
        `  counters ${JSON.stringify(result.nodes)}\n`,
    );
    for (const k of sent.kinds) {
      expect(at01[k.kind]).toBeGreaterThan(k.sent * 0.9);
      expect(at03[k.kind]).toBeGreaterThan(k.sent * 0.9);
    }
    const chaosNode = result.nodes.find((n) => n.node === 'server01')!;
    expect(chaosNode.daemon).toBe('chaos-vrrpd');
    expect(chaosNode.error).toBeUndefined();
    // Exact, reason by reason: every broken advert that reached server01 was dropped for it.
    const expected01 = Object.fromEntries(Object.entries(at01).map(([k, n]) => [reasonOf[k]!, n]));
    expect(chaosNode.counters).toEqual(expected01);
    const kaNode = result.nodes.find((n) => n.node === 'server03')!;
    expect(kaNode.daemon).toBe('keepalived');
    expect(kaNode.error).toBeUndefined();
    expect(kaNode.uncounted).toEqual(['checksum', 'version', 'vrid']);
    expect(kaNode.counters.ttl).toBe(at03.ttl);
    expect(kaNode.counters.auth).toBe(at03.auth);
  }, 180_000);
});
