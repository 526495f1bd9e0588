/**
 * Tar for Docker's archive endpoints (pure). A minimal POSIX ustar writer (regular files only,
 * names up to 100 bytes: enough to hand putArchive a keepalived.conf for a created container
 * before it starts) and a reader of what getArchive sends (docker cp).
 */

export interface TarEntry {
  name: string;
  content: string | Uint8Array;
  /** Permission bits, default 0o644. */
  mode?: number;
  /** Seconds since the epoch. */
  mtime: number;
}

const BLOCK = 512;

function octal(value: number, width: number): string {
  // width - 1 digits, then NUL.
  return `${value.toString(8).padStart(width - 1, '0')}\0`;
}

function header(name: string, size: number, mode: number, mtime: number): Uint8Array {
  const nameBytes = Buffer.from(name, 'utf8');
  if (nameBytes.length === 0 || nameBytes.length > 100)
    throw new RangeError(`tar entry name must be 1..100 bytes: '${name}'`);
  const h = Buffer.alloc(BLOCK, 0);
  nameBytes.copy(h, 0);
  h.write(octal(mode, 8), 100, 'ascii');
  h.write(octal(0, 8), 108, 'ascii'); // uid
  h.write(octal(0, 8), 116, 'ascii'); // gid
  h.write(octal(size, 12), 124, 'ascii');
  h.write(octal(Math.floor(mtime), 12), 136, 'ascii');
  h.write('        ', 148, 'ascii'); // checksum placeholder: 8 spaces
  h.write('0', 156, 'ascii'); // typeflag: regular file
  h.write('ustar\0', 257, 'ascii');
  h.write('00', 263, 'ascii');
  h.write('root', 265, 'ascii');
  h.write('root', 297, 'ascii');
  let sum = 0;
  for (const b of h) sum += b;
  h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'ascii');
  return h;
}

/** A tar archive of the entries, ending with the two zero blocks. */
export function tarArchive(entries: readonly TarEntry[]): Buffer {
  const parts: Uint8Array[] = [];
  for (const e of entries) {
    const data = typeof e.content === 'string' ? Buffer.from(e.content, 'utf8') : e.content;
    parts.push(header(e.name, data.length, e.mode ?? 0o644, e.mtime));
    parts.push(data);
    const pad = (BLOCK - (data.length % BLOCK)) % BLOCK;
    if (pad > 0) parts.push(Buffer.alloc(pad, 0));
  }
  parts.push(Buffer.alloc(BLOCK * 2, 0));
  return Buffer.concat(parts);
}

export interface TarFile {
  /** Path inside the archive (docker cp of /var/log/chaos gives `chaos/...`). */
  name: string;
  data: Buffer;
}

/** Regular files of a ustar/GNU/pax tar archive (as Docker's archive endpoint sends). */
export function untar(archive: Buffer): TarFile[] {
  const out: TarFile[] = [];
  let at = 0;
  let longName: string | undefined;
  while (at + 512 <= archive.length) {
    const header = archive.subarray(at, at + 512);
    if (header.every((b) => b === 0)) break;
    const field = (start: number, len: number): string =>
      header
        .subarray(start, start + len)
        .toString('utf8')
        .replace(/\0.*$/s, '');
    const size = parseInt(field(124, 12).trim() || '0', 8);
    const type = field(156, 1) || '0';
    const prefix = field(345, 155);
    let name = longName ?? (prefix ? `${prefix}/${field(0, 100)}` : field(0, 100));
    longName = undefined;
    const dataStart = at + 512;
    const data = archive.subarray(dataStart, dataStart + size);
    at = dataStart + Math.ceil(size / 512) * 512;
    if (type === 'L') {
      longName = data.toString('utf8').replace(/\0.*$/s, '');
      continue;
    }
    if (type === 'x') {
      const path = /(?:^|\n)\d+ path=([^\n]*)\n/.exec(data.toString('utf8'));
      if (path?.[1] !== undefined) longName = path[1];
      continue;
    }
    if (type !== '0') continue;
    name = name.replace(/^\.\//, '');
    out.push({ name, data: Buffer.from(data) });
  }
  return out;
}
