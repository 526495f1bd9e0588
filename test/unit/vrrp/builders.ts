/**
 * Builders for the VRRP codec tests: hex helpers, a seeded PRNG, valid packets (fixed and
 * random), an independent reference checksum, and a helper that catches a DecodeError.
 */
import { DecodeError } from '../../../src/errors';
import type { V3ChecksumMode } from '../../../src/vrrp/config';
import { VRRP_MULTICAST } from '../../../src/vrrp/ipv4';
import {
  AUTH_SIMPLE_TEXT,
  passwordAuthData,
  type VrrpV2Packet,
  type VrrpV3Packet,
  type VrrpPacket,
} from '../../../src/vrrp/packet';

// ---------------------------------------------------------------------------------------------
// Bytes

/** Bytes from hex; whitespace, `:` and `|` are ignored so vectors can be laid out by field. */
export function hex(text: string): Uint8Array {
  const clean = text.replace(/[\s:|]/g, '');
  if (!/^([0-9a-fA-F]{2})*$/.test(clean)) throw new Error(`bad hex: ${text}`);
  return Uint8Array.from(Buffer.from(clean, 'hex'));
}

export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

/** The IPv4 datagram inside an Ethernet II frame (14-octet header, no VLAN tag). */
export function ethernetPayload(frame: Uint8Array): Uint8Array {
  return frame.subarray(14);
}

// ---------------------------------------------------------------------------------------------
// Reference checksum, written independently of src/vrrp/checksum.ts

/**
 * RFC 1071 one's complement sum by modular arithmetic (not by folding carries): the sum of the
 * 16-bit big-endian words modulo 0xffff, where a non-zero multiple of 0xffff is 0xffff.
 */
export function refOnesSum(words: readonly number[]): number {
  let total = 0;
  for (const w of words) total += w;
  return total === 0 ? 0 : ((total - 1) % 0xffff) + 1;
}

export function refWords(bytes: Uint8Array | readonly number[]): number[] {
  const words: number[] = [];
  for (let i = 0; i < bytes.length; i += 2) words.push((bytes[i]! << 8) | (bytes[i + 1] ?? 0));
  return words;
}

function ipWords(ip: string): number[] {
  const [a, b, c, d] = ip.split('.').map(Number) as [number, number, number, number];
  return [(a << 8) | b, (c << 8) | d];
}

/** The checksum a VRRP message should carry, its own checksum field taken as zero. */
export function refVrrpChecksum(
  message: Uint8Array,
  mode: V3ChecksumMode | 'v2',
  src = '0.0.0.0',
  dst = '0.0.0.0',
): number {
  const words = refWords(message);
  words[3] = 0; // octets 6..7: the checksum field
  if (mode === 'pseudo-header') {
    // RFC 5798 5.2.8 for IPv4: source, destination, zero + protocol 112, VRRP length.
    words.push(...ipWords(src), ...ipWords(dst), 112, message.length);
  }
  return 0xffff - refOnesSum(words);
}

/** The IPv4 header checksum a header should carry (its checksum field taken as zero). */
export function refIpv4HeaderChecksum(header: Uint8Array): number {
  const words = refWords(header);
  words[5] = 0; // octets 10..11
  return 0xffff - refOnesSum(words);
}

/** Rewrite the checksum field of a VRRP message in place (for hand-made vectors). */
export function setVrrpChecksum(
  message: Uint8Array,
  mode: V3ChecksumMode | 'v2',
  src?: string,
  dst?: string,
): Uint8Array {
  const sum = refVrrpChecksum(message, mode, src, dst);
  message[6] = sum >>> 8;
  message[7] = sum & 255;
  return message;
}

/** Rewrite the IPv4 header checksum in place, if the IHL is sane and the header is there. */
export function repairIpv4Checksum(datagram: Uint8Array): Uint8Array {
  const ihl = (datagram[0] ?? 0) & 0x0f;
  if (ihl < 5 || datagram.length < ihl * 4) return datagram;
  const sum = refIpv4HeaderChecksum(datagram.subarray(0, ihl * 4));
  datagram[10] = sum >>> 8;
  datagram[11] = sum & 255;
  return datagram;
}

// ---------------------------------------------------------------------------------------------
// Seeded randomness

/** mulberry32: a tiny 32-bit seeded PRNG, floats in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class Rng {
  private readonly next: () => number;

  constructor(seed: number) {
    this.next = mulberry32(seed);
  }

  float(): number {
    return this.next();
  }

  /** An integer in lo..hi inclusive. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }

  bool(p = 0.5): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(0, items.length - 1)]!;
  }

  bytes(n: number): Uint8Array {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) out[i] = this.int(0, 255);
    return out;
  }

  ip(): string {
    return `${this.int(0, 255)}.${this.int(0, 255)}.${this.int(0, 255)}.${this.int(0, 255)}`;
  }

  /** A unicast host address (1..223 first octet). */
  unicastIp(): string {
    return `${this.int(1, 223)}.${this.int(0, 255)}.${this.int(0, 255)}.${this.int(1, 254)}`;
  }

  /** A password of 0..12 latin1 characters without NUL (longer than 8 gets truncated). */
  password(): string {
    const n = this.int(0, 12);
    let s = '';
    for (let i = 0; i < n; i++) s += String.fromCharCode(this.int(1, 255));
    return s;
  }
}

// ---------------------------------------------------------------------------------------------
// Packets

/** The two-node lab of the reference captures (test/fixtures/reference/keepalived/README.md). */
export const LAB = {
  master: '192.168.17.102',
  backup: '192.168.17.101',
  vip: '192.168.17.200',
  vrid: 51,
  priority: 100,
  password: '1111',
} as const;

export function v2Packet(overrides: Partial<Omit<VrrpV2Packet, 'version'>> = {}): VrrpV2Packet {
  return {
    version: 2,
    vrid: LAB.vrid,
    priority: LAB.priority,
    addresses: [LAB.vip],
    checksum: 0,
    authType: AUTH_SIMPLE_TEXT,
    advertIntervalSec: 1,
    authData: passwordAuthData(LAB.password),
    ...overrides,
  };
}

export function v3Packet(overrides: Partial<Omit<VrrpV3Packet, 'version'>> = {}): VrrpV3Packet {
  return {
    version: 3,
    vrid: LAB.vrid,
    priority: LAB.priority,
    addresses: [LAB.vip],
    checksum: 0,
    maxAdvertIntervalCs: 100,
    ...overrides,
  };
}

export interface Addressed<P extends VrrpPacket = VrrpPacket> {
  packet: P;
  src: string;
  dst: string;
  v3Checksum: V3ChecksumMode;
  id: number;
}

export function randomV2Packet(rng: Rng): VrrpV2Packet {
  const n = rng.int(0, 20);
  const addresses = Array.from({ length: n }, () => rng.ip());
  const simple = rng.bool(0.6);
  return v2Packet({
    vrid: rng.int(1, 255),
    priority: rng.int(0, 255),
    addresses,
    authType: simple ? AUTH_SIMPLE_TEXT : rng.int(0, 255),
    advertIntervalSec: rng.int(0, 255),
    authData: simple ? passwordAuthData(rng.password()) : rng.bytes(8),
  });
}

export function randomV3Packet(rng: Rng): VrrpV3Packet {
  const n = rng.int(0, 20);
  return v3Packet({
    vrid: rng.int(1, 255),
    priority: rng.int(0, 255),
    addresses: Array.from({ length: n }, () => rng.ip()),
    maxAdvertIntervalCs: rng.bool(0.1) ? rng.pick([0, 1, 10, 100, 4095]) : rng.int(0, 4095),
  });
}

/** A random valid packet of either version with its addressing (multicast or unicast peer). */
export function randomAddressed(rng: Rng): Addressed {
  return {
    packet: rng.bool() ? randomV2Packet(rng) : randomV3Packet(rng),
    src: rng.unicastIp(),
    dst: rng.bool(0.7) ? VRRP_MULTICAST : rng.unicastIp(),
    v3Checksum: rng.bool(0.7) ? 'pseudo-header' : 'vrrp-only',
    id: rng.int(0, 0xffff),
  };
}

// ---------------------------------------------------------------------------------------------
// Errors

/** Run `fn`, which must throw a DecodeError; return it (any other outcome fails the test). */
export function catchDecodeError(fn: () => unknown): DecodeError {
  try {
    fn();
  } catch (err) {
    if (err instanceof DecodeError) return err;
    throw new Error(`expected a DecodeError, got ${String(err)}`, { cause: err });
  }
  throw new Error('expected a DecodeError, nothing was thrown');
}
