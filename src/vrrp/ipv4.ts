import { DecodeError } from '../errors';
import { internetChecksum } from './checksum';

/** VRRP's IP protocol number (RFC 3768 section 5.2.4, RFC 5798 section 5.1.1.3). */
export const IPPROTO_VRRP = 112;
/** The VRRP IPv4 multicast group. */
export const VRRP_MULTICAST = '224.0.0.18';
/** TTL of every VRRP packet (RFC 5798 section 5.1.1.3). */
export const VRRP_TTL = 255;
/** keepalived sends with IPTOS_PREC_INTERNETCONTROL. */
export const VRRP_TOS = 0xc0;

export interface Ipv4Header {
  /** 4 bits: header length in 32-bit words (5 without options). */
  ihl: number;
  /** 8 bits: type of service / DSCP+ECN. */
  tos: number;
  /** 16 bits: whole datagram length in octets. */
  totalLength: number;
  /** 16 bits. */
  id: number;
  /** 3 bits: bit 1 is DF, bit 0 is MF. */
  flags: number;
  /** 13 bits, in 8-octet units. */
  fragmentOffset: number;
  ttl: number;
  protocol: number;
  /** 16 bits: header checksum as it was on the wire. */
  checksum: number;
  src: string;
  dst: string;
}

export interface Ipv4Packet {
  header: Ipv4Header;
  /** The payload after the header, `totalLength - ihl*4` octets (a view, not a copy). */
  payload: Uint8Array;
}

export function ipToNumber(ip: string): number {
  const parts = ip.split('.');
  if (parts.length !== 4)
    throw new DecodeError('IPV4_BAD_ADDRESS', 'address', ip, `Invalid IPv4 address: ${ip}`);
  let n = 0;
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part)) {
      throw new DecodeError('IPV4_BAD_ADDRESS', 'address', ip, `Invalid IPv4 address: ${ip}`);
    }
    const v = Number(part);
    if (v > 255)
      throw new DecodeError('IPV4_BAD_ADDRESS', 'address', ip, `Invalid IPv4 address: ${ip}`);
    n = n * 256 + v;
  }
  return n >>> 0;
}

export function isIpv4(ip: string): boolean {
  return /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/.test(ip);
}

export function numberToIp(n: number): string {
  return `${(n >>> 24) & 255}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
}

export function readIp(buf: Uint8Array, offset: number): string {
  return `${buf[offset]}.${buf[offset + 1]}.${buf[offset + 2]}.${buf[offset + 3]}`;
}

export function writeIp(buf: Uint8Array, offset: number, ip: string): void {
  const n = ipToNumber(ip);
  buf[offset] = n >>> 24;
  buf[offset + 1] = (n >>> 16) & 255;
  buf[offset + 2] = (n >>> 8) & 255;
  buf[offset + 3] = n & 255;
}

/**
 * The octet after an IPv4 header (its IHL): in a VRRP datagram the VRID (the second octet of the
 * VRRP message). Read without decoding, as keepalived finds a packet's instance before checking
 * it; undefined when the datagram is too short.
 */
export function vridOctet(datagram: Uint8Array): number | undefined {
  if (datagram.length < 20) return undefined;
  return datagram[(datagram[0]! & 0x0f) * 4 + 1];
}

export function isMulticast(ip: string): boolean {
  const first = Number(ip.slice(0, ip.indexOf('.')));
  return first >= 224 && first <= 239;
}

export interface Ipv4EncodeOptions {
  src: string;
  dst: string;
  protocol?: number;
  ttl?: number;
  tos?: number;
  id?: number;
  /** Set the don't-fragment flag (keepalived does not). */
  dontFragment?: boolean;
}

/** An IPv4 header without options in front of `payload`, header checksum filled in. */
export function encodeIpv4(payload: Uint8Array, opts: Ipv4EncodeOptions): Uint8Array {
  const total = 20 + payload.length;
  if (total > 0xffff) {
    throw new DecodeError(
      'IPV4_TOO_LONG',
      'totalLength',
      total,
      `IPv4 datagram too long: ${total}`,
    );
  }
  const out = new Uint8Array(total);
  out[0] = 0x45; // version 4 (4 bits), IHL 5 (4 bits)
  out[1] = opts.tos ?? VRRP_TOS;
  out[2] = total >>> 8;
  out[3] = total & 255;
  const id = opts.id ?? 0;
  out[4] = (id >>> 8) & 255;
  out[5] = id & 255;
  out[6] = opts.dontFragment ? 0x40 : 0; // flags (3 bits) + fragment offset (13 bits)
  out[7] = 0;
  out[8] = opts.ttl ?? VRRP_TTL;
  out[9] = opts.protocol ?? IPPROTO_VRRP;
  writeIp(out, 12, opts.src);
  writeIp(out, 16, opts.dst);
  const sum = internetChecksum(out.subarray(0, 20));
  out[10] = sum >>> 8;
  out[11] = sum & 255;
  out.set(payload, 20);
  return out;
}

function fail(code: string, field: string, value: unknown, message: string): never {
  throw new DecodeError(code, field, value, message);
}

/**
 * Decode an IPv4 datagram (RFC 791), checking each field. Trailing bytes beyond totalLength
 * (Ethernet padding) are ignored.
 */
export function decodeIpv4(buf: Uint8Array): Ipv4Packet {
  if (buf.length < 20)
    fail('IPV4_TRUNCATED', 'length', buf.length, `IPv4 header truncated: ${buf.length} octets`);
  const version = buf[0]! >>> 4;
  if (version !== 4) fail('IPV4_BAD_VERSION', 'version', version, `Invalid IP version: ${version}`);
  const ihl = buf[0]! & 0x0f;
  if (ihl < 5) fail('IPV4_BAD_IHL', 'ihl', ihl, `Invalid IPv4 header length: ${ihl} words`);
  const headerLength = ihl * 4;
  if (buf.length < headerLength) {
    fail(
      'IPV4_TRUNCATED',
      'length',
      buf.length,
      `IPv4 header truncated: ${buf.length} of ${headerLength} octets`,
    );
  }
  const totalLength = (buf[2]! << 8) | buf[3]!;
  if (totalLength < headerLength) {
    fail(
      'IPV4_BAD_LENGTH',
      'totalLength',
      totalLength,
      `Invalid IPv4 total length: ${totalLength} < header ${headerLength}`,
    );
  }
  if (totalLength > buf.length) {
    fail(
      'IPV4_TRUNCATED',
      'totalLength',
      totalLength,
      `IPv4 datagram truncated: total length ${totalLength}, have ${buf.length}`,
    );
  }
  const checksum = (buf[10]! << 8) | buf[11]!;
  if (internetChecksum(buf.subarray(0, headerLength)) !== 0) {
    fail(
      'IPV4_BAD_CHECKSUM',
      'checksum',
      checksum,
      `Invalid IPv4 header checksum: 0x${checksum.toString(16).padStart(4, '0')}`,
    );
  }
  const flagsFrag = (buf[6]! << 8) | buf[7]!;
  return {
    header: {
      ihl,
      tos: buf[1]!,
      totalLength,
      id: (buf[4]! << 8) | buf[5]!,
      flags: flagsFrag >>> 13,
      fragmentOffset: flagsFrag & 0x1fff,
      ttl: buf[8]!,
      protocol: buf[9]!,
      checksum,
      src: readIp(buf, 12),
      dst: readIp(buf, 16),
    },
    payload: buf.subarray(headerLength, totalLength),
  };
}
