/**
 * Broken VRRP adverts, one kind per receive check (RFC 3768 7.1 / RFC 5798 7.1, keepalived's
 * vrrp_check_packet): the lab's own advert (its VRID, VIPs, version, interval and password, at a
 * priority that would win) with exactly one thing wrong, as a whole IPv4 datagram. Both drivers
 * send these bytes: the simulator onto its LAN, the Docker driver's sender in an Ethernet frame.
 * Pure; built with the advert encoder the daemons use (packet.ts, ipv4.ts).
 */
import type { InstanceConfig } from './config';
import { VRRP_MULTICAST, encodeIpv4 } from './ipv4';
import {
  AUTH_SIMPLE_TEXT,
  encodeVrrp,
  encodeVrrpDatagram,
  passwordAuthData,
  type VrrpPacket,
} from './packet';
import type { DropReason } from './router-state';
import { advertPacket } from './state-effects';

/** What is wrong with the advert. */
export const MALFORMED_KINDS = ['checksum', 'version', 'ttl', 'length', 'auth', 'vrid'] as const;
export type MalformedKind = (typeof MALFORMED_KINDS)[number];

/** The priority the broken adverts claim: one that would take the VIP if a check let it in. */
export const MALFORMED_PRIORITY = 254;
/** TTL of the `ttl` kind: one hop away (RFC 5798 7.1 wants 255). */
export const MALFORMED_TTL = 254;
/** The `length` kind's IPv4 total length is this much short of what is sent. */
export const LENGTH_SHORT_BY = 4;

/** The kinds that exist for an instance: VRRPv3 has no authentication. */
export function malformedKinds(c: InstanceConfig): MalformedKind[] {
  return MALFORMED_KINDS.filter((k) => k !== 'auth' || c.version === 2);
}

/** The receive check each kind fails, as our VRRP core counts it (`drop:<reason>`). */
export function malformedReason(kind: MalformedKind, c: InstanceConfig): DropReason {
  if (kind === 'auth') return c.auth?.type === 'PASS' ? 'auth' : 'auth-type';
  return kind;
}

/** The VRID of another group: the lab's plus one (255 wraps to 1). */
export function otherVrid(vrid: number): number {
  return (vrid % 255) + 1;
}

function withAuth(p: VrrpPacket, c: InstanceConfig): VrrpPacket {
  if (p.version !== 2) return p;
  // With a password: a wrong one. Without: a password where none is expected (auth type 1).
  const password = c.auth?.type === 'PASS' && c.auth.password === 'wrong!' ? 'bad!' : 'wrong!';
  return { ...p, authType: AUTH_SIMPLE_TEXT, authData: passwordAuthData(password) };
}

function otherVersion(p: VrrpPacket): VrrpPacket {
  const base = { vrid: p.vrid, priority: p.priority, addresses: p.addresses, checksum: 0 };
  if (p.version === 3)
    return {
      ...base,
      version: 2,
      authType: 0,
      advertIntervalSec: Math.max(1, Math.round(p.maxAdvertIntervalCs / 100)),
      authData: new Uint8Array(8),
    };
  return { ...base, version: 3, maxAdvertIntervalCs: p.advertIntervalSec * 100 };
}

/**
 * One broken advert from `src` to 224.0.0.18 (or the instance's first unicast peer), IP ID
 * `id`:
 * - checksum: the VRRP checksum off by one bit pattern (0x0101 flipped);
 * - version: the other VRRP version (v3 to a v2 group, v2 to a v3 group);
 * - ttl: IPv4 TTL 254;
 * - length: the IPv4 total length 4 octets short of the datagram (header checksum valid): the
 *   receiving kernel trims the packet to it, so the VRRP message is shorter than its address
 *   count says;
 * - auth: a wrong password (auth type 1 where the group has none);
 * - vrid: the VRID of another group.
 */
export function malformedDatagram(
  kind: MalformedKind,
  c: InstanceConfig,
  src: string,
  id = 0,
): Uint8Array {
  const dst = c.unicastPeers[0] ?? VRRP_MULTICAST;
  const good = advertPacket(c, MALFORMED_PRIORITY);
  const addressing = { src, dst, v3Checksum: c.v3Checksum };
  const datagram = (p: VrrpPacket, ttl?: number): Uint8Array =>
    encodeVrrpDatagram(p, { ...addressing, id, ...(ttl === undefined ? {} : { ttl }) });
  switch (kind) {
    case 'version':
      return datagram(otherVersion(good));
    case 'ttl':
      return datagram(good, MALFORMED_TTL);
    case 'auth':
      return datagram(withAuth(good, c));
    case 'vrid':
      return datagram({ ...good, vrid: otherVrid(c.vrid) });
    case 'checksum': {
      const message = encodeVrrp(good, addressing);
      message[6] = message[6]! ^ 0x01;
      message[7] = message[7]! ^ 0x01;
      return encodeIpv4(message, { src, dst, id });
    }
    case 'length': {
      const whole = datagram(good);
      // A header that claims less than is sent: rebuilt on the short payload for a valid header
      // checksum, then the cut-off octets follow as trailing bytes (as Ethernet padding would).
      const header = encodeIpv4(whole.subarray(20, whole.length - LENGTH_SHORT_BY), {
        src,
        dst,
        id,
      });
      const out = new Uint8Array(whole.length);
      out.set(header.subarray(0, 20));
      out.set(whole.subarray(20), 20);
      return out;
    }
  }
}

/** One broken advert of each kind, in the order `kinds` gives. */
export function malformedSet(
  kinds: readonly MalformedKind[],
  c: InstanceConfig,
  src: string,
): { kind: MalformedKind; datagram: Uint8Array }[] {
  return kinds.map((kind) => ({ kind, datagram: malformedDatagram(kind, c, src) }));
}
