/**
 * VRRP advertisement codec: VRRPv2 (RFC 3768 section 5) and VRRPv3 for IPv4 (RFC 5798
 * section 5), with the IPv4 datagram around it. Pure: bytes in, values out, coded errors.
 */
import { DecodeError } from '../errors';
import { internetChecksum, onesComplementSum, pseudoHeaderSum } from './checksum';
import {
  IPPROTO_VRRP,
  VRRP_TOS,
  VRRP_TTL,
  decodeIpv4,
  encodeIpv4,
  ipToNumber,
  readIp,
  writeIp,
  type Ipv4Header,
} from './ipv4';
import type { V3ChecksumMode, VrrpVersion } from './config';

/** The only VRRP message type (RFC 3768 5.3.2, RFC 5798 5.2.2). */
export const VRRP_TYPE_ADVERTISEMENT = 1;

/** VRRPv2 authentication types (RFC 3768 5.3.6). */
export const AUTH_NONE = 0;
export const AUTH_SIMPLE_TEXT = 1;
export const AUTH_IP_AH = 2;

/** Authentication data is always 8 octets in VRRPv2 (RFC 3768 5.3.10). */
export const V2_AUTH_DATA_LENGTH = 8;
/** Largest VRRPv3 Max Adver Int: 12 bits of centiseconds (RFC 5798 5.2.7). */
export const V3_MAX_INTERVAL_CS = 0x0fff;

interface VrrpCommon {
  /** 8 bits: Virtual Router Identifier, 1..255. */
  vrid: number;
  /** 8 bits: 255 owner, 1..254 backup, 0 master stopping. */
  priority: number;
  /** Count IPvX Addr (8 bits) and the addresses, 4 octets each. */
  addresses: string[];
  /** 16 bits, as on the wire (filled in by encode). */
  checksum: number;
}

export interface VrrpV2Packet extends VrrpCommon {
  version: 2;
  /** 8 bits: 0 none, 1 simple text password, 2 IP AH. */
  authType: number;
  /** 8 bits: Adver Int in whole seconds. */
  advertIntervalSec: number;
  /** 8 octets: the password, zero padded, for simple text authentication. */
  authData: Uint8Array;
}

export interface VrrpV3Packet extends VrrpCommon {
  version: 3;
  /** 12 bits: Max Adver Int in centiseconds (the 4 bits before it are reserved). */
  maxAdvertIntervalCs: number;
}

export type VrrpPacket = VrrpV2Packet | VrrpV3Packet;

export interface VrrpDatagram {
  ip: Ipv4Header;
  vrrp: VrrpPacket;
  /** For v3: which checksum computation matched. */
  checksumMode?: V3ChecksumMode;
}

/** The advertisement interval a packet announces, in milliseconds. */
export function advertIntervalMs(p: VrrpPacket): number {
  return p.version === 2 ? p.advertIntervalSec * 1000 : p.maxAdvertIntervalCs * 10;
}

/** The v2 simple-text password: the auth data up to the first zero byte. */
export function authPassword(p: VrrpV2Packet): string {
  let end = p.authData.indexOf(0);
  if (end < 0) end = p.authData.length;
  return Buffer.from(p.authData.subarray(0, end)).toString('latin1');
}

/** Auth data for a password: 8 octets, zero padded; keepalived truncates longer passwords. */
export function passwordAuthData(password: string): Uint8Array {
  const out = new Uint8Array(V2_AUTH_DATA_LENGTH);
  const bytes = Buffer.from(password, 'latin1');
  out.set(bytes.subarray(0, V2_AUTH_DATA_LENGTH));
  return out;
}

export function vrrpLength(version: VrrpVersion, addressCount: number): number {
  return 8 + 4 * addressCount + (version === 2 ? V2_AUTH_DATA_LENGTH : 0);
}

export interface VrrpAddressing {
  src: string;
  dst: string;
  /** v3 only; default pseudo-header (keepalived's default). */
  v3Checksum?: V3ChecksumMode;
}

function fail(code: string, field: string, value: unknown, message: string): never {
  throw new DecodeError(code, field, value, message);
}

function checkByte(field: string, value: number, min: number, max: number, code: string): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    fail(code, field, value, `Invalid VRRP ${field}: ${value} (must be ${min}..${max})`);
  }
}

/** The checksum a VRRP message should carry (its checksum field taken as zero). */
export function vrrpChecksum(
  message: Uint8Array,
  version: VrrpVersion,
  addressing: VrrpAddressing,
  mode: V3ChecksumMode = addressing.v3Checksum ?? 'pseudo-header',
): number {
  // A copy: Buffer#slice() returns a view, and zeroing it would clobber the caller's bytes.
  const zeroed = Uint8Array.from(message);
  zeroed[6] = 0;
  zeroed[7] = 0;
  if (version === 3 && mode === 'pseudo-header') {
    const initial = pseudoHeaderSum(
      ipToNumber(addressing.src),
      ipToNumber(addressing.dst),
      IPPROTO_VRRP,
      message.length,
    );
    return internetChecksum(zeroed, initial);
  }
  return internetChecksum(zeroed);
}

/** Encode a VRRP message; the checksum field of `p` is ignored and computed. */
export function encodeVrrp(p: VrrpPacket, addressing: VrrpAddressing): Uint8Array {
  checkByte('vrid', p.vrid, 1, 255, 'VRRP_BAD_VRID');
  checkByte('priority', p.priority, 0, 255, 'VRRP_BAD_PRIORITY');
  checkByte('address count', p.addresses.length, 0, 255, 'VRRP_BAD_COUNT');
  const out = new Uint8Array(vrrpLength(p.version, p.addresses.length));
  out[0] = (p.version << 4) | VRRP_TYPE_ADVERTISEMENT; // version (4 bits), type (4 bits)
  out[1] = p.vrid;
  out[2] = p.priority;
  out[3] = p.addresses.length;
  if (p.version === 2) {
    checkByte('auth type', p.authType, 0, 255, 'VRRP_BAD_AUTH_TYPE');
    checkByte('advert interval', p.advertIntervalSec, 0, 255, 'VRRP_BAD_INTERVAL');
    out[4] = p.authType;
    out[5] = p.advertIntervalSec;
  } else {
    checkByte('advert interval', p.maxAdvertIntervalCs, 0, V3_MAX_INTERVAL_CS, 'VRRP_BAD_INTERVAL');
    out[4] = p.maxAdvertIntervalCs >>> 8; // 4 reserved bits (zero) + high 4 bits of the interval
    out[5] = p.maxAdvertIntervalCs & 255;
  }
  let offset = 8;
  for (const address of p.addresses) {
    writeIp(out, offset, address);
    offset += 4;
  }
  if (p.version === 2) {
    if (p.authData.length !== V2_AUTH_DATA_LENGTH) {
      fail(
        'VRRP_BAD_AUTH_DATA',
        'auth data',
        p.authData.length,
        `Invalid VRRP auth data length: ${p.authData.length} (must be 8)`,
      );
    }
    out.set(p.authData, offset);
  }
  const sum = vrrpChecksum(out, p.version, addressing);
  out[6] = sum >>> 8;
  out[7] = sum & 255;
  return out;
}

export interface VrrpDecodeOptions {
  /** Needed to verify a v3 pseudo-header checksum. */
  src?: string;
  dst?: string;
  /** Which v3 checksum to accept; `either` accepts both (for captures of unknown senders). */
  v3Checksum?: V3ChecksumMode | 'either';
  /** Skip checksum verification (the checksum is still reported). */
  skipChecksum?: boolean;
}

export interface DecodedVrrp {
  packet: VrrpPacket;
  checksumMode?: V3ChecksumMode;
}

/** Decode and check a VRRP message, field by field. */
export function decodeVrrp(buf: Uint8Array, opts: VrrpDecodeOptions = {}): DecodedVrrp {
  if (buf.length < 8)
    fail(
      'VRRP_TRUNCATED',
      'length',
      buf.length,
      `VRRP message truncated: ${buf.length} octets (need at least 8)`,
    );
  const version = buf[0]! >>> 4;
  if (version !== 2 && version !== 3)
    fail('VRRP_BAD_VERSION', 'version', version, `Invalid VRRP version: ${version}`);
  const type = buf[0]! & 0x0f;
  if (type !== VRRP_TYPE_ADVERTISEMENT)
    fail('VRRP_BAD_TYPE', 'type', type, `Invalid VRRP type: ${type}`);
  const vrid = buf[1]!;
  if (vrid === 0) fail('VRRP_BAD_VRID', 'vrid', vrid, `Invalid VRRP vrid: 0`);
  const count = buf[3]!;
  const expected = vrrpLength(version, count);
  if (buf.length !== expected) {
    fail(
      'VRRP_BAD_LENGTH',
      'length',
      buf.length,
      `Invalid VRRP length: ${buf.length} octets for v${version} with ${count} addresses (expected ${expected})`,
    );
  }
  const checksum = (buf[6]! << 8) | buf[7]!;
  const addresses: string[] = [];
  for (let i = 0; i < count; i++) addresses.push(readIp(buf, 8 + 4 * i));
  let checksumMode: V3ChecksumMode | undefined;
  if (version === 2) {
    if (!opts.skipChecksum && onesComplementSum(buf) !== 0xffff) {
      fail(
        'VRRP_BAD_CHECKSUM',
        'checksum',
        checksum,
        `Invalid VRRP checksum: 0x${hex16(checksum)} (expected 0x${hex16(vrrpChecksum(buf, 2, { src: '0.0.0.0', dst: '0.0.0.0' }))})`,
      );
    }
    const packet: VrrpV2Packet = {
      version: 2,
      vrid,
      priority: buf[2]!,
      addresses,
      checksum,
      authType: buf[4]!,
      advertIntervalSec: buf[5]!,
      // A copy (Buffer#slice would be a view): the packet must not alias the input.
      authData: Uint8Array.from(buf.subarray(8 + 4 * count, expected)),
    };
    return { packet };
  }
  const wanted = opts.v3Checksum ?? 'pseudo-header';
  if (!opts.skipChecksum) {
    checksumMode = verifyV3Checksum(buf, checksum, wanted, opts);
  }
  const packet: VrrpV3Packet = {
    version: 3,
    vrid,
    priority: buf[2]!,
    addresses,
    checksum,
    maxAdvertIntervalCs: ((buf[4]! & 0x0f) << 8) | buf[5]!,
  };
  return checksumMode ? { packet, checksumMode } : { packet };
}

function verifyV3Checksum(
  buf: Uint8Array,
  checksum: number,
  wanted: V3ChecksumMode | 'either',
  opts: VrrpDecodeOptions,
): V3ChecksumMode {
  const plainOk = onesComplementSum(buf) === 0xffff;
  if (wanted === 'vrrp-only') {
    if (plainOk) return 'vrrp-only';
  } else {
    if (opts.src === undefined || opts.dst === undefined) {
      fail(
        'VRRP_NO_ADDRESSES',
        'checksum',
        checksum,
        'VRRPv3 checksum needs the IPv4 source and destination',
      );
    }
    const initial = pseudoHeaderSum(
      ipToNumber(opts.src),
      ipToNumber(opts.dst),
      IPPROTO_VRRP,
      buf.length,
    );
    if (onesComplementSum(buf, initial) === 0xffff) return 'pseudo-header';
    if (wanted === 'either' && plainOk) return 'vrrp-only';
  }
  const expected = vrrpChecksum(
    buf,
    3,
    { src: opts.src ?? '0.0.0.0', dst: opts.dst ?? '0.0.0.0' },
    wanted === 'vrrp-only' ? 'vrrp-only' : 'pseudo-header',
  );
  return fail(
    'VRRP_BAD_CHECKSUM',
    'checksum',
    checksum,
    `Invalid VRRP checksum: 0x${hex16(checksum)} (expected 0x${hex16(expected)})`,
  );
}

function hex16(n: number): string {
  return n.toString(16).padStart(4, '0');
}

export interface DatagramOptions extends VrrpAddressing {
  id?: number;
  ttl?: number;
  tos?: number;
}

/** A whole IPv4 datagram carrying the advertisement, as sent with IP_HDRINCL. */
export function encodeVrrpDatagram(p: VrrpPacket, opts: DatagramOptions): Uint8Array {
  const message = encodeVrrp(p, opts);
  return encodeIpv4(message, {
    src: opts.src,
    dst: opts.dst,
    protocol: IPPROTO_VRRP,
    ttl: opts.ttl ?? VRRP_TTL,
    tos: opts.tos ?? VRRP_TOS,
    id: opts.id ?? 0,
  });
}

/** Decode an IPv4 datagram that must carry VRRP. */
export function decodeVrrpDatagram(
  buf: Uint8Array,
  opts: Omit<VrrpDecodeOptions, 'src' | 'dst'> = {},
): VrrpDatagram {
  const ip = decodeIpv4(buf);
  if (ip.header.protocol !== IPPROTO_VRRP) {
    fail(
      'VRRP_NOT_VRRP',
      'protocol',
      ip.header.protocol,
      `Not a VRRP datagram: IP protocol ${ip.header.protocol}`,
    );
  }
  const { packet, checksumMode } = decodeVrrp(ip.payload, {
    ...opts,
    src: ip.header.src,
    dst: ip.header.dst,
  });
  return checksumMode
    ? { ip: ip.header, vrrp: packet, checksumMode }
    : { ip: ip.header, vrrp: packet };
}
