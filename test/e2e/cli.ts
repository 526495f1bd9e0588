/** The built CLI (dist/src/cli/main.js) as a child process, for the end-to-end tests. */
import { spawn } from 'node:child_process';
import path from 'node:path';

export const ROOT = path.join(__dirname, '../..');
const MAIN = path.join(ROOT, 'dist/src/cli/main.js');

export function chaos(
  args: string[],
): Promise<{ code: number | null; out: string; err: string; pid: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [MAIN, ...args], { cwd: ROOT });
    let out = '';
    let err = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    child.stderr.on('data', (b: Buffer) => (err += b.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out, err, pid: child.pid ?? -1 }));
  });
}
