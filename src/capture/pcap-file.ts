/**
 * Reading and writing pcap files: the I/O edge of src/capture. Records stream through
 * pcap-parser; every problem with the file itself is an InputError naming the file:
 * PCAP_NOT_FOUND, PCAP_NOT_A_FILE, PCAP_UNREADABLE, PCAP_BAD_MAGIC, PCAP_BAD_VERSION,
 * PCAP_BAD_RECORD, PCAP_TRUNCATED.
 *
 * pcap-parser knows only the microsecond magic and ends quietly when a file stops inside a
 * record, so this module checks the header itself first (nanosecond files get their magic
 * patched to the microsecond one and their timestamps divided by 1e9 instead of 1e6) and
 * compares the octets the records account for with the octets read to detect truncation.
 */
import fs from 'node:fs';
import { Transform } from 'node:stream';
import type { Readable } from 'node:stream';
import { parse as parsePcap } from 'pcap-parser';
import type { PacketHeader, Parser } from 'pcap-parser';
import { InputError } from '../errors';
import {
  PCAP_GLOBAL_HEADER_LENGTH,
  PCAP_MAGIC_MICROS,
  PCAP_MAX_RECORD_LENGTH,
  PCAP_RECORD_HEADER_LENGTH,
  encodePcap,
  parsePcapHeader,
} from './pcap-format';
import type { PcapHeader, PcapWriteOptions, PcapWriteRecord } from './pcap-format';

export interface PcapRecord {
  /** Seconds since the epoch: ts_sec + ts_usec / 1e6 (or ts_nsec / 1e9). */
  timestampSeconds: number;
  /** The file's LINKTYPE_*. */
  linkType: number;
  /** The captured octets. A view that is only valid during the callback: copy to keep it. */
  data: Buffer;
  /** Octets on the wire (more than data.length when the snapshot length cut the frame). */
  originalLength: number;
  /** 1-based frame number. */
  frame: number;
}

export interface PcapFileInfo {
  path: string;
  header: PcapHeader;
  /** Records read. */
  records: number;
  /** File size in octets. */
  bytes: number;
}

/** Large chunks: pcap-parser copies its left-over octets into every new chunk. */
const READ_CHUNK = 1 << 20;

function describe(file: string, error: NodeJS.ErrnoException): InputError {
  switch (error.code) {
    case 'ENOENT':
      return new InputError('PCAP_NOT_FOUND', `${file}: no such pcap file`, { cause: error });
    case 'EISDIR':
      return new InputError('PCAP_NOT_A_FILE', `${file}: is a directory, not a pcap file`, {
        cause: error,
      });
    default:
      return new InputError('PCAP_UNREADABLE', `${file}: cannot read pcap file: ${error.message}`, {
        cause: error,
      });
  }
}

/** A Node system error (ENOENT, EACCES, ...). Not `instanceof Error`: jest runs tests in another realm. */
function isErrno(error: unknown): error is NodeJS.ErrnoException {
  return (
    typeof error === 'object' &&
    error !== null &&
    !(error instanceof InputError) &&
    typeof (error as { code?: unknown }).code === 'string' &&
    typeof (error as { syscall?: unknown }).syscall === 'string'
  );
}

/** Read and check the global header; returns it with the file size. */
async function openPcap(file: string): Promise<{ header: PcapHeader; size: number }> {
  if (file === '') throw new InputError('PCAP_NOT_FOUND', 'empty pcap file path');
  let handle: fs.promises.FileHandle;
  try {
    handle = await fs.promises.open(file, 'r');
  } catch (error) {
    throw isErrno(error) ? describe(file, error) : error;
  }
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) throw new InputError('PCAP_NOT_A_FILE', `${file}: not a regular file`);
    const head = Buffer.alloc(PCAP_GLOBAL_HEADER_LENGTH);
    const { bytesRead } = await handle.read(head, 0, PCAP_GLOBAL_HEADER_LENGTH, 0);
    return { header: parsePcapHeader(head.subarray(0, bytesRead), file), size: stat.size };
  } catch (error) {
    throw isErrno(error) ? describe(file, error) : error;
  } finally {
    await handle.close();
  }
}

/** Rewrites the nanosecond magic to the microsecond one (same byte order) for pcap-parser. */
function patchNanosecondMagic(header: PcapHeader): Transform {
  let patched = false;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      if (!patched) {
        // The first chunk of a stream with a 1 MiB high-water mark holds the whole header.
        if (header.byteOrder === 'LE') chunk.writeUInt32LE(PCAP_MAGIC_MICROS, 0);
        else chunk.writeUInt32BE(PCAP_MAGIC_MICROS, 0);
        patched = true;
      }
      callback(null, chunk);
    },
  });
}

/** How far a read has got. */
interface ReadState {
  /** Resolved or rejected: later events are ignored. */
  settled: boolean;
  /** Octets that came out of the (patched) input stream. */
  streamed: number;
  /** Octets the global header and the records read so far account for. */
  consumed: number;
  /** Records read. */
  frame: number;
  /** A record header whose data has not come yet. */
  pending: PacketHeader | null;
}

/** What the parser's record events need besides the read state. */
interface RecordSink {
  file: string;
  header: PcapHeader;
  size: number;
  onRecord: (record: PcapRecord) => void;
  stop: (error: unknown) => void;
  resolve: (info: PcapFileInfo) => void;
}

/**
 * Stream every record of a pcap file through `onRecord`, in file order. Resolves with the
 * file's summary; rejects with an InputError for a missing, unreadable, non-pcap or truncated
 * file. An exception thrown by `onRecord` stops the read and rejects with it.
 */
export async function streamPcapFile(
  file: string,
  onRecord: (record: PcapRecord) => void,
): Promise<PcapFileInfo> {
  const { header, size } = await openPcap(file);

  return new Promise<PcapFileInfo>((resolve, reject) => {
    const fileStream = fs.createReadStream(file, { highWaterMark: READ_CHUNK });
    const input: Readable = header.nanosecond
      ? fileStream.pipe(patchNanosecondMagic(header))
      : fileStream;
    const parser = parsePcap(input);
    const state: ReadState = {
      settled: false,
      streamed: 0,
      consumed: PCAP_GLOBAL_HEADER_LENGTH,
      frame: 0,
      pending: null,
    };

    const stop = (error: unknown): void => {
      if (state.settled) return;
      state.settled = true;
      fileStream.destroy();
      if (input !== fileStream) input.destroy();
      reject(error instanceof Error ? error : new Error(String(error)));
    };

    input.on('data', (chunk: Buffer) => {
      state.streamed += chunk.length;
    });
    fileStream.on('error', (error) => stop(isErrno(error) ? describe(file, error) : error));
    // pcap-parser forwards stream errors, and reports a magic or version it does not know.
    parser.on('error', (error) =>
      stop(
        isErrno(error)
          ? describe(file, error)
          : new InputError(
              'PCAP_BAD_MAGIC',
              `${file}: not a readable pcap file: ${error.message}`,
              { cause: error },
            ),
      ),
    );
    followRecords(parser, state, { file, header, size, onRecord, stop, resolve });
  });
}

/** Check each record's length, hand records to `onRecord`, and check the end for truncation. */
function followRecords(parser: Parser, state: ReadState, sink: RecordSink): void {
  const { file, header, onRecord, stop } = sink;
  const divisor = header.nanosecond ? 1e9 : 1e6;
  const linkType = header.linkType;
  parser.on('packetHeader', (packetHeader) => {
    if (state.settled) return;
    if (packetHeader.capturedLength > Math.max(PCAP_MAX_RECORD_LENGTH, header.snapLength)) {
      stop(
        new InputError(
          'PCAP_BAD_RECORD',
          `${file}: record ${state.frame + 1} at offset ${state.consumed} claims ${packetHeader.capturedLength} octets (limit ${Math.max(PCAP_MAX_RECORD_LENGTH, header.snapLength)})`,
        ),
      );
      return;
    }
    state.pending = packetHeader;
  });
  parser.on('packet', ({ header: h, data }) => {
    if (state.settled) return;
    state.frame += 1;
    state.consumed += PCAP_RECORD_HEADER_LENGTH + h.capturedLength;
    state.pending = null;
    try {
      onRecord({
        timestampSeconds: h.timestampSeconds + h.timestampMicroseconds / divisor,
        linkType,
        data,
        originalLength: h.originalLength,
        frame: state.frame,
      });
    } catch (error) {
      stop(error);
    }
  });
  parser.on('end', () => endOfRecords(state, sink));
}

/** The parser ended: resolve when the records account for every octet, else PCAP_TRUNCATED. */
function endOfRecords(state: ReadState, { file, header, size, stop, resolve }: RecordSink): void {
  if (state.settled) return;
  const { consumed, frame, pending } = state;
  const total = Math.max(state.streamed, size);
  if (consumed !== total) {
    const left = total - consumed;
    const need = pending
      ? `its ${PCAP_RECORD_HEADER_LENGTH}-octet header announces ${pending.capturedLength} octets of data`
      : `a record header needs ${PCAP_RECORD_HEADER_LENGTH} octets`;
    stop(
      new InputError(
        'PCAP_TRUNCATED',
        `${file}: truncated pcap file: ends inside record ${frame + 1} at offset ${consumed}: ${need}, only ${left - (pending ? PCAP_RECORD_HEADER_LENGTH : 0)} left`,
      ),
    );
    return;
  }
  state.settled = true;
  resolve({ path: file, header, records: frame, bytes: total });
}

/** Read a whole pcap file into memory (records' data copied). For small files and tests. */
export async function readPcapFile(
  file: string,
): Promise<{ info: PcapFileInfo; records: PcapRecord[] }> {
  const records: PcapRecord[] = [];
  const info = await streamPcapFile(file, (record) => {
    records.push({ ...record, data: Buffer.from(record.data) });
  });
  return { info, records };
}

/** Write records as a pcap file (little-endian, microsecond timestamps). */
export async function writePcapFile(
  file: string,
  records: Iterable<PcapWriteRecord>,
  opts: PcapWriteOptions,
): Promise<void> {
  await fs.promises.writeFile(file, encodePcap(records, opts));
}
