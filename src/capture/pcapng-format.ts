/**
 * The pcapng file format (draft-ietf-opsawg-pcapng): the blocks a packet capture needs, read
 * from a buffer at an offset, and a writer for tests and the benchmark. Pure: no file system.
 *
 * Every block is type (4) + total length (4) + body + total length (4), padded to 4 octets, in
 * the byte order the section header's byte-order magic gives. Read here: the Section Header
 * Block (SHB), the Interface Description Block (IDB, with `if_tsresol` and `if_tsoffset`), the
 * Enhanced and Simple Packet Blocks (EPB, SPB) and the obsolete Packet Block; every other block
 * is skipped by its length.
 */
import { InputError } from '../errors';
import type { ByteOrder } from './pcap-format';

/** Section Header Block type; also the first four octets of every pcapng file. */
export const PCAPNG_SHB = 0x0a0d0d0a;
export const PCAPNG_IDB = 0x00000001;
/** Obsolete Packet Block (interface id is 16 bits, then a drops count). */
export const PCAPNG_PB = 0x00000002;
export const PCAPNG_SPB = 0x00000003;
export const PCAPNG_EPB = 0x00000006;
/** The SHB's byte-order magic, as written in the section's own byte order. */
export const PCAPNG_BYTE_ORDER_MAGIC = 0x1a2b3c4d;
/** Type (4) + total length (4) + trailing total length (4). */
export const PCAPNG_BLOCK_OVERHEAD = 12;
/** A block longer than this is taken as corruption, not data (the largest record is 256 KiB). */
export const PCAPNG_MAX_BLOCK_LENGTH = 16 * 1024 * 1024;

/** IDB option codes (section 4.2 of the draft). */
const OPT_ENDOFOPT = 0;
const OPT_IF_TSRESOL = 9;
const OPT_IF_TSOFFSET = 14;

/** One interface of a section: what its packet blocks refer to by index. */
export interface PcapngInterface {
  linkType: number;
  snapLength: number;
  /** Timestamp units per second: 10^n or 2^n from `if_tsresol`; default 10^6. */
  unitsPerSecond: number;
  /** `if_tsoffset`: seconds added to every timestamp. */
  offsetSeconds: number;
}

/** The byte order of a section from the octets of its SHB (at least 12); null when not an SHB. */
export function sectionByteOrder(buf: Uint8Array, offset: number): ByteOrder | null {
  const view = new DataView(buf.buffer, buf.byteOffset + offset, 12);
  if (view.getUint32(0, false) !== PCAPNG_SHB) return null;
  if (view.getUint32(8, true) === PCAPNG_BYTE_ORDER_MAGIC) return 'LE';
  if (view.getUint32(8, false) === PCAPNG_BYTE_ORDER_MAGIC) return 'BE';
  return null;
}

/** Read the IDB body at `body` (after type and length) of a block `length` octets long. */
export function parseInterface(
  view: DataView,
  body: number,
  length: number,
  le: boolean,
): PcapngInterface {
  const iface: PcapngInterface = {
    linkType: view.getUint16(body, le), // LinkType (2), then reserved (2)
    snapLength: view.getUint32(body + 4, le), // SnapLen (4)
    unitsPerSecond: 1e6,
    offsetSeconds: 0,
  };
  const end = body - 8 + length - 4;
  let at = body + 8;
  // Options: code (2) + length (2) + value padded to 4 octets.
  while (at + 4 <= end) {
    const code = view.getUint16(at, le);
    const size = view.getUint16(at + 2, le);
    if (code === OPT_ENDOFOPT || at + 4 + size > end) break;
    if (code === OPT_IF_TSRESOL && size >= 1) {
      const v = view.getUint8(at + 4);
      // High bit clear: 10^-v s units; set: 2^-(v & 0x7f).
      iface.unitsPerSecond = v & 0x80 ? 2 ** (v & 0x7f) : 10 ** v;
    } else if (code === OPT_IF_TSOFFSET && size >= 8) {
      iface.offsetSeconds = Number(view.getBigInt64(at + 4, le));
    }
    at += 4 + ((size + 3) & ~3);
  }
  return iface;
}

/**
 * Seconds since the epoch of a 64-bit timestamp (high and low words) in the interface's units,
 * exact to the double's precision (BigInt only when the count exceeds 2^53, as nanoseconds do).
 */
export function timestampSeconds(iface: PcapngInterface, high: number, low: number): number {
  const units = iface.unitsPerSecond;
  const total = high * 4294967296 + low;
  if (total <= Number.MAX_SAFE_INTEGER) {
    const sec = Math.floor(total / units);
    return sec + (total - sec * units) / units + iface.offsetSeconds;
  }
  const big = (BigInt(high) << 32n) | BigInt(low);
  const unitsBig = BigInt(units);
  return Number(big / unitsBig) + Number(big % unitsBig) / units + iface.offsetSeconds;
}

/** An InputError for a block that cannot be a pcapng block. */
export function badBlock(file: string, index: number, offset: number, why: string): InputError {
  return new InputError(
    'PCAPNG_BAD_BLOCK',
    `${file}: pcapng block ${index} at offset ${offset}: ${why}`,
  );
}

// ---------------------------------------------------------------------------------------------
// Writer (little- or big-endian), for tests and the benchmark.

export interface PcapngWriteInterface {
  linkType: number;
  snapLength?: number;
  /** The raw `if_tsresol` octet (6: microseconds, 9: nanoseconds, 0x80 | n: 2^-n); default 6. */
  tsresol?: number;
  /** `if_tsoffset` in seconds. */
  tsoffset?: number;
}

export interface PcapngWriteRecord {
  /** Seconds since the epoch (before `if_tsoffset`). */
  timestampSeconds: number;
  data: Uint8Array;
  /** Index into the interfaces; default 0. */
  interfaceId?: number;
  originalLength?: number;
}

function block(type: number, body: Buffer, le: boolean): Buffer {
  const padded = (body.length + 3) & ~3;
  const out = Buffer.alloc(padded + PCAPNG_BLOCK_OVERHEAD);
  const w32 = (v: number, o: number): number =>
    le ? out.writeUInt32LE(v, o) : out.writeUInt32BE(v, o);
  w32(type, 0);
  w32(out.length, 4);
  body.copy(out, 8);
  w32(out.length, out.length - 4);
  return out;
}

function unitsOf(tsresol: number): number {
  return tsresol & 0x80 ? 2 ** (tsresol & 0x7f) : 10 ** tsresol;
}

type Writers = {
  w16: (b: Buffer, v: number, o: number) => number;
  w32: (b: Buffer, v: number, o: number) => number;
};

function writers(le: boolean): Writers {
  return {
    w16: (b, v, o) => (le ? b.writeUInt16LE(v, o) : b.writeUInt16BE(v, o)),
    w32: (b, v, o) => (le ? b.writeUInt32LE(v, o) : b.writeUInt32BE(v, o)),
  };
}

/** A section header block and one interface description block per interface. */
export function encodePcapngHeader(
  interfaces: readonly PcapngWriteInterface[],
  byteOrder: ByteOrder = 'LE',
): Buffer {
  const le = byteOrder === 'LE';
  const { w16, w32 } = writers(le);
  const parts: Buffer[] = [];
  const shb = Buffer.alloc(16);
  w32(shb, PCAPNG_BYTE_ORDER_MAGIC, 0);
  w16(shb, 1, 4); // major version (2)
  w16(shb, 0, 6); // minor version (2)
  shb.fill(0xff, 8, 16); // section length (8): unknown
  parts.push(block(PCAPNG_SHB, shb, le));
  for (const i of interfaces) {
    // LinkType (2), reserved (2), SnapLen (4); if_tsresol (4 + 1, padded to 8); if_tsoffset
    // (4 + 8); opt_endofopt (4).
    const idb = Buffer.alloc(8 + 8 + 12 + 4);
    w16(idb, i.linkType, 0);
    w32(idb, i.snapLength ?? 262144, 4);
    w16(idb, OPT_IF_TSRESOL, 8);
    w16(idb, 1, 10);
    idb.writeUInt8(i.tsresol ?? 6, 12);
    w16(idb, OPT_IF_TSOFFSET, 16);
    w16(idb, 8, 18);
    if (le) idb.writeBigInt64LE(BigInt(i.tsoffset ?? 0), 20);
    else idb.writeBigInt64BE(BigInt(i.tsoffset ?? 0), 20);
    parts.push(block(PCAPNG_IDB, idb, le));
  }
  return Buffer.concat(parts);
}

/** One enhanced packet block. */
export function encodePcapngRecord(
  r: PcapngWriteRecord,
  interfaces: readonly PcapngWriteInterface[],
  byteOrder: ByteOrder = 'LE',
): Buffer {
  const le = byteOrder === 'LE';
  const { w32 } = writers(le);
  const iface = interfaces[r.interfaceId ?? 0];
  if (!iface) throw new InputError('PCAPNG_BAD_INTERFACE', `No interface ${r.interfaceId}`);
  const units = unitsOf(iface.tsresol ?? 6);
  const sec = Math.floor(r.timestampSeconds);
  const frac = Math.round((r.timestampSeconds - sec) * units);
  const ts = BigInt(sec - (iface.tsoffset ?? 0)) * BigInt(units) + BigInt(frac);
  // Interface id (4), timestamp high (4) and low (4), captured (4) and original (4) length.
  const epb = Buffer.alloc(20 + r.data.length);
  w32(epb, r.interfaceId ?? 0, 0);
  w32(epb, Number(ts >> 32n), 4);
  w32(epb, Number(ts & 0xffffffffn), 8);
  w32(epb, r.data.length, 12);
  w32(epb, r.originalLength ?? r.data.length, 16);
  epb.set(r.data, 20);
  return block(PCAPNG_EPB, epb, le);
}

/** A section header, its interfaces and records as one pcapng buffer. */
export function encodePcapng(
  interfaces: readonly PcapngWriteInterface[],
  records: Iterable<PcapngWriteRecord>,
  byteOrder: ByteOrder = 'LE',
): Buffer {
  const parts = [encodePcapngHeader(interfaces, byteOrder)];
  for (const r of records) parts.push(encodePcapngRecord(r, interfaces, byteOrder));
  return Buffer.concat(parts);
}
