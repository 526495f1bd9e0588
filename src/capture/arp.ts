/**
 * ARP for Ethernet and IPv4 (RFC 826), and gratuitous ARP detection (RFC 5227 section 3,
 * RFC 5944 section 4.6). Pure: bytes in, values out, coded DecodeErrors.
 */
import { DecodeError } from '../errors';
import { readIp, writeIp } from '../vrrp/ipv4';
import { BROADCAST_MAC, formatMac, parseMac } from './link';

/** hrd (16 bits): 1 = Ethernet. */
export const ARP_HTYPE_ETHERNET = 1;
/** pro (16 bits): the EtherType of the protocol addresses, 0x0800 = IPv4. */
export const ARP_PTYPE_IPV4 = 0x0800;
/** op (16 bits). */
export const ARP_OP_REQUEST = 1;
export const ARP_OP_REPLY = 2;
/** hrd (2) + pro (2) + hln (1) + pln (1) + op (2) + sha (6) + spa (4) + tha (6) + tpa (4). */
export const ARP_LENGTH = 28;

export const ZERO_MAC = '00:00:00:00:00:00';

export interface ArpPacket {
  /** 16 bits: operation, 1 request, 2 reply (others are kept as they are). */
  op: number;
  /** 6 octets: sender hardware address. */
  senderMac: string;
  /** 4 octets: sender protocol address. */
  senderIp: string;
  /** 6 octets: target hardware address (zero in requests). */
  targetMac: string;
  /** 4 octets: target protocol address. */
  targetIp: string;
}

function fail(code: string, field: string, value: unknown, message: string): never {
  throw new DecodeError(code, field, value, message);
}

/** Decode an Ethernet/IPv4 ARP packet; trailing bytes (Ethernet padding) are ignored. */
export function decodeArp(buf: Uint8Array): ArpPacket {
  if (buf.length < 8)
    fail('ARP_TRUNCATED', 'length', buf.length, `ARP header truncated: ${buf.length} octets`);
  const htype = (buf[0]! << 8) | buf[1]!;
  if (htype !== ARP_HTYPE_ETHERNET)
    fail('ARP_UNSUPPORTED', 'htype', htype, `Unsupported ARP hardware type: ${htype}`);
  const ptype = (buf[2]! << 8) | buf[3]!;
  if (ptype !== ARP_PTYPE_IPV4) {
    fail(
      'ARP_UNSUPPORTED',
      'ptype',
      ptype,
      `Unsupported ARP protocol type: 0x${ptype.toString(16).padStart(4, '0')}`,
    );
  }
  const hlen = buf[4]!;
  if (hlen !== 6)
    fail('ARP_BAD_HLEN', 'hlen', hlen, `Invalid ARP hardware address length: ${hlen} (must be 6)`);
  const plen = buf[5]!;
  if (plen !== 4)
    fail('ARP_BAD_PLEN', 'plen', plen, `Invalid ARP protocol address length: ${plen} (must be 4)`);
  if (buf.length < ARP_LENGTH) {
    fail(
      'ARP_TRUNCATED',
      'length',
      buf.length,
      `ARP packet truncated: ${buf.length} octets (need ${ARP_LENGTH})`,
    );
  }
  const op = (buf[6]! << 8) | buf[7]!;
  if (op === 0) fail('ARP_BAD_OP', 'op', op, 'Invalid ARP operation: 0');
  return {
    op,
    senderMac: formatMac(buf, 8),
    senderIp: readIp(buf, 14),
    targetMac: formatMac(buf, 18),
    targetIp: readIp(buf, 24),
  };
}

export function encodeArp(p: ArpPacket): Uint8Array {
  const out = new Uint8Array(ARP_LENGTH);
  out[0] = 0;
  out[1] = ARP_HTYPE_ETHERNET;
  out[2] = ARP_PTYPE_IPV4 >>> 8;
  out[3] = ARP_PTYPE_IPV4 & 255;
  out[4] = 6;
  out[5] = 4;
  out[6] = (p.op >>> 8) & 255;
  out[7] = p.op & 255;
  out.set(parseMac(p.senderMac), 8);
  writeIp(out, 14, p.senderIp);
  out.set(parseMac(p.targetMac), 18);
  writeIp(out, 24, p.targetIp);
  return out;
}

/**
 * A gratuitous ARP announces the sender's own binding:
 * - a request or reply whose sender IP equals its target IP (what keepalived and Linux's
 *   `arping -U/-A` send), or
 * - a reply sent to the broadcast address (Ethernet destination or target MAC ff:ff:...),
 *   which updates every cache on the segment.
 * `broadcast` is what the link layer knows about the destination (null: unknown).
 */
export function isGratuitousArp(p: ArpPacket, broadcast: boolean | null): boolean {
  if (p.op !== ARP_OP_REQUEST && p.op !== ARP_OP_REPLY) return false;
  if (p.senderIp === p.targetIp && p.senderIp !== '0.0.0.0') return true;
  return p.op === ARP_OP_REPLY && (broadcast === true || p.targetMac === BROADCAST_MAC);
}
