/**
 * The classic libpcap file format (https://www.tcpdump.org/manpages/pcap-savefile.5.html,
 * draft-ietf-opsawg-pcap): header parsing and a writer. Pure: no file system here.
 */
import { InputError } from '../errors';

/** Global header: magic (4) + major (2) + minor (2) + thiszone (4) + sigfigs (4) + snaplen (4) + linktype (4). */
export const PCAP_GLOBAL_HEADER_LENGTH = 24;
/** Record header: ts_sec (4) + ts_usec or ts_nsec (4) + incl_len (4) + orig_len (4). */
export const PCAP_RECORD_HEADER_LENGTH = 16;
/** Magic for microsecond timestamps, as a number read in the file's byte order. */
export const PCAP_MAGIC_MICROS = 0xa1b2c3d4;
/** Magic for nanosecond timestamps. */
export const PCAP_MAGIC_NANOS = 0xa1b23c4d;
/** tcpdump's default snapshot length, and the largest record a reader here accepts. */
export const PCAP_DEFAULT_SNAPLEN = 262144;
export const PCAP_MAX_RECORD_LENGTH = 262144;

export type ByteOrder = 'LE' | 'BE';

export interface PcapHeader {
  byteOrder: ByteOrder;
  /** true with the nanosecond magic (0xa1b23c4d): the second timestamp word is nanoseconds. */
  nanosecond: boolean;
  versionMajor: number;
  versionMinor: number;
  snapLength: number;
  /** LINKTYPE_* of every record. */
  linkType: number;
}

function hex32(n: number): string {
  return `0x${n.toString(16).padStart(8, '0')}`;
}

/**
 * Parse the 24-octet global header. `file` names the file in error messages.
 * Throws InputError PCAP_TRUNCATED (too short) or PCAP_BAD_MAGIC (not a pcap file).
 */
export function parsePcapHeader(buf: Uint8Array, file: string): PcapHeader {
  if (buf.length < PCAP_GLOBAL_HEADER_LENGTH) {
    // Short files whose first octets are not a pcap magic are simply not pcap files.
    if (buf.length >= 4 && magicOf(buf) === null) throw badMagic(buf, file);
    throw new InputError(
      'PCAP_TRUNCATED',
      `${file}: truncated pcap file: ${buf.length} octets, the global header needs ${PCAP_GLOBAL_HEADER_LENGTH}`,
    );
  }
  const magic = magicOf(buf);
  if (magic === null) throw badMagic(buf, file);
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const le = magic.byteOrder === 'LE';
  const versionMajor = view.getUint16(4, le);
  const versionMinor = view.getUint16(6, le);
  if (versionMajor !== 2) {
    throw new InputError(
      'PCAP_BAD_VERSION',
      `${file}: unsupported pcap version ${versionMajor}.${versionMinor} (only 2.x is read)`,
    );
  }
  return {
    byteOrder: magic.byteOrder,
    nanosecond: magic.nanosecond,
    versionMajor,
    versionMinor,
    snapLength: view.getUint32(16, le),
    linkType: view.getUint32(20, le) & 0x0fffffff, // the top 4 bits carry FCS information
  };
}

/** The byte order and resolution a pcap magic number says; null when `buf` has no pcap magic. */
export function magicOf(buf: Uint8Array): { byteOrder: ByteOrder; nanosecond: boolean } | null {
  const view = new DataView(buf.buffer, buf.byteOffset, 4);
  const be = view.getUint32(0, false);
  const le = view.getUint32(0, true);
  if (be === PCAP_MAGIC_MICROS) return { byteOrder: 'BE', nanosecond: false };
  if (le === PCAP_MAGIC_MICROS) return { byteOrder: 'LE', nanosecond: false };
  if (be === PCAP_MAGIC_NANOS) return { byteOrder: 'BE', nanosecond: true };
  if (le === PCAP_MAGIC_NANOS) return { byteOrder: 'LE', nanosecond: true };
  return null;
}

function badMagic(buf: Uint8Array, file: string): InputError {
  const magic = new DataView(buf.buffer, buf.byteOffset, 4).getUint32(0, false);
  return new InputError(
    'PCAP_BAD_MAGIC',
    `${file}: not a pcap or pcapng file: magic ${hex32(magic)}`,
  );
}

/** A record to write. */
export interface PcapWriteRecord {
  /** Seconds since the epoch; written with microsecond resolution. */
  timestampSeconds: number;
  data: Uint8Array;
  /** Length on the wire when the record was cut by a snapshot length; default data.length. */
  originalLength?: number;
}

export interface PcapWriteOptions {
  linkType: number;
  /** Default 262144, as tcpdump. */
  snapLength?: number;
}

/** Split seconds into whole seconds and microseconds, rounding to the nearest microsecond. */
export function splitTimestamp(seconds: number): [sec: number, usec: number] {
  let sec = Math.floor(seconds);
  let usec = Math.round((seconds - sec) * 1e6);
  if (usec >= 1_000_000) {
    sec += 1;
    usec -= 1_000_000;
  }
  return [sec, usec];
}

/** The 24-octet global header: little-endian, microsecond magic, version 2.4. */
export function encodePcapGlobalHeader(opts: PcapWriteOptions): Buffer {
  const out = Buffer.alloc(PCAP_GLOBAL_HEADER_LENGTH);
  out.writeUInt32LE(PCAP_MAGIC_MICROS, 0); // magic (4): d4 c3 b2 a1 on disk
  out.writeUInt16LE(2, 4); // version major (2)
  out.writeUInt16LE(4, 6); // version minor (2)
  out.writeInt32LE(0, 8); // thiszone (4): GMT
  out.writeUInt32LE(0, 12); // sigfigs (4)
  out.writeUInt32LE(opts.snapLength ?? PCAP_DEFAULT_SNAPLEN, 16); // snaplen (4)
  out.writeUInt32LE(opts.linkType, 20); // linktype (4)
  return out;
}

/** One record: 16-octet header and the frame. */
export function encodePcapRecord(record: PcapWriteRecord): Buffer {
  if (!(record.timestampSeconds >= 0) || record.timestampSeconds >= 2 ** 32) {
    throw new InputError(
      'PCAP_BAD_TIMESTAMP',
      `Cannot write a pcap timestamp of ${record.timestampSeconds} s`,
    );
  }
  const [sec, usec] = splitTimestamp(record.timestampSeconds);
  const out = Buffer.alloc(PCAP_RECORD_HEADER_LENGTH + record.data.length);
  out.writeUInt32LE(sec, 0); // ts_sec (4)
  out.writeUInt32LE(usec, 4); // ts_usec (4)
  out.writeUInt32LE(record.data.length, 8); // incl_len (4): octets saved
  out.writeUInt32LE(record.originalLength ?? record.data.length, 12); // orig_len (4): octets on the wire
  out.set(record.data, PCAP_RECORD_HEADER_LENGTH);
  return out;
}

/** A whole pcap file in memory. */
export function encodePcap(records: Iterable<PcapWriteRecord>, opts: PcapWriteOptions): Buffer {
  const parts: Buffer[] = [encodePcapGlobalHeader(opts)];
  for (const record of records) parts.push(encodePcapRecord(record));
  return Buffer.concat(parts);
}
