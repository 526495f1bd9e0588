/**
 * The library API without Docker: runScenario in the simulator and analyze() of a reference
 * capture, asserted with the chaos/jest matchers; startLab's input errors before any engine is
 * asked; the DockerChaosLab on a fake driver, session and engine (faults, heals, connect, down).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type Dockerode from 'dockerode';
import { ChaosError, analyze, runScenario, startLab } from '../../../src';
import { DockerChaosLab, LAB_CONNECT_FAILED } from '../../../src/api/docker-chaos-lab';
import type { DockerDriver } from '../../../src/drivers/docker/driver';
import type { DockerSession } from '../../../src/drivers/docker/session';
import type { FaultSpec } from '../../../src/faults';
import type { StartedLab, StoredSpec } from '../../../src/lab/lab';
import '../../../src/jest';

const ROOT = path.join(__dirname, '../../..');

describe('runScenario and analyze', () => {
  it("runs poweroff-master in the simulator: report.json's entry, matched", async () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'chaos-lib-'));
    const result = await runScenario(path.join(ROOT, 'scenarios/poweroff-master.yaml'), {
      driver: 'sim',
      out,
    });
    expect(result.status).toBe('passed');
    expect(result).toHaveSwitchedOver({ from: 'server01', to: 'server03', gapUnder: '3.7s' });
    expect(result).not.toHaveSwitchedOver({ from: 'server01', to: 'server03', gapUnder: '3.6s' });
    expect(result).toHaveNoSplitBrain();
    const written = JSON.parse(fs.readFileSync(path.join(out, 'report.json'), 'utf8')) as {
      scenarios: unknown[];
    };
    expect(written.scenarios[0]).toEqual(JSON.parse(JSON.stringify(result)));
  });

  it('analyses a capture: switchovers by address', async () => {
    const r = await analyze(
      path.join(ROOT, 'test/fixtures/reference/keepalived/poweroff-master.pcap'),
    );
    expect(r.packetCount).toBe(30);
    expect(r).toHaveSwitchedOver({
      from: '192.168.17.102',
      to: '192.168.17.101',
      gapUnder: '3.7s',
    });
    expect(r).toHaveNoSplitBrain();
  });

  it('startLab: a missing lab file is an InputError with its code, before any engine', async () => {
    await expect(startLab('/nonexistent/lab.yaml')).rejects.toMatchObject({
      name: 'InputError',
      code: 'LAB_FILE_NOT_FOUND',
    });
  });
});

const SPEC: StoredSpec = {
  name: 'seed',
  subnet: '192.168.17.0/24',
  gateway: '192.168.17.1',
  vip: '192.168.17.200',
  vrid: 51,
  nodes: [
    { name: 'server01', role: 'web', address: '192.168.17.102', vrrp: 'chaos' },
    { name: 'server03', role: 'web', address: '192.168.17.101', vrrp: 'chaos' },
    { name: 'server02', role: 'mysql', address: '192.168.17.100' },
    { name: 'prober', role: 'prober', address: '192.168.17.50' },
  ],
};

interface Script {
  /** VIP owners by status poll (the last one repeats). */
  owners?: string[][];
  /** Advert sources the captures hold by observations() call (the last one repeats). */
  adverts?: string[][];
}

function fakes(owned: boolean, connectError?: Error, script: Script = {}) {
  const calls: string[] = [];
  let now = 0;
  let polls = 0;
  let looks = 0;
  const at = <T>(list: T[] | undefined, i: number, none: T): T =>
    list?.[Math.min(i, list.length - 1)] ?? none;
  const started = {
    name: 'seed',
    spec: SPEC,
    status: () =>
      Promise.resolve({ vip: SPEC.vip, vipOwners: at(script.owners, polls++, ['server01']) }),
  };
  const unit = (u: FaultSpec): string =>
    `${u.kind} ${(u as { nodes?: string[] }).nodes?.join(',') ?? ''}`;
  const driver = {
    startedLab: () => started as unknown as StartedLab,
    observations: () =>
      Promise.resolve({
        sources: [],
        observations: at(script.adverts, looks++, []).map((src) => ({ kind: 'advert', src })),
      }),
    apply: (u: FaultSpec) => (calls.push(`apply ${unit(u)}`), Promise.resolve()),
    heal: (u: FaultSpec) => (calls.push(`heal ${unit(u)}`), Promise.resolve()),
    stop: () => (calls.push('stop'), Promise.resolve()),
  };
  const session = { ownsLab: owned, close: () => (calls.push('close'), Promise.resolve()) };
  const network = {
    connect: (o: unknown) =>
      connectError
        ? Promise.reject(connectError)
        : (calls.push(`connect ${JSON.stringify(o)}`), Promise.resolve()),
    disconnect: (o: unknown) => (calls.push(`disconnect ${JSON.stringify(o)}`), Promise.resolve()),
  };
  const docker = { getNetwork: (name: string) => (calls.push(`network ${name}`), network) };
  const lab = new DockerChaosLab({
    docker: docker as unknown as Dockerode,
    session: session as unknown as DockerSession,
    driver: driver as unknown as DockerDriver,
    clock: {
      now: () => now,
      sleep: (ms: number) => {
        now += ms;
        return Promise.resolve();
      },
    },
    evidenceDir: '/tmp/x',
    probeIntervalMs: 20,
  });
  return { lab, calls, now: () => now };
}

describe('DockerChaosLab on fakes', () => {
  it('applies and heals named faults through the driver; power-on heals a power-off', async () => {
    const { lab, calls } = fakes(true);
    expect(lab.network).toEqual({
      name: 'chaos-seed',
      subnet: '192.168.17.0/24',
      gateway: '192.168.17.1',
      vip: '192.168.17.200',
      taken: [
        '192.168.17.1',
        '192.168.17.200',
        '192.168.17.102',
        '192.168.17.101',
        '192.168.17.100',
        '192.168.17.50',
      ],
    });
    expect((await lab.fault('power-off', 'server01')).verb).toBe('power-off');
    expect((await lab.fault('power-on', 'server01')).action).toBe('heal');
    await lab.heal('kill-nginx', 'server03');
    expect(calls).toEqual([
      'apply power-off server01',
      'heal power-off server01',
      'heal kill-process server03',
    ]);
  });

  it('refuses an unknown node or fault with its code', async () => {
    const { lab } = fakes(true);
    await expect(lab.fault('power-off', 'server09')).rejects.toMatchObject({
      code: 'UNKNOWN_NODE',
    });
    await expect(lab.fault('melt', 'server01')).rejects.toMatchObject({ code: 'UNKNOWN_FAULT' });
  });

  it('down on a lab it leaves up heals what is applied, disconnects, stops, once', async () => {
    const { lab, calls } = fakes(false);
    await lab.fault('power-off', 'server01');
    await lab.connect('abcdef0123456789', { address: '192.168.17.60', aliases: ['app'] });
    calls.length = 0;
    await lab[Symbol.asyncDispose]();
    await lab.down();
    expect(calls).toEqual([
      'heal power-off server01',
      'network chaos-seed',
      'disconnect {"Container":"abcdef0123456789","Force":true}',
      'stop',
      'close',
    ]);
    await expect(lab.status()).rejects.toMatchObject({ code: 'LAB_DOWN' });
  });

  it('down on a lab it brought up skips the heals (the lab goes)', async () => {
    const { lab, calls } = fakes(true);
    await lab.fault('power-off', 'server01');
    calls.length = 0;
    await lab.down();
    expect(calls).toEqual(['stop', 'close']);
  });

  it('connect passes the address and aliases; a refusal names container, network, address', async () => {
    const ok = fakes(true);
    await ok.lab.connect('abcdef0123456789', { address: '192.168.17.60' });
    expect(ok.calls).toContain(
      'connect {"Container":"abcdef0123456789","EndpointConfig":{"IPAMConfig":{"IPv4Address":"192.168.17.60"}}}',
    );
    const bad = fakes(true, new Error('Address already in use'));
    const error = await bad.lab
      .connect('abcdef0123456789', { address: '192.168.17.102' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ChaosError);
    expect((error as ChaosError).code).toBe(LAB_CONNECT_FAILED);
    expect((error as ChaosError).message).toBe(
      'Failed to connect container abcdef012345 to network "chaos-seed" at 192.168.17.102: Address already in use (LAB_CONNECT_FAILED)',
    );
  });

  it('waitSteady: returns once one node holds the VIP and its advert is captured', async () => {
    const { lab, now } = fakes(true, undefined, {
      owners: [[], ['server01', 'server03'], ['server01']],
      adverts: [[], ['192.168.17.101'], ['192.168.17.101', '192.168.17.102']],
    });
    await lab.waitSteady(30_000);
    // polls 1-2: no single owner; 3: owner, no advert of it; 4: an advert of server03; 5: its own.
    expect(now()).toBe(1000);
  });

  it('waitSteady: LAB_NOT_READY at the deadline, naming the owners and what was missing', async () => {
    const split = fakes(true, undefined, { owners: [['server01', 'server03']] });
    await expect(split.lab.waitSteady(1000)).rejects.toThrow(
      'lab seed not steady after 1000 ms: VIP 192.168.17.200 owners server01, server03 (LAB_NOT_READY)',
    );
    const silent = fakes(true, undefined, { adverts: [['192.168.17.101']] });
    await expect(silent.lab.waitSteady(500)).rejects.toThrow(
      'lab seed not steady after 500 ms: VIP 192.168.17.200 owners server01, no advert of the owner captured (LAB_NOT_READY)',
    );
  });
});
