/**
 * The Docker driver against a scripted lab (fake-lab.ts): what it runs in which node for each
 * fault of the catalog, how it samples, reads the prober and the captures, and what evidence it
 * leaves. No Docker engine involved.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LINKTYPE_ETHERNET } from '../../../src/capture/link';
import { encodePcap } from '../../../src/capture/pcap-format';
import { DockerDriver } from '../../../src/drivers/docker/driver';
import { faultUnits, type FaultSpec } from '../../../src/faults';
import type { LoadedScenario } from '../../../src/scenario/loader';
import { advertFrame } from '../capture/builders';
import { FakeLab, fakeSession } from './fake-lab';
import { loadedScenario } from '../loaded-scenario';

const T0 = 1_700_000_000_000;
const CAPTURES = '/var/log/chaos/captures-t1';
const PROBER_FILE = '/var/log/chaos/prober-t1.jsonl';

const STEPS = [
  '  - fault: power-off',
  '    node: server01',
  '  - fault: pause',
  '    node: server03',
  '  - fault: rogue-advert',
  '    rogue: evil',
  '    address: 192.168.17.66',
].join('\n');

let evidenceDir: string;
let now: number;
let lab: FakeLab;
let session: ReturnType<typeof fakeSession>;
let driver: DockerDriver;
let loaded: LoadedScenario;

/** The scenario's fault of this step, as the runner hands it to the driver (one unit). */
const unit = (step: number): FaultSpec => {
  const s = loaded.scenario.steps[step];
  if (s?.kind !== 'fault') throw new Error(`step ${step} is no fault`);
  return faultUnits(s.fault)[0]!;
};

beforeEach(async () => {
  evidenceDir = fs.mkdtempSync(path.join(os.tmpdir(), 'chaos-driver-'));
  now = T0;
  loaded = loadedScenario(`${STEPS}\n`);
  lab = new FakeLab({ ...loaded.scenario.lab, nodes: loaded.scenario.lab.nodes }, '192.168.17.200');
  session = fakeSession(lab.asStartedLab());
  driver = new DockerDriver(loaded, session, {
    now: () => now,
    sleep: (ms) => {
      now += ms;
      return Promise.resolve();
    },
    evidenceDir,
    tag: 't1',
  });
  await driver.start();
});

afterEach(() => fs.rmSync(evidenceDir, { recursive: true, force: true }));

test('start: tcpdump in every web node and the prober, then the prober with the scenario probe', () => {
  const detached = lab.calls.filter((c) => c.op === 'execDetached');
  const tcpdump = `mkdir -p ${CAPTURES} && exec tcpdump -i eth0 --immediate-mode -U -n -Z root`;
  expect(detached.map((c) => `${c.node}: ${c.cmd.at(-1)?.slice(0, tcpdump.length)}`)).toEqual([
    `server01: ${tcpdump}`,
    `server03: ${tcpdump}`,
    `prober: ${tcpdump}`,
    `prober: exec node /opt/chaos/dist/src/prober/main.js --url 'http://192.168.17.200/' --interval-ms `,
  ]);
  expect(detached[0]?.cmd.at(-1)).toContain(`-w ${CAPTURES}/server01-1.pcap 'ip proto 112 or arp'`);
  expect(detached[3]?.cmd.at(-1)).toContain(
    `--interval-ms 20 --timeout-ms 500 --duration-s 330 --out ${PROBER_FILE}`,
  );
  // 330 s: the steady-state wait (30 s), a 120 s margin and a minute per fault step.
  // The database node is neither captured nor probed.
  expect(lab.commands('server02')).toEqual([]);
});

test('power-off: the catalog plan in the node; power-on starts it, waits, and captures again', async () => {
  await driver.apply(unit(0));
  expect(lab.calls.at(-1)).toEqual({ op: 'runSteps', node: 'server01', steps: [{ do: 'kill' }] });
  const down = await driver.sample();
  expect(down.states).toMatchObject({ server01: 'STOPPED', server03: 'BACKUP' });

  await driver.heal(unit(0));
  expect(lab.calls.filter((c) => c.op === 'runSteps').at(-1)).toEqual({
    op: 'runSteps',
    node: 'server01',
    steps: [{ do: 'start' }, { do: 'wait-ready' }],
  });
  // The capture died with the node: a second file.
  expect(lab.commands('server01').at(-1)).toContain(`-w ${CAPTURES}/server01-2.pcap`);
});

test('pause: a frozen node is not asked; its samples repeat what it showed last', async () => {
  lab.at('server03').state = 'MASTER';
  lab.at('server03').vip = true;
  expect(await driver.sample()).toMatchObject({ owners: ['server03'] });
  await driver.apply(unit(1));
  expect(lab.calls.at(-1)).toEqual({ op: 'runSteps', node: 'server03', steps: [{ do: 'pause' }] });
  const asked = lab.commands('server03').length;
  lab.at('server03').state = 'BACKUP';
  const frozen = await driver.sample();
  expect(lab.commands('server03')).toHaveLength(asked);
  expect(frozen).toMatchObject({ owners: ['server03'], states: { server03: 'MASTER' } });
  await driver.heal(unit(1));
  expect((await driver.sample()).states.server03).toBe('BACKUP');
});

test('rogue-advert: a web-image container with the rogue instance, sampled while present', async () => {
  await driver.apply(unit(2));
  const start = lab.calls.at(-1);
  expect(start).toMatchObject({
    op: 'startRogue',
    rogue: { name: 'evil', address: '192.168.17.66', image: 'chaos/web:test' },
  });
  const conf = start?.op === 'startRogue' ? start.rogue.configText : '';
  expect(conf).toMatch(/virtual_router_id 51/);
  expect(conf).toMatch(/priority 254/);
  expect(conf).toMatch(/192\.168\.17\.200/);
  expect(Object.keys((await driver.sample()).states)).toEqual(['server01', 'server03', 'evil']);
  await driver.heal(unit(2));
  expect(lab.calls.at(-1)).toEqual({ op: 'removeRogue', name: 'evil' });
  expect(Object.keys((await driver.sample()).states)).toEqual(['server01', 'server03']);
});

test('probes: the prober output read in pieces, half lines kept for later, in send order', async () => {
  const line = (t: number, ok: boolean): string =>
    JSON.stringify({ t: T0 + t, ok, status: ok ? 200 : null, servedBy: ok ? 'server01' : null });
  const prober = lab.at('prober').files;
  prober.set(PROBER_FILE, Buffer.from(`${line(40, true)}\n${line(20, false).slice(0, 10)}`));
  expect((await driver.probes()).map((p) => p.t)).toEqual([40]);
  prober.set(PROBER_FILE, Buffer.from(`${line(40, true)}\n${line(20, false)}\n`));
  const probes = await driver.probes();
  expect(probes.map((p) => [p.t, p.ok, p.servedBy])).toEqual([
    [20, false, null],
    [40, true, 'server01'],
  ]);
});

test('observations: the pcaps copied out, frames in seconds since the lab came up, cached', async () => {
  const t = T0 / 1000;
  const pcap = encodePcap(
    [1, 2].map((s) => {
      const f = advertFrame(t + s, { src: '192.168.17.102', priority: 100 });
      return { timestampSeconds: f.time, data: f.data };
    }),
    { linkType: LINKTYPE_ETHERNET },
  );
  lab.at('server01').files.set(`${CAPTURES}/server01-1.pcap`, pcap);
  const seen = await driver.observations();
  expect(seen.observations.map((o) => Math.round(o.time * 1000) / 1000)).toEqual([1, 2]);
  expect(seen.sources).toHaveLength(1);
  expect(fs.readdirSync(path.join(evidenceDir, 'pcaps'))).toEqual(['server01-1.pcap']);
  // Nothing new on the wire: the same object, so the runner does not analyse again.
  expect(await driver.observations()).toBe(seen);
});

test('stop: captures and prober stopped, evidence written, rogues removed', async () => {
  await driver.apply(unit(2));
  await driver.sample();
  lab.at('prober').files.set(PROBER_FILE, Buffer.from('{"t":1,"ok":true}\n'));
  lab
    .at('server01')
    .files.set('/var/log/chaos/vrrpd-events.jsonl', Buffer.from('0123456789{"new":1}\n'));
  await driver.stop();
  expect(lab.commands('server01').at(-1)).toMatch(/pkill -INT -x 'tcpdump'/);
  expect(lab.commands('prober').some((c) => c.includes("pkill -INT -f '/opt/chaos/dist"))).toBe(
    true,
  );
  expect(fs.readFileSync(path.join(evidenceDir, 'prober.jsonl'), 'utf8')).toBe(
    '{"t":1,"ok":true}\n',
  );
  const samples = fs.readFileSync(path.join(evidenceDir, 'samples.jsonl'), 'utf8').trim();
  expect(samples.split('\n')).toHaveLength(1);
  // Only what the daemon wrote during the scenario (after the 10 bytes there at start).
  expect(fs.readFileSync(path.join(evidenceDir, 'server01/vrrpd-events.jsonl'), 'utf8')).toBe(
    '{"new":1}\n',
  );
  expect(lab.calls.at(-1)).toEqual({ op: 'removeRogue', name: 'evil' });
});

test('an interrupt ends waits at once and refuses new faults (INTERRUPTED)', async () => {
  session.abort('SIGINT');
  const before = now;
  await expect(driver.wait(60_000)).rejects.toMatchObject({ code: 'INTERRUPTED' });
  expect(now).toBe(before);
  await expect(driver.apply(unit(0))).rejects.toMatchObject({ code: 'INTERRUPTED' });
  await expect(driver.apply(unit(0))).rejects.toThrow(/interrupted \(SIGINT\)/);
  // Heals still run (the rollback needs them).
  await driver.heal(unit(0));
  expect(lab.calls.filter((c) => c.op === 'runSteps')).toEqual([
    { op: 'runSteps', node: 'server01', steps: [{ do: 'start' }, { do: 'wait-ready' }] },
  ]);
});
