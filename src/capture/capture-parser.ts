/**
 * A push parser for capture files, classic pcap and pcapng alike: chunks of octets in (from a
 * file, a gunzip stream or standard input), one callback per record out. Pure: it never reads
 * anything itself, so the same code serves files, pipes and tests.
 *
 * The format is told by the first four octets. Records are handed out as one reused object
 * whose `data` is a view into the current chunk: both are valid only during the callback.
 * Problems with the file itself are InputErrors naming it and the offset (PCAP_BAD_MAGIC,
 * PCAP_BAD_VERSION, PCAP_BAD_RECORD, PCAPNG_BAD_BLOCK, PCAPNG_BAD_INTERFACE, PCAP_TRUNCATED for a
 * file shorter than its header); a file that stops inside its last record is not an error:
 * `end()` reports it in `truncated` and every record before it has been read.
 */
import { InputError } from '../errors';
import {
  PCAP_GLOBAL_HEADER_LENGTH,
  PCAP_MAX_RECORD_LENGTH,
  PCAP_RECORD_HEADER_LENGTH,
  parsePcapHeader,
} from './pcap-format';
import type { ByteOrder, PcapHeader } from './pcap-format';
import {
  PCAPNG_BLOCK_OVERHEAD,
  PCAPNG_EPB,
  PCAPNG_IDB,
  PCAPNG_MAX_BLOCK_LENGTH,
  PCAPNG_PB,
  PCAPNG_SHB,
  PCAPNG_SPB,
  badBlock,
  parseInterface,
  sectionByteOrder,
  timestampSeconds,
} from './pcapng-format';
import type { PcapngInterface } from './pcapng-format';

export interface CaptureRecord {
  /** Seconds since the epoch. */
  timestampSeconds: number;
  /** LINKTYPE_* of the record's interface. */
  linkType: number;
  /** The captured octets: a view valid only during the callback (not set without views). */
  data: Buffer;
  /** The same octets as `chunk[offset .. offset + length)`, valid only during the callback. */
  chunk: Buffer;
  offset: number;
  length: number;
  /** Octets on the wire. */
  originalLength: number;
  /** 1-based record number, as tshark counts frames. */
  frame: number;
  /** pcapng interface index within its section; 0 for classic pcap. */
  interfaceId: number;
}

/** A last record the file stops inside of. */
export interface TruncatedRecord {
  code: 'PCAP_TRUNCATED';
  /** File offset where the record starts. */
  offset: number;
  message: string;
}

export interface CaptureSummary {
  format: 'pcap' | 'pcapng';
  /** Byte order of the (first) section. */
  byteOrder: ByteOrder;
  /** Classic pcap header; null for pcapng. */
  pcapHeader: PcapHeader | null;
  /** Every interface of every pcapng section (one entry for classic pcap). */
  interfaces: { linkType: number; unitsPerSecond: number }[];
  records: number;
  /** Octets read (decompressed). */
  bytes: number;
  truncated: TruncatedRecord | null;
}

/**
 * The 32-bit word at `at` (in bounds: the caller has checked), without Buffer#readUInt32*'s
 * argument checks, which were a tenth of the time of reading a capture.
 */
function u32(buf: Buffer, at: number, le: boolean): number {
  return le
    ? (buf[at]! | (buf[at + 1]! << 8) | (buf[at + 2]! << 16) | (buf[at + 3]! << 24)) >>> 0
    : ((buf[at]! << 24) | (buf[at + 1]! << 16) | (buf[at + 2]! << 8) | buf[at + 3]!) >>> 0;
}

/** More than the longest classic record (pcapng blocks may be longer: they take the slow way). */
const SPLICE = PCAP_MAX_RECORD_LENGTH + 64;

type Format =
  { kind: 'pcap'; header: PcapHeader; divisor: number; limit: number } | { kind: 'pcapng' };

export class CaptureParser {
  private pending: Buffer | null = null;
  /** File offset of the first octet of `pending` / the current chunk. */
  private base = 0;
  private format: Format | null = null;
  private frame = 0;
  private blocks = 0;
  private le = true;
  private section: PcapngInterface[] = [];
  private readonly allInterfaces: { linkType: number; unitsPerSecond: number }[] = [];
  private firstOrder: ByteOrder = 'LE';
  private lastTime = 0;
  private readonly record: CaptureRecord = {
    timestampSeconds: 0,
    linkType: 0,
    data: Buffer.alloc(0),
    chunk: Buffer.alloc(0),
    offset: 0,
    length: 0,
    originalLength: 0,
    frame: 0,
    interfaceId: 0,
  };

  /**
   * `views` false: records carry only `chunk`, `offset` and `length`, not a `data` view (a
   * view per record is a tenth of the time of a whole analysis).
   */
  constructor(
    private readonly file: string,
    private readonly onRecord: (record: CaptureRecord) => void,
    private readonly views = true,
  ) {}

  /** Parse as much of `chunk` (and what was left of the previous one) as forms whole records. */
  push(chunk: Buffer): void {
    if (this.pending !== null) {
      // Finish the record cut by the last chunk's end on a copy of its octets and just enough
      // of this chunk (a record is at most SPLICE octets), then parse the chunk in place.
      const pending = this.pending;
      this.pending = null;
      const joined = Buffer.concat([pending, chunk.subarray(0, SPLICE)]);
      const at = this.parse(joined);
      if (at < pending.length) {
        // Still cut: the chunk was short, or the block is longer than SPLICE.
        const rest = chunk.subarray(Math.min(chunk.length, SPLICE));
        this.pending =
          rest.length > 0 ? Buffer.concat([joined.subarray(at), rest]) : joined.subarray(at);
        this.base += at;
        return;
      }
      this.base += at;
      chunk = chunk.subarray(at - pending.length);
    }
    const at = this.parse(chunk);
    if (at < chunk.length) this.pending = chunk.subarray(at);
    this.base += at;
  }

  /** Parse the whole records at the start of `buf`; returns where the first incomplete one starts. */
  private parse(buf: Buffer): number {
    let at = 0;
    if (this.format === null) {
      if (buf.length < PCAP_GLOBAL_HEADER_LENGTH && !this.isPcapngStart(buf)) return 0;
      at = this.start(buf);
      if (at < 0) return 0;
    }
    return this.format!.kind === 'pcap' ? this.pcapRecords(buf, at) : this.pcapngBlocks(buf, at);
  }

  /** The input ended: the summary, with the record the file stops inside of, if any. */
  end(): CaptureSummary {
    const left = this.pending?.length ?? 0;
    if (this.format === null) {
      // Too short for a header: parsePcapHeader names the problem (bad magic or truncated).
      const head = this.pending ?? Buffer.alloc(0);
      if (this.isPcapngStart(head)) {
        throw new InputError(
          'PCAP_TRUNCATED',
          `${this.file}: truncated pcapng file: ${head.length} octets, a section header needs at least 28`,
        );
      }
      parsePcapHeader(head, this.file);
      throw new InputError('PCAP_TRUNCATED', `${this.file}: truncated capture file`);
    }
    const f = this.format;
    return {
      format: f.kind,
      byteOrder: this.firstOrder,
      pcapHeader: f.kind === 'pcap' ? f.header : null,
      interfaces: this.allInterfaces,
      records: this.frame,
      bytes: this.base + left,
      truncated: left > 0 ? this.truncation(this.pending!) : null,
    };
  }

  private isPcapngStart(buf: Buffer): boolean {
    return buf.length >= 4 && buf.readUInt32BE(0) === PCAPNG_SHB;
  }

  /** Read the file header; returns where records start, or -1 when more octets are needed. */
  private start(buf: Buffer): number {
    if (this.isPcapngStart(buf)) {
      if (buf.length < 12) return -1;
      this.format = { kind: 'pcapng' };
      this.firstOrder = sectionByteOrder(buf, 0) ?? 'LE';
      return 0;
    }
    const header = parsePcapHeader(buf.subarray(0, PCAP_GLOBAL_HEADER_LENGTH), this.file);
    this.format = {
      kind: 'pcap',
      header,
      divisor: header.nanosecond ? 1e9 : 1e6,
      limit: Math.max(PCAP_MAX_RECORD_LENGTH, header.snapLength),
    };
    this.le = header.byteOrder === 'LE';
    this.firstOrder = header.byteOrder;
    this.allInterfaces.push({ linkType: header.linkType, unitsPerSecond: this.format.divisor });
    return PCAP_GLOBAL_HEADER_LENGTH;
  }

  /** Classic pcap records from `at`; returns the offset of the first incomplete one. */
  private pcapRecords(buf: Buffer, at: number): number {
    const f = this.format as Extract<Format, { kind: 'pcap' }>;
    const le = this.le;
    const r = this.record;
    r.linkType = f.header.linkType;
    r.interfaceId = 0;
    const n = buf.length;
    while (at + PCAP_RECORD_HEADER_LENGTH <= n) {
      // ts_sec (4), ts_usec or ts_nsec (4), incl_len (4), orig_len (4).
      const sec = u32(buf, at, le);
      const frac = u32(buf, at + 4, le);
      const length = u32(buf, at + 8, le);
      if (length > f.limit) {
        throw new InputError(
          'PCAP_BAD_RECORD',
          `${this.file}: record ${this.frame + 1} at offset ${this.base + at} claims ${length} octets (limit ${f.limit})`,
        );
      }
      const dataAt = at + PCAP_RECORD_HEADER_LENGTH;
      if (dataAt + length > n) break;
      r.timestampSeconds = sec + frac / f.divisor;
      r.originalLength = u32(buf, at + 12, le);
      this.handOut(buf, dataAt, length);
      at = dataAt + length;
    }
    return at;
  }

  /** pcapng blocks from `at`; returns the offset of the first incomplete one. */
  private pcapngBlocks(buf: Buffer, at: number): number {
    const n = buf.length;
    const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    while (at + 12 <= n) {
      const type = buf.readUInt32BE(at) === PCAPNG_SHB ? PCAPNG_SHB : view.getUint32(at, this.le);
      if (type === PCAPNG_SHB) this.newSection(buf, at);
      const length = view.getUint32(at + 4, this.le);
      if (length < PCAPNG_BLOCK_OVERHEAD || length % 4 !== 0 || length > PCAPNG_MAX_BLOCK_LENGTH) {
        throw badBlock(this.file, this.blocks + 1, this.base + at, `bad block length ${length}`);
      }
      if (at + length > n) break;
      this.blocks++;
      if (type === PCAPNG_EPB || type === PCAPNG_PB || type === PCAPNG_SPB)
        this.packet(view, buf, at, type, length);
      else if (type === PCAPNG_IDB) this.addInterface(view, at, length);
      at += length;
    }
    return at;
  }

  private newSection(buf: Buffer, at: number): void {
    const order = sectionByteOrder(buf, at);
    if (order === null) {
      throw badBlock(
        this.file,
        this.blocks + 1,
        this.base + at,
        'section header without a byte-order magic',
      );
    }
    this.le = order === 'LE';
    this.section = [];
  }

  private addInterface(view: DataView, at: number, length: number): void {
    if (length < 20)
      throw badBlock(this.file, this.blocks, this.base + at, `interface block of ${length} octets`);
    const iface = parseInterface(view, at + 8, length, this.le);
    this.section.push(iface);
    this.allInterfaces.push({ linkType: iface.linkType, unitsPerSecond: iface.unitsPerSecond });
  }

  /** An EPB, SPB or obsolete PB: hand its record out. */
  private packet(view: DataView, buf: Buffer, at: number, type: number, length: number): void {
    const le = this.le;
    const r = this.record;
    let id = 0;
    let dataAt: number;
    let captured: number;
    // The fixed fields must fit in the block: an SPB has 4 octets of them, an EPB or PB 20.
    const least = PCAPNG_BLOCK_OVERHEAD + (type === PCAPNG_SPB ? 4 : 20);
    if (length < least)
      throw badBlock(
        this.file,
        this.blocks,
        this.base + at,
        `packet block of ${length} octets (at least ${least})`,
      );
    if (type === PCAPNG_SPB) {
      // Original length (4), then data cut to the interface's snapshot length. No timestamp:
      // the record gets the previous record's time.
      r.originalLength = view.getUint32(at + 8, le);
      dataAt = at + 12;
      const snap = this.section[0]?.snapLength || Infinity;
      captured = Math.min(r.originalLength, snap, length - 16);
    } else {
      // EPB: interface id (4); PB: interface id (2) + drops (2). Then timestamp high (4),
      // low (4), captured length (4), original length (4).
      id = type === PCAPNG_EPB ? view.getUint32(at + 8, le) : view.getUint16(at + 8, le);
      captured = view.getUint32(at + 20, le);
      r.originalLength = view.getUint32(at + 24, le);
      dataAt = at + 28;
      if (dataAt + captured > at + length - 4) {
        throw badBlock(
          this.file,
          this.blocks,
          this.base + at,
          `packet of ${captured} octets in a block of ${length}`,
        );
      }
    }
    const iface = this.section[id];
    if (iface === undefined) {
      throw new InputError(
        'PCAPNG_BAD_INTERFACE',
        `${this.file}: pcapng block ${this.blocks} at offset ${this.base + at}: interface ${id} not described (${this.section.length} in this section)`,
      );
    }
    if (type !== PCAPNG_SPB)
      this.lastTime = timestampSeconds(
        iface,
        view.getUint32(at + 12, le),
        view.getUint32(at + 16, le),
      );
    r.timestampSeconds = this.lastTime;
    r.linkType = iface.linkType;
    r.interfaceId = id;
    this.handOut(buf, dataAt, captured);
  }

  /** Hand out the record whose octets are `buf[dataAt, dataAt + length)`. */
  private handOut(buf: Buffer, dataAt: number, length: number): void {
    const r = this.record;
    r.chunk = buf;
    r.offset = dataAt;
    r.length = length;
    if (this.views) r.data = buf.subarray(dataAt, dataAt + length);
    r.frame = ++this.frame;
    this.onRecord(r);
  }

  /** What the octets left at the end say about the record they begin. */
  private truncation(left: Buffer): TruncatedRecord {
    const offset = this.base;
    const index = this.frame + 1;
    let need: string;
    if (this.format?.kind === 'pcap') {
      need =
        left.length < PCAP_RECORD_HEADER_LENGTH
          ? `a record header needs ${PCAP_RECORD_HEADER_LENGTH} octets, only ${left.length} left`
          : `its ${PCAP_RECORD_HEADER_LENGTH}-octet header announces ${this.le ? left.readUInt32LE(8) : left.readUInt32BE(8)} octets of data, only ${left.length - PCAP_RECORD_HEADER_LENGTH} left`;
    } else {
      need =
        left.length < 8
          ? `a block header needs 8 octets, only ${left.length} left`
          : `its header announces ${this.le ? left.readUInt32LE(4) : left.readUInt32BE(4)} octets, only ${left.length} left`;
    }
    const kind = this.format?.kind === 'pcap' ? 'record' : 'block';
    const number = this.format?.kind === 'pcap' ? index : this.blocks + 1;
    return {
      code: 'PCAP_TRUNCATED',
      offset,
      message: `${this.file}: truncated ${this.format?.kind ?? 'capture'} file: ends inside ${kind} ${number} at offset ${offset}: ${need}`,
    };
  }
}
