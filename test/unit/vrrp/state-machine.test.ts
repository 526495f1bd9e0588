/**
 * The pure state machine, step by step: inputs in, [state, effects] out. No clock, no sleeps.
 */
import { instanceConfig, type InstanceConfig, type TrackScriptRef } from '../../../src/vrrp/config';
import { encodeIpv4 } from '../../../src/vrrp/ipv4';
import {
  encodeVrrp,
  encodeVrrpDatagram,
  passwordAuthData,
  type VrrpPacket,
} from '../../../src/vrrp/packet';
import {
  initialState,
  step,
  type RouterState,
  type VrrpEffect,
  type VrrpInput,
} from '../../../src/vrrp/state-machine';
import { masterDownIntervalMs, skewTimeMs } from '../../../src/vrrp/timers';

const ME = '192.168.17.101';
const PEER = '192.168.17.102';
const VIP = '192.168.17.200';

function cfg(over: Partial<InstanceConfig> = {}): InstanceConfig {
  return instanceConfig({
    name: 'VI_1',
    vrid: 51,
    auth: { type: 'PASS', password: '1111' },
    vips: [{ address: VIP, prefixLength: 32 }],
    ...over,
  });
}

function run(st: RouterState, ...inputs: VrrpInput[]): [RouterState, VrrpEffect[]] {
  let effects: VrrpEffect[] = [];
  for (const input of inputs) {
    const [next, fx] = step(st, input);
    st = next;
    effects = fx;
  }
  return [st, effects];
}

function v2(over: Partial<Extract<VrrpPacket, { version: 2 }>> = {}): VrrpPacket {
  return {
    version: 2,
    vrid: 51,
    priority: 100,
    addresses: [VIP],
    checksum: 0,
    authType: 1,
    advertIntervalSec: 1,
    authData: passwordAuthData('1111'),
    ...over,
  };
}

function advert(p: VrrpPacket, o: { src?: string; dst?: string; ttl?: number } = {}): Uint8Array {
  return encodeVrrpDatagram(p, {
    src: o.src ?? PEER,
    dst: o.dst ?? '224.0.0.18',
    ttl: o.ttl ?? 255,
  });
}

const kinds = (fx: VrrpEffect[]) => fx.map((e) => e.kind);
const sent = (fx: VrrpEffect[]) =>
  fx.filter((e): e is Extract<VrrpEffect, { kind: 'send' }> => e.kind === 'send');

function backupAt(now: number, over: Partial<InstanceConfig> = {}): RouterState {
  return run(initialState(cfg(over), ME), { kind: 'start', now })[0];
}

function masterAt(now: number, over: Partial<InstanceConfig> = {}): RouterState {
  const st = backupAt(0, over);
  return run(st, { kind: 'timer', timer: 'master-down', now: st.timers['master-down']! })[0];
}

describe('timers', () => {
  test.each([
    [2, 100, 1000, 609.375, 3609.375],
    [2, 254, 1000, 7.8125, 3007.8125],
    [2, 1, 1000, 996.09375, 3996.09375],
    [2, 100, 3000, 609.375, 9609.375],
    [3, 100, 100, 60.9375, 360.9375],
    [3, 100, 1000, 609.375, 3609.375],
    [3, 200, 50, 10.9375, 160.9375],
  ] as const)(
    'v%i priority %i interval %i ms: skew %d, master down %d',
    (version, prio, interval, skew, down) => {
      expect(skewTimeMs(version, prio, interval)).toBe(skew);
      expect(masterDownIntervalMs(version, prio, interval)).toBe(down);
    },
  );
});

describe('startup', () => {
  test.each([
    ['BACKUP', 100, 3609.375],
    ['MASTER', 100, 1003.90625],
    ['MASTER', 255, 0.001],
    ['BACKUP', 255, 3007.8125 - 3.90625],
  ] as const)(
    'state %s priority %i: BACKUP with the master-down timer at %d ms',
    (initial, priority, at) => {
      const [st, fx] = run(initialState(cfg({ initialState: initial, priority }), ME), {
        kind: 'start',
        now: 0,
      });
      expect(st.state).toBe('BACKUP');
      expect(fx).toContainEqual({ kind: 'set-timer', timer: 'master-down', at });
    },
  );

  test('becoming master: advert first, then the VIPs, 5 gratuitous ARPs, a second burst after 5 s', () => {
    const st = backupAt(0);
    const [m, fx] = run(st, { kind: 'timer', timer: 'master-down', now: 3609.375 });
    expect(m.state).toBe('MASTER');
    // The fired timer is already gone, so nothing to clear.
    expect(kinds(fx)).toEqual(['transition', 'send', 'add-vips', 'garp', 'set-timer', 'set-timer']);
    expect(fx).toContainEqual({
      kind: 'garp',
      vips: [{ address: VIP, prefixLength: 32 }],
      count: 5,
    });
    expect(fx).toContainEqual({ kind: 'set-timer', timer: 'garp-delay', at: 3609.375 + 5000 });
    expect(fx).toContainEqual({ kind: 'set-timer', timer: 'advert', at: 4609.375 });
    const s = sent(fx)[0]!;
    expect(s.dst).toBe('224.0.0.18');
    expect(s.packet).toMatchObject({
      version: 2,
      vrid: 51,
      priority: 100,
      addresses: [VIP],
      authType: 1,
      advertIntervalSec: 1,
    });
    // keepalived: the first advert carries IP ID 1.
    expect((s.datagram[4]! << 8) | s.datagram[5]!).toBe(1);
  });

  test('a stale or early timer is ignored', () => {
    const st = backupAt(0);
    expect(run(st, { kind: 'timer', timer: 'master-down', now: 100 })[0].state).toBe('BACKUP');
    expect(run(st, { kind: 'timer', timer: 'advert', now: 5000 })[1]).toEqual([]);
  });

  test('the input state is never modified', () => {
    const st = backupAt(0);
    const copy = JSON.stringify(st);
    step(st, { kind: 'timer', timer: 'master-down', now: 3609.375 });
    expect(JSON.stringify(st)).toBe(copy);
  });
});

describe('backup receiving adverts', () => {
  test('an advert of equal or higher priority resets the master-down timer', () => {
    const [st, fx] = run(backupAt(0), {
      kind: 'packet',
      now: 2000,
      datagram: advert(v2({ priority: 100 })),
    });
    expect(fx).toEqual([{ kind: 'set-timer', timer: 'master-down', at: 2000 + 3609.375 }]);
    expect(st.masterAddress).toBe(PEER);
  });

  test('priority 0: take over after Skew_Time', () => {
    const [, fx] = run(backupAt(0), {
      kind: 'packet',
      now: 2000,
      datagram: advert(v2({ priority: 0 })),
    });
    expect(fx).toEqual([{ kind: 'set-timer', timer: 'master-down', at: 2609.375 }]);
  });

  test('a lower priority is discarded with preempt, accepted with nopreempt', () => {
    const lower = advert(v2({ priority: 50 }));
    const [st, fx] = run(backupAt(0), { kind: 'packet', now: 2000, datagram: lower });
    expect(fx).toEqual([]);
    expect(st.counters['lower-priority-ignored']).toBe(1);
    const [, fx2] = run(backupAt(0, { preempt: false }), {
      kind: 'packet',
      now: 2000,
      datagram: lower,
    });
    expect(fx2).toEqual([{ kind: 'set-timer', timer: 'master-down', at: 5609.375 }]);
  });

  test('v3: the backup adopts the master interval', () => {
    const st = backupAt(0, { version: 3, advertIntervalMs: 1000, auth: null });
    const p: VrrpPacket = {
      version: 3,
      vrid: 51,
      priority: 200,
      addresses: [VIP],
      checksum: 0,
      maxAdvertIntervalCs: 10,
    };
    const [next, fx] = run(st, { kind: 'packet', now: 1000, datagram: advert(p) });
    expect(next.masterAdverIntervalMs).toBe(100);
    expect(fx).toEqual([{ kind: 'set-timer', timer: 'master-down', at: 1000 + 360.9375 }]);
  });
});

describe('master receiving adverts', () => {
  test('higher priority: back to BACKUP, VIPs removed, nothing sent', () => {
    const [st, fx] = run(masterAt(0), {
      kind: 'packet',
      now: 5000,
      datagram: advert(v2({ priority: 150 })),
    });
    expect(st.state).toBe('BACKUP');
    expect(kinds(fx)).toEqual([
      'clear-timer',
      'clear-timer',
      'remove-vips',
      'transition',
      'set-timer',
    ]);
    expect(fx).toContainEqual(
      expect.objectContaining({ kind: 'transition', reason: 'higher-priority-advert' }),
    );
  });

  test('equal priority from a higher address: yield; from a lower address: answer', () => {
    const [yielded] = run(masterAt(0), {
      kind: 'packet',
      now: 5000,
      datagram: advert(v2(), { src: '192.168.17.150' }),
    });
    expect(yielded.state).toBe('BACKUP');
    const [kept, fx] = run(masterAt(0), {
      kind: 'packet',
      now: 5000,
      datagram: advert(v2(), { src: '192.168.17.20' }),
    });
    expect(kept.state).toBe('MASTER');
    expect(sent(fx)).toHaveLength(1);
    expect(fx).toContainEqual(expect.objectContaining({ kind: 'garp', count: 5 }));
  });

  test('lower priority: keepalived answers at once with its own advert and restarts the advert timer', () => {
    const [st, fx] = run(masterAt(0), {
      kind: 'packet',
      now: 5000,
      datagram: advert(v2({ priority: 50 })),
    });
    expect(st.state).toBe('MASTER');
    expect(sent(fx).map((s) => s.packet.priority)).toEqual([100]);
    expect(st.timers.advert).toBe(6000);
  });

  test('priority 0 from another master: send an advert at once', () => {
    const [st, fx] = run(masterAt(0), {
      kind: 'packet',
      now: 5000,
      datagram: advert(v2({ priority: 0 })),
    });
    expect(st.state).toBe('MASTER');
    expect(sent(fx)).toHaveLength(1);
  });

  test('two address owners: keepalived lowers itself to 254 and yields', () => {
    const st = masterAt(0, { priority: 255, initialState: 'MASTER' });
    const [next] = run(st, { kind: 'packet', now: 100, datagram: advert(v2({ priority: 255 })) });
    expect(next.state).toBe('BACKUP');
    expect(next.effectivePriority).toBe(254);
  });

  test('shutdown: one priority-0 advert, VIPs removed, STOPPED; a backup sends nothing', () => {
    const [st, fx] = run(masterAt(0), { kind: 'shutdown', now: 9000 });
    expect(st.state).toBe('STOPPED');
    expect(sent(fx).map((s) => s.packet.priority)).toEqual([0]);
    expect(kinds(fx)).toContain('remove-vips');
    const [, fx2] = run(backupAt(0), { kind: 'shutdown', now: 9000 });
    expect(sent(fx2)).toEqual([]);
  });
});

describe('receive checks, each counted by reason', () => {
  const good = v2();
  const flipChecksum = (d: Uint8Array) => {
    const c = d.slice();
    c[27] = c[27]! ^ 0xff;
    return c;
  };
  const withVersion = (version: number) => {
    const body = encodeVrrp(good, { src: PEER, dst: '224.0.0.18' }).slice();
    body[0] = (version << 4) | 1;
    return encodeIpv4(body, { src: PEER, dst: '224.0.0.18' });
  };
  const withType = (type: number) => {
    const body = encodeVrrp(good, { src: PEER, dst: '224.0.0.18' }).slice();
    body[0] = 0x20 | type;
    return encodeIpv4(body, { src: PEER, dst: '224.0.0.18' });
  };
  const v3packet: VrrpPacket = {
    version: 3,
    vrid: 51,
    priority: 100,
    addresses: [VIP],
    checksum: 0,
    maxAdvertIntervalCs: 100,
  };
  test.each<[string, Uint8Array, string]>([
    ['TTL 64 on multicast', advert(good, { ttl: 64 }), 'drop:ttl'],
    ['bad checksum', flipChecksum(advert(good)), 'drop:checksum'],
    ['VRRP version 4', withVersion(4), 'drop:version'],
    ['VRRPv3 to a v2 instance', advert(v3packet), 'drop:version'],
    ['type 2', withType(2), 'drop:type'],
    [
      'bad length',
      encodeIpv4(encodeVrrp(good, { src: PEER, dst: '224.0.0.18' }).subarray(0, 16), {
        src: PEER,
        dst: '224.0.0.18',
      }),
      'drop:length',
    ],
    [
      'no authentication',
      advert(v2({ authType: 0, authData: new Uint8Array(8) })),
      'drop:auth-type',
    ],
    ['wrong password', advert(v2({ authData: passwordAuthData('2222') })), 'drop:auth'],
    ['advert interval 2 s (v2)', advert(v2({ advertIntervalSec: 2 })), 'drop:interval'],
    ['other VIPs', advert(v2({ addresses: ['10.0.0.1'] })), 'drop:address-list'],
  ])('%s', (_label, datagram, counter) => {
    for (const st0 of [backupAt(0), masterAt(0)]) {
      const [st, fx] = run(st0, { kind: 'packet', now: 1000, datagram });
      expect(st.counters[counter]).toBe(1);
      expect(st.state).toBe(st0.state);
      expect(sent(fx)).toEqual([]);
      expect(st.counters['adverts-received']).toBeUndefined();
    }
  });

  test('another VRID: the state is returned as it is, with a drop effect the driver counts', () => {
    for (const st0 of [backupAt(0), masterAt(0)]) {
      const [st, fx] = run(st0, { kind: 'packet', now: 1000, datagram: advert(v2({ vrid: 52 })) });
      expect(st).toBe(st0);
      expect(fx).toEqual([{ kind: 'drop', reason: 'vrid', detail: 'VRID is not ours' }]);
    }
  });

  test('TTL is not checked for unicast (it may be routed)', () => {
    const st = backupAt(0, { unicastPeers: [PEER], unicastSrcIp: ME });
    const [next] = run(st, {
      kind: 'packet',
      now: 1000,
      datagram: advert(good, { dst: ME, ttl: 64 }),
    });
    expect(next.counters['adverts-received']).toBe(1);
  });

  test('our own looped-back advert is ignored', () => {
    const [st] = run(backupAt(0), {
      kind: 'packet',
      now: 1000,
      datagram: advert(good, { src: ME }),
    });
    expect(st.counters['drop:own']).toBe(1);
  });
});

describe('track scripts', () => {
  const script = (
    weight: number,
    over: Partial<TrackScriptRef['script']> = {},
  ): TrackScriptRef => ({
    name: 'chk',
    weight,
    script: {
      name: 'chk',
      script: '/bin/chk',
      intervalMs: 2000,
      timeoutMs: 1000,
      fall: 2,
      rise: 3,
      weight,
      ...over,
    },
  });
  const result = (ok: boolean, now: number): VrrpInput => ({
    kind: 'script-result',
    name: 'chk',
    ok,
    now,
  });

  test('scripts run at start and then every interval', () => {
    const [st, fx] = run(initialState(cfg({ trackScripts: [script(10)] }), ME), {
      kind: 'start',
      now: 0,
    });
    expect(fx).toContainEqual({ kind: 'set-timer', timer: 'script:chk', at: 0 });
    const [, fx2] = run(st, { kind: 'timer', timer: 'script:chk', now: 0 });
    expect(fx2).toEqual([
      { kind: 'run-script', name: 'chk', command: '/bin/chk', timeoutMs: 1000 },
      { kind: 'set-timer', timer: 'script:chk', at: 2000 },
    ]);
  });

  test('weight > 0: added after the first success; removed after `fall` consecutive failures', () => {
    let [st] = run(initialState(cfg({ trackScripts: [script(10)] }), ME), {
      kind: 'start',
      now: 0,
    });
    expect(st.effectivePriority).toBe(100);
    [st] = run(st, result(true, 1));
    expect(st.effectivePriority).toBe(110);
    [st] = run(st, result(false, 2), result(true, 3), result(false, 4));
    expect(st.effectivePriority).toBe(110); // a success in between restarts the count
    [st] = run(st, result(false, 5));
    expect(st.effectivePriority).toBe(100);
    [st] = run(st, result(true, 6), result(true, 7));
    expect(st.effectivePriority).toBe(100); // rise 3
    [st] = run(st, result(true, 8));
    expect(st.effectivePriority).toBe(110);
  });

  test('weight < 0: subtracted while failed; priority clamped to 1..254', () => {
    let [st] = run(
      initialState(cfg({ priority: 20, trackScripts: [script(-50, { fall: 1 })] }), ME),
      { kind: 'start', now: 0 },
    );
    [st] = run(st, result(false, 1));
    expect(st.effectivePriority).toBe(1);
    let [hi] = run(initialState(cfg({ priority: 250, trackScripts: [script(50)] }), ME), {
      kind: 'start',
      now: 0,
    });
    [hi] = run(hi, result(true, 1));
    expect(hi.effectivePriority).toBe(254);
  });

  test('weights never change an address owner (255)', () => {
    let [st] = run(
      initialState(cfg({ priority: 255, trackScripts: [script(-50, { fall: 1 })] }), ME),
      { kind: 'start', now: 0 },
    );
    [st] = run(st, result(false, 1));
    expect(st.effectivePriority).toBe(255);
  });

  test('a backup whose priority changes shifts its master-down timer by the change of interval', () => {
    let [st] = run(initialState(cfg({ trackScripts: [script(-100, { fall: 1 })] }), ME), {
      kind: 'start',
      now: 0,
    });
    const before = st.timers['master-down']!;
    [st] = run(st, result(false, 10));
    // skew grows from 156/256 s to 256-0... priority 1: (255/256) s; the difference is 99/256 s.
    expect(st.timers['master-down']).toBe(before + (99 * 1000) / 256);
  });

  test('weight 0: FAULT until the first result; a failing master sends priority 0 twice and drops the VIPs', () => {
    let [st] = run(initialState(cfg({ trackScripts: [script(0, { fall: 1 })] }), ME), {
      kind: 'start',
      now: 0,
    });
    expect(st.state).toBe('FAULT');
    [st] = run(st, result(true, 5));
    expect(st.state).toBe('BACKUP');
    expect(st.timers['master-down']).toBe(5 + 3609.375);
    [st] = run(st, { kind: 'timer', timer: 'master-down', now: 3614.375 });
    expect(st.state).toBe('MASTER');
    const [f, fx] = run(st, result(false, 6000));
    expect(f.state).toBe('FAULT');
    expect(sent(fx).map((s) => s.packet.priority)).toEqual([0, 0]);
    expect(kinds(fx)).toContain('remove-vips');
    const [still] = run(f, result(true, 8000), result(true, 10000));
    expect(still.state).toBe('FAULT'); // rise 3
    const [ok] = run(still, result(true, 12000));
    expect(ok.state).toBe('BACKUP');
  });
});

describe('interface and notify', () => {
  test('interface down: FAULT without sending (the link is down); up: BACKUP', () => {
    const [st, fx] = run(masterAt(0), { kind: 'interface', up: false, now: 5000 });
    expect(st.state).toBe('FAULT');
    expect(sent(fx)).toEqual([]);
    expect(run(st, { kind: 'interface', up: true, now: 6000 })[0].state).toBe('BACKUP');
  });

  test('notify scripts run on transitions with keepalived arguments', () => {
    const notify = { master: '/n/master', backup: '/n/backup', any: '/n/any' };
    const [, fx] = run(
      initialState(cfg({ notify }), ME),
      { kind: 'start', now: 0 },
      { kind: 'timer', timer: 'master-down', now: 3609.375 },
    );
    expect(fx.filter((e) => e.kind === 'notify')).toEqual([
      { kind: 'notify', command: '/n/master', args: [] },
      { kind: 'notify', command: '/n/any', args: ['INSTANCE', 'VI_1', 'MASTER', '100'] },
    ]);
  });

  test('unicast: one datagram per peer, same IP ID, from unicast_src_ip', () => {
    const [, fx] = run(
      initialState(cfg({ unicastSrcIp: ME, unicastPeers: [PEER, '192.168.17.103'] }), '10.0.0.1'),
      { kind: 'start', now: 0 },
      { kind: 'timer', timer: 'master-down', now: 3609.375 },
    );
    const s = sent(fx);
    expect(s.map((e) => e.dst)).toEqual([PEER, '192.168.17.103']);
    for (const e of s) {
      expect(Array.from(e.datagram.subarray(12, 16))).toEqual([192, 168, 17, 101]);
      expect((e.datagram[4]! << 8) | e.datagram[5]!).toBe(1);
    }
  });
});
