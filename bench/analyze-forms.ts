/**
 * The forms `bench:analyze` times `chaos analyze` and tshark on, side by side: the classic
 * pcap, a pcapng version of it, a gzipped one, the pcap on standard input, and a capture of
 * about 1 GB made of the pcap's records repeated later and later (streamed to disk, never held
 * whole). Each run is a child process (`node dist/src/cli/main.js analyze --json`, stdout to
 * /dev/null; `tshark -r FILE -Y vrrp`, stdout to /dev/null), ours and tshark's alternating;
 * peak memory comes from /usr/bin/time when it is installed.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { CaptureParser } from '../src/capture/capture-parser';
import { LINKTYPE_ETHERNET } from '../src/capture/link';
import { encodePcapngHeader, encodePcapngRecord } from '../src/capture/pcapng-format';

export interface Form {
  name: string;
  file: string;
  /** Octets of the capture itself (before compression). */
  bytes: number;
  /** Read from standard input (`-`) rather than by name. */
  stdin: boolean;
}

/** Stream the records of a pcap through `each` (data copied only by `each` if it keeps it). */
function eachRecord(file: string, each: (time: number, data: Buffer) => void): void {
  const parser = new CaptureParser(file, (r) => each(r.timestampSeconds, r.data));
  const fd = fs.openSync(file, 'r');
  try {
    const chunk = Buffer.alloc(1 << 20);
    for (let n; (n = fs.readSync(fd, chunk, 0, chunk.length, null)) > 0;)
      parser.push(Buffer.from(chunk.subarray(0, n)));
  } finally {
    fs.closeSync(fd);
  }
  parser.end();
}

/** Buffered appends to a file. */
function appender(file: string): { add(b: Buffer): void; close(): void } {
  const fd = fs.openSync(file, 'w');
  let parts: Buffer[] = [];
  let size = 0;
  const flush = (): void => {
    fs.writeSync(fd, Buffer.concat(parts));
    parts = [];
    size = 0;
  };
  return {
    add(b) {
      parts.push(b);
      size += b.length;
      if (size >= 1 << 22) flush();
    },
    close() {
      flush();
      fs.closeSync(fd);
    },
  };
}

function writePcapng(pcap: string, out: string): void {
  const interfaces = [{ linkType: LINKTYPE_ETHERNET }];
  const w = appender(out);
  w.add(encodePcapngHeader(interfaces));
  eachRecord(pcap, (timestampSeconds, data) =>
    w.add(encodePcapngRecord({ timestampSeconds, data }, interfaces)),
  );
  w.close();
}

/**
 * About `megabytes` MB: the pcap's records again and again, each copy `period` seconds after
 * the one before (the original header kept, so the timestamps are the only change).
 */
function writeBig(pcap: string, out: string, megabytes: number, period: number): number {
  const src = fs.readFileSync(pcap);
  const body = src.subarray(24);
  const copies = Math.max(1, Math.ceil((megabytes * 1e6 - 24) / body.length));
  const fd = fs.openSync(out, 'w');
  try {
    fs.writeSync(fd, src.subarray(0, 24));
    const copy = Buffer.alloc(body.length);
    for (let k = 0; k < copies; k++) {
      body.copy(copy);
      for (let at = 0; at + 16 <= copy.length; at += 16 + copy.readUInt32LE(at + 8))
        copy.writeUInt32LE(copy.readUInt32LE(at) + k * period, at);
      fs.writeSync(fd, copy);
    }
  } finally {
    fs.closeSync(fd);
  }
  return copies;
}

/** Every form of the capture in `dir`; the big one only when `bigMegabytes` > 0. */
export function makeForms(
  pcap: string,
  dir: string,
  bigMegabytes: number,
  seconds: number,
): { forms: Form[]; copies: number } {
  const pcapng = path.join(dir, 'synthetic.pcapng');
  writePcapng(pcap, pcapng);
  const gz = path.join(dir, 'synthetic.pcap.gz');
  fs.writeFileSync(gz, zlib.gzipSync(fs.readFileSync(pcap)));
  const size = (file: string): number => fs.statSync(file).size;
  const forms: Form[] = [
    { name: 'pcap', file: pcap, bytes: size(pcap), stdin: false },
    { name: 'pcapng', file: pcapng, bytes: size(pcapng), stdin: false },
    { name: 'pcap.gz', file: gz, bytes: size(pcap), stdin: false },
    { name: 'pcap on stdin', file: pcap, bytes: size(pcap), stdin: true },
  ];
  let copies = 0;
  if (bigMegabytes > 0) {
    const big = path.join(dir, 'big.pcap');
    copies = writeBig(pcap, big, bigMegabytes, Math.ceil(seconds) + 100);
    const bytes = size(big);
    forms.push({ name: `pcap ${Math.round(bytes / 1e6)} MB`, file: big, bytes, stdin: false });
  }
  return { forms, copies };
}

export interface Timed {
  seconds: number;
  /** Peak resident set, MB, or null without /usr/bin/time. */
  rssMb: number | null;
}

const TIME = '/usr/bin/time';

/** Run a command with `form` as its input (by name or on stdin), stdout to `out` or /dev/null. */
export function timed(
  command: string,
  args: (input: string) => string[],
  form: Form,
  out: string | null = null,
): Timed {
  const input = form.stdin ? '-' : form.file;
  const withTime = fs.existsSync(TIME);
  const argv = withTime ? ['-f', '%M', command, ...args(input)] : args(input);
  const stdinFd = form.stdin ? fs.openSync(form.file, 'r') : 'ignore';
  const outFd = fs.openSync(out ?? '/dev/null', 'w');
  try {
    const start = process.hrtime.bigint();
    const run = spawnSync(withTime ? TIME : command, argv, {
      stdio: [stdinFd, outFd, 'pipe'],
      encoding: 'utf8',
      maxBuffer: 1 << 26,
    });
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    if (run.status !== 0)
      throw new Error(`${command} ${args(input).join(' ')} failed (${run.status}): ${run.stderr}`);
    const last = run.stderr.trim().split('\n').pop() ?? '';
    return { seconds, rssMb: withTime && /^\d+$/.test(last) ? Number(last) / 1024 : null };
  } finally {
    if (typeof stdinFd === 'number') fs.closeSync(stdinFd);
    fs.closeSync(outFd);
  }
}

/** tshark's count of VRRP frames in a form. */
export function tsharkCount(tshark: string, form: Form): number {
  const input = form.stdin ? '-' : form.file;
  const run = spawnSync(tshark, ['-r', input, '-Y', 'vrrp', '-T', 'fields', '-e', 'frame.number'], {
    stdio: [form.stdin ? fs.openSync(form.file, 'r') : 'ignore', 'pipe', 'pipe'],
    encoding: 'utf8',
    maxBuffer: 1 << 30,
  });
  if (run.status !== 0) throw new Error(`tshark count failed (${run.status}): ${run.stderr}`);
  return run.stdout.split('\n').filter((l) => l !== '').length;
}
