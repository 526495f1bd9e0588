/**
 * Each broken advert fails the receive check it names when our receive path (the state
 * machine's onPacket) takes it, on VRRPv2 with and without a password and on VRRPv3; the same
 * advert without the fault is accepted (the router records a valid advert from the sender).
 */
import { instanceConfig, type InstanceConfig } from '../../../src/vrrp/config';
import { decodeIpv4 } from '../../../src/vrrp/ipv4';
import {
  LENGTH_SHORT_BY,
  MALFORMED_KINDS,
  malformedDatagram,
  malformedKinds,
  malformedReason,
  malformedSet,
  otherVrid,
} from '../../../src/vrrp/malformed';
import { encodeVrrpDatagram } from '../../../src/vrrp/packet';
import { advertPacket } from '../../../src/vrrp/state-effects';
import { initialState, step, type RouterState } from '../../../src/vrrp/state-machine';

const SENDER = '10.222.0.66';
const vips = [{ address: '10.222.0.200', prefixLength: 32 }];
const v2pass = instanceConfig({ vrid: 51, vips, auth: { type: 'PASS', password: 'secret' } });
const v2none = instanceConfig({ vrid: 51, vips });
const v3 = instanceConfig({ vrid: 7, vips, version: 3, advertIntervalMs: 100 });

/** A backup of `c` on .101, started. */
function backup(c: InstanceConfig): RouterState {
  const [st] = step(initialState(c, '10.222.0.101'), { kind: 'start', now: 0 });
  expect(st.state).toBe('BACKUP');
  return st;
}

/** What the receive path does with one datagram: the drop reason, or `accepted`. */
function receive(c: InstanceConfig, datagram: Uint8Array): string {
  const [st, fx] = step(backup(c), { kind: 'packet', now: 10, datagram });
  const drop = fx.find((e) => e.kind === 'drop');
  if (drop && drop.kind === 'drop') return drop.reason;
  return st.masterAddress === SENDER ? 'accepted' : 'ignored';
}

describe.each([
  ['VRRPv2 with a password', v2pass],
  ['VRRPv2 without authentication', v2none],
  ['VRRPv3', v3],
])('malformed adverts, %s', (_name, c) => {
  test('the advert without a fault is accepted (priority 254 would win)', () => {
    const good = encodeVrrpDatagram(advertPacket(c, 254), { src: SENDER, dst: '224.0.0.18' });
    expect(receive(c, good)).toBe('accepted');
  });

  test.each(malformedKinds(c))('%s fails the check it names', (kind) => {
    expect(receive(c, malformedDatagram(kind, c, SENDER))).toBe(malformedReason(kind, c));
  });
});

/**
 * What a master does with each: keepalived 2.2.7 finds the instance by VRID before any check and
 * restarts a master's advert timer after every packet for it, valid or not, so that a flood of
 * broken adverts silences it (test/e2e/fault-malformed.test.ts measured a 3.6 s gap for every
 * kind but vrid). Our core does the same.
 */
describe.each([
  ['VRRPv2 with a password', v2pass],
  ['VRRPv3', v3],
])('a master hearing malformed adverts, %s', (_name, c) => {
  function master(): RouterState {
    const [st] = step(backup(c), { kind: 'timer', timer: 'master-down', now: 5000 });
    expect(st.state).toBe('MASTER');
    return st;
  }

  test.each(malformedKinds(c))(
    '%s: still master, its advert timer restarted unless the VRID is another group',
    (kind) => {
      const [st] = step(master(), {
        kind: 'packet',
        now: 5500,
        datagram: malformedDatagram(kind, c, SENDER),
      });
      expect(st.state).toBe('MASTER');
      const restarted = kind !== 'vrid';
      expect(st.timers.advert).toBe(
        restarted ? 5500 + c.advertIntervalMs : 5000 + c.advertIntervalMs,
      );
    },
  );
});

describe('malformed advert bytes', () => {
  test('VRRPv3 has no auth kind; v2 has all six', () => {
    expect(malformedKinds(v3)).toEqual(['checksum', 'version', 'ttl', 'length', 'vrid']);
    expect(malformedKinds(v2pass)).toEqual([...MALFORMED_KINDS]);
  });

  test('auth: a wrong password with one, auth type 1 without', () => {
    expect(malformedReason('auth', v2pass)).toBe('auth');
    expect(malformedReason('auth', v2none)).toBe('auth-type');
  });

  test('ttl 254, other VRID, version nibble', () => {
    expect(decodeIpv4(malformedDatagram('ttl', v2pass, SENDER)).header.ttl).toBe(254);
    expect(malformedDatagram('vrid', v2pass, SENDER)[21]).toBe(52);
    expect(otherVrid(255)).toBe(1);
    expect(malformedDatagram('version', v2pass, SENDER)[20]! >> 4).toBe(3);
    expect(malformedDatagram('version', v3, SENDER)[20]! >> 4).toBe(2);
  });

  test('length: the IPv4 total length is 4 short of the bytes sent, header checksum valid', () => {
    const d = malformedDatagram('length', v2pass, SENDER);
    const ip = decodeIpv4(d);
    expect(d.length).toBe(20 + 8 + 4 + 8);
    expect(ip.header.totalLength).toBe(d.length - LENGTH_SHORT_BY);
    expect(ip.payload.length).toBe(d.length - 20 - LENGTH_SHORT_BY);
  });

  test('checksum: only the VRRP checksum differs from the good advert', () => {
    const good = encodeVrrpDatagram(advertPacket(v2pass, 254), {
      src: SENDER,
      dst: '224.0.0.18',
    });
    const bad = malformedDatagram('checksum', v2pass, SENDER);
    const diff = [...good.keys()].filter((i) => good[i] !== bad[i]);
    expect(diff).toEqual([26, 27]);
  });

  test('malformedSet keeps the order of the kinds', () => {
    expect(malformedSet(['vrid', 'ttl'], v2pass, SENDER).map((x) => x.kind)).toEqual([
      'vrid',
      'ttl',
    ]);
  });
});
