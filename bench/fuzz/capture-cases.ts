/**
 * Capture cases for the pcap and pcapng decoders: a capture written with the real encoders
 * (VRRPv2 and v3 adverts, gratuitous ARP, random frames, several interfaces of several link
 * types, both byte orders and odd timestamp resolutions for pcapng), then format-aware
 * mutations at the places a decoder trusts (record and block lengths, magic numbers, interface
 * ids, the IDB's options), cuts, repeated and foreign blocks; or plain random octets. The case
 * also says how the octets arrive (chunk sizes), so the push parser's splicing gets fuzzed too.
 */
import { dockerMac, gratuitousArpFrame, vrrpFrame } from '../../src/capture/frame-builders';
import {
  LINKTYPE_ETHERNET,
  LINKTYPE_IPV4,
  LINKTYPE_LINUX_SLL,
  LINKTYPE_LINUX_SLL2,
  LINKTYPE_RAW,
} from '../../src/capture/link';
import { encodePcapGlobalHeader, encodePcapRecord } from '../../src/capture/pcap-format';
import { encodePcapngHeader, encodePcapngRecord } from '../../src/capture/pcapng-format';
import type { PcapngWriteInterface } from '../../src/capture/pcapng-format';
import type { ByteOrder } from '../../src/capture/pcap-format';
import { AUTH_SIMPLE_TEXT, passwordAuthData } from '../../src/vrrp/packet';
import type { VrrpPacket } from '../../src/vrrp/packet';
import type { Rng } from './rng';

export interface CaptureCase {
  octets: Buffer;
  /** The sizes the octets are pushed in (the last chunk takes the rest). */
  chunks: number[];
}

/** Every link type the decoders know, and one they do not (147, a user type). */
export const LINK_TYPES = [
  LINKTYPE_ETHERNET,
  LINKTYPE_LINUX_SLL,
  LINKTYPE_LINUX_SLL2,
  LINKTYPE_RAW,
  LINKTYPE_IPV4,
  147,
];
const T0 = 1795586400;
const LENGTHS = [0, 1, 3, 11, 12, 15, 16, 28, 0x7fffffff, 0xffffffff, 262145, 16 * 1024 * 1024 + 4];

function frame(rng: Rng): Uint8Array {
  const src = `192.168.17.${rng.int(1, 254)}`;
  const r = rng.int(0, 4);
  if (r === 0) return gratuitousArpFrame(dockerMac(src), '192.168.17.200');
  if (r === 1) return rng.bytes(rng.int(0, 120));
  const common = { vrid: rng.int(1, 255), priority: rng.pick([0, 100, 255]), checksum: 0 };
  const addresses = Array.from({ length: rng.int(0, 3) }, () => `192.168.17.${rng.int(1, 254)}`);
  const packet: VrrpPacket =
    r === 2
      ? { ...common, addresses, version: 3, maxAdvertIntervalCs: rng.int(0, 4095) }
      : {
          ...common,
          addresses,
          version: 2,
          authType: AUTH_SIMPLE_TEXT,
          advertIntervalSec: rng.int(0, 255),
          authData: passwordAuthData('1111'),
        };
  return vrrpFrame(packet, { src, id: rng.int(0, 65535) });
}

/** A valid capture and where each of its records or blocks starts. */
function build(rng: Rng): { parts: Buffer[]; pcapng: boolean; le: boolean } {
  const n = rng.int(0, 30);
  let t = T0 + rng.next();
  const times = Array.from({ length: n }, () => (t += rng.pick([0, 0.001, 1, 3, -1, 1e6])));
  if (rng.chance(0.5)) {
    const parts = [encodePcapGlobalHeader({ linkType: rng.pick(LINK_TYPES) })];
    for (const s of times)
      parts.push(encodePcapRecord({ timestampSeconds: Math.max(0, s), data: frame(rng) }));
    return { parts, pcapng: false, le: true };
  }
  const order: ByteOrder = rng.chance(0.5) ? 'LE' : 'BE';
  const interfaces: PcapngWriteInterface[] = Array.from({ length: rng.int(1, 3) }, () => ({
    linkType: rng.pick(LINK_TYPES),
    tsresol: rng.pick([6, 9, 0, 3, 0x80 | 20, 0x80 | 63, 19, 127, 255]),
    tsoffset: rng.pick([0, 0, -T0, 2 ** 31]),
  }));
  const parts = [encodePcapngHeader(interfaces, order)];
  for (const s of times) {
    const record = {
      timestampSeconds: s,
      data: frame(rng),
      interfaceId: rng.int(0, interfaces.length - 1),
    };
    try {
      parts.push(encodePcapngRecord(record, interfaces, order));
    } catch {
      // a timestamp the writer cannot express at this resolution: leave the record out
    }
  }
  return { parts, pcapng: true, le: order === 'LE' };
}

function mutate(rng: Rng, parts: Buffer[], le: boolean, pcapng: boolean): void {
  const i = rng.int(0, parts.length - 1);
  const part = parts[i]!;
  const put = (at: number, v: number): void => {
    if (at < 0 || at + 4 > part.length) return;
    if (le) part.writeUInt32LE(v >>> 0, at);
    else part.writeUInt32BE(v >>> 0, at);
  };
  switch (rng.int(0, 6)) {
    case 0: // a length field: a record's incl_len / orig_len, a block's total lengths
      if (pcapng) put(rng.pick([4, part.length - 4, 20, 24]), rng.pick(LENGTHS));
      else put(rng.pick([8, 12, 16]), rng.pick(LENGTHS));
      return;
    case 1: // the magic or block type
      put(0, rng.pick([0x0a0d0d0a, 0x1a2b3c4d, 0xa1b2c3d4, 0xd4c3b2a1, 0xa1b23c4d, 1, 6, 3, 2, 0]));
      return;
    case 2: // a few octets anywhere
      for (let k = rng.int(1, 4); k > 0; k--)
        if (part.length > 0) part[rng.int(0, part.length - 1)] = rng.int(0, 255);
      return;
    case 3: // a block or record repeated
      parts.splice(i, 0, ...Array<Buffer>(rng.int(1, 5)).fill(Buffer.from(part)));
      return;
    case 4: // a section or header from the middle of nowhere
      parts.splice(i, 0, Buffer.from(parts[0]!));
      return;
    case 5: // a cut
      parts[i] = part.subarray(0, rng.int(0, part.length));
      return;
    default: // an interface id or IDB option
      put(rng.pick([8, 12, 16, 20]), rng.pick([0, 1, 2, 255, 0xffff, 0xffffffff]));
  }
}

export function generateCapture(rng: Rng): CaptureCase {
  let octets: Buffer;
  if (rng.chance(0.1)) octets = Buffer.from(rng.bytes(rng.int(0, 200)));
  else {
    const { parts, pcapng, le } = build(rng);
    for (let k = rng.int(0, 3); k > 0; k--) mutate(rng, parts, le, pcapng);
    octets = Buffer.concat(parts);
  }
  const chunks = rng.chance(0.5) ? [] : Array.from({ length: rng.int(1, 8) }, () => rng.int(1, 64));
  return { octets, chunks };
}
