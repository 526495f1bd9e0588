/**
 * The course's experiments in the simulator, with exact virtual times. Every figure here
 * follows from the RFC timers: Master_Down_Interval = 3 x Advertisement_Interval + Skew_Time,
 * Skew_Time = (256 - priority) / 256 s (v2).
 */
import { SEED_LAB, seedInstance, type SeedWebNode } from '../../../src/lab/seed-lab';
import {
  Simulator,
  traceToJsonl,
  type SimNodeSpec,
  type TraceEvent,
} from '../../../src/sim/simulator';
import type { InstanceConfig, TrackScriptRef } from '../../../src/vrrp/config';

const VIP = SEED_LAB.vip;
const A = SEED_LAB.nodes.server01.address; // .102
const B = SEED_LAB.nodes.server03.address; // .101

function node(
  name: SeedWebNode,
  overrides: Partial<InstanceConfig> = {},
  extra: Partial<SimNodeSpec> = {},
): SimNodeSpec {
  return {
    name,
    address: SEED_LAB.nodes[name].address,
    instances: [seedInstance(name, overrides)],
    ...extra,
  };
}

function seedSim(
  o: {
    server01?: Partial<InstanceConfig>;
    server03?: Partial<InstanceConfig>;
    seed?: number;
    latencyMs?: number;
  } = {},
): Simulator {
  return new Simulator({
    seed: o.seed ?? 1,
    latencyMs: o.latencyMs ?? 0,
    nodes: [node('server01', o.server01), node('server03', o.server03)],
  });
}

type SendEvent = Extract<TraceEvent, { type: 'send' }>;
const sends = (sim: Simulator, nodeName: string): SendEvent[] =>
  sim.trace.filter((e): e is SendEvent => e.type === 'send' && e.node === nodeName);

/** Last advert of `from` at or before `t`, first advert of `to` after it: the VRRP gap. */
function gap(
  sim: Simulator,
  from: string,
  to: string,
  faultAt: number,
): { last: SendEvent; first: SendEvent; gapMs: number } {
  const last = sends(sim, from)
    .filter((e) => e.t <= faultAt)
    .at(-1)!;
  const first = sends(sim, to).find((e) => e.t > faultAt)!;
  return { last, first, gapMs: first.t - last.t };
}

const transitions = (sim: Simulator, nodeName: string) =>
  sim.trace
    .filter((e) => e.type === 'state' && e.node === nodeName)
    .map((e) => (e.type === 'state' ? `${e.t} ${e.from}->${e.to} ${e.reason}` : ''));

describe('seed lab: equal priorities (both 100)', () => {
  test('server01 (state MASTER) is master one interval plus minimum skew after start', () => {
    const sim = seedSim();
    sim.runUntil(10_000);
    expect(sim.vipOwners(VIP)).toEqual(['server01']);
    // keepalived: state MASTER below 255 waits advert_int + skew(255) = 1000 + 3.90625 ms.
    expect(transitions(sim, 'server01')).toEqual([
      '0 INIT->BACKUP startup',
      '1003.90625 BACKUP->MASTER master-down-timer',
    ]);
    expect(transitions(sim, 'server03')).toEqual(['0 INIT->BACKUP startup']);
  });

  test('both BACKUP started together: both time out, the higher address .102 wins', () => {
    const sim = seedSim({ server01: { initialState: 'BACKUP' } });
    sim.runUntil(10_000);
    expect(sim.vipOwners(VIP)).toEqual(['server01']);
    expect(transitions(sim, 'server03')).toEqual([
      '0 INIT->BACKUP startup',
      '3609.375 BACKUP->MASTER master-down-timer',
      '3609.375 MASTER->BACKUP equal-priority-higher-address',
    ]);
    expect(sim.router('server03')?.masterAddress).toBe(A);
  });

  test('a returning equal-priority node does not preempt', () => {
    const sim = seedSim();
    sim.runUntil(9_500);
    sim.powerOff('server01');
    sim.runUntil(20_000);
    expect(sim.vipOwners(VIP)).toEqual(['server03']);
    sim.powerOn('server01');
    sim.runUntil(60_000);
    expect(sim.vipOwners(VIP)).toEqual(['server03']);
    expect(sim.state('server01')).toBe('BACKUP');
  });
});

describe('power off the master', () => {
  test('the backup takes over exactly Master_Down_Interval (3.609375 s) after the last advert', () => {
    const sim = seedSim();
    sim.runUntil(9_500);
    sim.powerOff('server01');
    sim.runUntil(20_000);
    const g = gap(sim, 'server01', 'server03', 9_500);
    expect(g.last.t).toBe(9003.90625);
    expect(g.gapMs).toBe(3609.375);
    expect(sim.vipOwners(VIP)).toEqual(['server03']);
  });

  test('with LAN latency the gap grows by exactly the latency', () => {
    const sim = seedSim({ latencyMs: 0.25 });
    sim.runUntil(9_500);
    sim.powerOff('server01');
    sim.runUntil(20_000);
    expect(gap(sim, 'server01', 'server03', 9_500).gapMs).toBe(3609.625);
  });
});

describe('master network down (service network stop)', () => {
  test('backup takes over after Master_Down_Interval; the downed node goes FAULT and drops the VIP', () => {
    const sim = seedSim();
    sim.runUntil(9_500);
    sim.linkDown('server01');
    expect(sim.state('server01')).toBe('FAULT');
    expect(sim.holdsVip('server01', VIP)).toBe(false);
    sim.runUntil(20_000);
    expect(gap(sim, 'server01', 'server03', 9_500).gapMs).toBe(3609.375);
    expect(sim.vipOwners(VIP)).toEqual(['server03']);
    sim.linkUp('server01');
    sim.runUntil(40_000);
    expect(sim.state('server01')).toBe('BACKUP');
    expect(sim.vipOwners(VIP)).toEqual(['server03']);
  });
});

describe('graceful stop', () => {
  test('priority 0 is sent and the backup takes over after Skew_Time (0.609375 s)', () => {
    const sim = seedSim();
    sim.runUntil(9_500);
    sim.gracefulStop('server01');
    sim.runUntil(12_000);
    const zero = sends(sim, 'server01').at(-1)!;
    expect(zero).toMatchObject({ t: 9_500, priority: 0 });
    const first = sends(sim, 'server03')[0]!;
    expect(first.t - zero.t).toBe(609.375);
    expect(sim.vipOwners(VIP)).toEqual(['server03']);
    expect(sim.state('server01')).toBe('STOPPED');
  });
});

describe('kill nginx with a track script (weight 0)', () => {
  const checkNginx: TrackScriptRef = {
    name: 'check_nginx',
    weight: 0,
    script: {
      name: 'check_nginx',
      script: '/etc/keepalived/check_nginx.sh',
      intervalMs: 3000,
      timeoutMs: 3000,
      fall: 1,
      rise: 1,
      weight: 0,
    },
  };

  test('the next check fails, the master goes FAULT sending priority 0, the backup takes over after skew', () => {
    const sim = seedSim({
      server01: { trackScripts: [checkNginx] },
      server03: { trackScripts: [checkNginx] },
    });
    sim.runUntil(10_000);
    // With a weight-0 script the instance waits in FAULT for the first result, then leaves
    // FAULT to BACKUP with the full Master_Down_Interval: the .102 wins the tie at 3609.375.
    expect(sim.vipOwners(VIP)).toEqual(['server01']);
    sim.killProcess('server01', 'nginx');
    sim.runUntil(10_000 + 3_000); // the script runs every 3 s from t=0: next run at 12 s
    expect(sim.state('server01')).toBe('FAULT');
    sim.runUntil(14_000);
    const zero = sends(sim, 'server01').filter((e) => e.priority === 0);
    expect(zero.map((e) => e.t)).toEqual([12_000, 12_000]);
    expect(sends(sim, 'server03').find((e) => e.t > 12_000)!.t).toBe(12_000 + 609.375);
    expect(sim.vipOwners(VIP)).toEqual(['server03']);
    sim.startProcess('server01', 'nginx');
    sim.runUntil(30_000);
    expect(sim.state('server01')).toBe('BACKUP');
    expect(sim.vipOwners(VIP)).toEqual(['server03']);
  });
});

describe('block multicast (split brain) and its cures', () => {
  test('dropping 224.0.0.18 on both nodes gives two masters; healing gives one again', () => {
    const sim = seedSim();
    sim.runUntil(9_500);
    sim.blockMulticast('server01');
    sim.blockMulticast('server03');
    sim.runUntil(20_000);
    expect(sim.vipOwners(VIP).sort()).toEqual(['server01', 'server03']);
    expect(gap(sim, 'server01', 'server03', 9_500).gapMs).toBe(3609.375);
    sim.unblockMulticast('server01');
    sim.unblockMulticast('server03');
    sim.runUntil(22_000);
    expect(sim.vipOwners(VIP)).toEqual(['server01']);
  });

  test('unicast peers keep one master when multicast is blocked', () => {
    const sim = seedSim({
      server01: { unicastSrcIp: A, unicastPeers: [B] },
      server03: { unicastSrcIp: B, unicastPeers: [A] },
    });
    sim.runUntil(9_500);
    sim.blockMulticast('server01');
    sim.blockMulticast('server03');
    sim.runUntil(30_000);
    expect(sim.vipOwners(VIP)).toEqual(['server01']);
    expect(sends(sim, 'server01').every((e) => e.dst === B)).toBe(true);
  });
});

describe('preemption', () => {
  const primary = { priority: 150 };

  test('nopreempt: a recovered higher-priority master does not take the VIP back', () => {
    const sim = seedSim({
      server01: { ...primary, initialState: 'BACKUP', preempt: false },
      server03: { initialState: 'BACKUP', preempt: false },
    });
    sim.runUntil(9_500);
    expect(sim.vipOwners(VIP)).toEqual(['server01']);
    sim.powerOff('server01');
    sim.runUntil(20_000);
    expect(sim.vipOwners(VIP)).toEqual(['server03']);
    sim.powerOn('server01');
    sim.runUntil(60_000);
    expect(sim.vipOwners(VIP)).toEqual(['server03']);
    expect(sim.state('server01')).toBe('BACKUP');
  });

  test('preempt (default): the higher-priority node returns and takes the VIP back after its Master_Down_Interval', () => {
    const sim = seedSim({ server01: primary });
    sim.runUntil(9_500);
    sim.powerOff('server01');
    sim.runUntil(20_000);
    sim.powerOn('server01');
    sim.runUntil(40_000);
    expect(sim.vipOwners(VIP)).toEqual(['server01']);
    // state MASTER below 255: master after one interval plus minimum skew from boot, as the
    // lower-priority adverts it hears are discarded.
    const back = sim.trace.find(
      (e) => e.type === 'state' && e.node === 'server01' && e.to === 'MASTER' && e.t > 20_000,
    );
    expect(back?.t).toBe(20_000 + 1003.90625);
  });

  test('preempt_delay holds a lower-priority master for the delay before taking over', () => {
    const sim = seedSim({
      server01: { ...primary, initialState: 'BACKUP', preemptDelayMs: 10_000 },
    });
    sim.runUntil(9_500);
    sim.powerOff('server01');
    sim.runUntil(20_000);
    sim.powerOn('server01');
    sim.runUntil(60_000);
    const back = sim.trace.find(
      (e) => e.type === 'state' && e.node === 'server01' && e.to === 'MASTER' && e.t > 20_000,
    );
    // First lower-priority advert heard at ~20.6 s starts the 10 s delay; adverts keep being
    // accepted until it passes, then the Master_Down_Interval (3 s + 106/256 s) runs out.
    expect(back!.t).toBeGreaterThan(20_000 + 10_000);
    expect(back!.t).toBeLessThan(20_000 + 10_000 + 1_000 + 3_415);
    expect(sim.vipOwners(VIP)).toEqual(['server01']);
  });
});

describe('VRRPv3 with 0.1 s adverts', () => {
  test('the backup (priority 100) takes over in 0.3609375 s', () => {
    const v3 = { version: 3 as const, advertIntervalMs: 100, auth: null };
    const sim = seedSim({ server01: { ...v3, priority: 200 }, server03: v3 });
    sim.runUntil(5_050);
    sim.powerOff('server01');
    sim.runUntil(7_000);
    const g = gap(sim, 'server01', 'server03', 5_050);
    expect(g.gapMs).toBe(360.9375);
    expect(sim.vipOwners(VIP)).toEqual(['server03']);
  });
});

describe('rogue router', () => {
  test('a wrong password is ignored; the right one with a higher priority steals the VIP', () => {
    const rogueSpec = (password: string): SimNodeSpec => ({
      name: 'rogue',
      address: '192.168.17.66',
      instances: [seedInstance('server03', { priority: 254, auth: { type: 'PASS', password } })],
      bootAt: 10_000,
    });
    const wrong = new Simulator({
      seed: 1,
      nodes: [node('server01'), node('server03'), rogueSpec('guess')],
    });
    wrong.runUntil(30_000);
    expect(wrong.vipOwners(VIP).filter((n) => n !== 'rogue')).toEqual(['server01']);
    expect(wrong.router('server03')?.counters['drop:auth']).toBeGreaterThan(0);

    const right = new Simulator({
      seed: 1,
      nodes: [node('server01'), node('server03'), rogueSpec('1111')],
    });
    right.runUntil(30_000);
    expect(right.vipOwners(VIP)).toEqual(['rogue']);
    expect(right.state('server01')).toBe('BACKUP');
  });
});

describe('determinism', () => {
  function chaoticRun(seed: number): string {
    const sim = seedSim({ seed, latencyMs: 0.1 });
    sim.runUntil(5_000);
    sim.loss('server01', 0.3);
    sim.delay('server03', 2, 5);
    sim.runUntil(60_000);
    sim.healNetwork();
    sim.blockMulticast('server01');
    sim.runUntil(70_000);
    sim.healNetwork();
    sim.runUntil(90_000);
    return traceToJsonl(sim.trace);
  }

  test('the same seed gives the same trace byte for byte; another seed another trace', () => {
    const a = chaoticRun(42);
    const b = chaoticRun(42);
    expect(a.length).toBeGreaterThan(10_000);
    expect(a).toBe(b);
    expect(chaoticRun(43)).not.toBe(a);
  });
});
