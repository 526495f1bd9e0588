/**
 * A reader that goes away: `chaos analyze big.pcap --json --adverts | head -c 300` on the built
 * CLI. The pipe closes while chaos still writes; it ends quietly (exit 0, nothing on stderr)
 * instead of dying of an unhandled EPIPE with a stack trace. Needs no Docker.
 */
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT } from './cli';

/** The reference capture's records again and again, 20 s apart per copy: a few MB of JSON. */
function bigCapture(file: string, copies: number): void {
  const src = fs.readFileSync(
    path.join(ROOT, 'test/fixtures/reference/keepalived/graceful-stop.pcap'),
  );
  const records: Buffer[] = [];
  for (let at = 24; at + 16 <= src.length;) {
    const length = src.readUInt32LE(at + 8);
    records.push(src.subarray(at, at + 16 + length));
    at += 16 + length;
  }
  const out: Buffer[] = [src.subarray(0, 24)];
  for (let k = 0; k < copies; k++)
    for (const r of records) {
      const copy = Buffer.from(r);
      copy.writeUInt32LE(r.readUInt32LE(0) + k * 20, 0);
      out.push(copy);
    }
  fs.writeFileSync(file, Buffer.concat(out));
}

test('chaos analyze into a pipe closed after 300 bytes ends quietly', async () => {
  execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit' });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chaos-pipe-'));
  try {
    const file = path.join(dir, 'big.pcap');
    bigCapture(file, 2000);
    const child = spawn(
      process.execPath,
      [path.join(ROOT, 'dist/src/cli/main.js'), 'analyze', file, '--json', '--adverts'],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let err = '';
    let got = 0;
    child.stderr.on('data', (b: Buffer) => (err += b.toString()));
    child.stdout.on('data', (b: Buffer) => {
      got += b.length;
      if (got >= 300) child.stdout.destroy(); // as `head -c 300` does
    });
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(got).toBeGreaterThanOrEqual(300);
    expect(err).toBe('');
    expect(code).toBe(0);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
