/**
 * Where capture octets come from: the I/O edge of src/capture. A path or `-` (standard input)
 * becomes chunks of decompressed octets: gzip is told by its magic (1f 8b), not by the name, so
 * `capture.pcap.gz`, `capture.pcapng.gz` and `tcpdump -w - | gzip |` all work. Problems are
 * InputErrors naming the input: PCAP_NOT_FOUND, PCAP_NOT_A_FILE, PCAP_UNREADABLE, PCAP_BAD_GZIP.
 * A gzip stream that stops early ends the chunks: the parser then reports the cut record.
 */
import fs from 'node:fs';
import type { Readable } from 'node:stream';
import zlib from 'node:zlib';
import { InputError } from '../errors';

/** Large chunks: fewer callbacks, and a record cut by a chunk's end is copied once. */
export const READ_CHUNK = 1 << 20;
/** The name standard input goes by in messages and sources. */
export const STDIN_NAME = '-';

const GZIP_MAGIC_0 = 0x1f;
const GZIP_MAGIC_1 = 0x8b;

export function describeErrno(file: string, error: NodeJS.ErrnoException): InputError {
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
export function isErrno(error: unknown): error is NodeJS.ErrnoException {
  return (
    typeof error === 'object' &&
    error !== null &&
    !(error instanceof InputError) &&
    typeof (error as { code?: unknown }).code === 'string' &&
    typeof (error as { syscall?: unknown }).syscall === 'string'
  );
}

/** Check that `file` is a readable regular file; its first two octets tell gzip. */
async function checkFile(file: string): Promise<{ gzip: boolean }> {
  if (file === '') throw new InputError('PCAP_NOT_FOUND', 'empty pcap file path');
  let handle: fs.promises.FileHandle;
  try {
    handle = await fs.promises.open(file, 'r');
  } catch (error) {
    throw isErrno(error) ? describeErrno(file, error) : error;
  }
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) throw new InputError('PCAP_NOT_A_FILE', `${file}: not a regular file`);
    const head = Buffer.alloc(2);
    const { bytesRead } = await handle.read(head, 0, 2, 0);
    return { gzip: bytesRead === 2 && head[0] === GZIP_MAGIC_0 && head[1] === GZIP_MAGIC_1 };
  } catch (error) {
    throw isErrno(error) ? describeErrno(file, error) : error;
  } finally {
    await handle.close();
  }
}

/** The octets of `stream`, decompressed when its first chunk starts with the gzip magic. */
async function* decompressed(
  name: string,
  stream: AsyncIterable<Buffer>,
  gzip: boolean | 'detect',
): AsyncGenerator<Buffer> {
  const source = stream[Symbol.asyncIterator]();
  const first = await source.next();
  if (first.done === true) return;
  const head = first.value;
  const isGzip = gzip === 'detect' ? head[0] === GZIP_MAGIC_0 && head[1] === GZIP_MAGIC_1 : gzip;
  if (!isGzip) {
    yield head;
    for (let next = await source.next(); next.done !== true; next = await source.next())
      yield next.value;
    return;
  }
  const gunzip = zlib.createGunzip({ chunkSize: READ_CHUNK });
  const feed = async (): Promise<void> => {
    try {
      if (!gunzip.write(head)) await onceDrained(gunzip);
      for (let next = await source.next(); next.done !== true; next = await source.next())
        if (!gunzip.write(next.value)) await onceDrained(gunzip);
      gunzip.end();
    } catch (error) {
      gunzip.destroy(error instanceof Error ? error : new Error(String(error)));
    }
  };
  void feed();
  try {
    for await (const chunk of gunzip) yield chunk as Buffer;
  } catch (error) {
    // Z_BUF_ERROR: the compressed stream stopped early; what came out is parsed as usual.
    if ((error as { code?: unknown }).code === 'Z_BUF_ERROR') return;
    if (error instanceof InputError) throw error;
    if (isErrno(error)) throw describeErrno(name, error);
    throw new InputError(
      'PCAP_BAD_GZIP',
      `${name}: not a readable gzip stream: ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
  } finally {
    gunzip.on('error', () => undefined); // a write after an early stop must not go unhandled
    gunzip.destroy();
    await source.return?.();
  }
}

function onceDrained(stream: NodeJS.WritableStream): Promise<void> {
  return new Promise((resolve) => stream.once('drain', resolve));
}

/**
 * The decompressed octets of a capture: a file path, or `-` for `stdin`. File errors
 * (missing, a directory, unreadable) are InputErrors naming the file.
 */
export async function captureChunks(
  input: string,
  stdin?: Readable,
): Promise<AsyncIterable<Buffer>> {
  if (input === STDIN_NAME) {
    // The process's own standard input is read in READ_CHUNK reads (process.stdin reads 64 KiB).
    const source =
      stdin ?? fs.createReadStream('', { fd: 0, highWaterMark: READ_CHUNK, autoClose: false });
    return decompressed(input, source as AsyncIterable<Buffer>, 'detect');
  }
  const { gzip } = await checkFile(input);
  const stream = fs.createReadStream(input, { highWaterMark: READ_CHUNK });
  return withFileErrors(input, decompressed(input, stream as AsyncIterable<Buffer>, gzip));
}

async function* withFileErrors(
  file: string,
  chunks: AsyncIterable<Buffer>,
): AsyncGenerator<Buffer> {
  try {
    yield* chunks;
  } catch (error) {
    throw isErrno(error) ? describeErrno(file, error) : error;
  }
}
