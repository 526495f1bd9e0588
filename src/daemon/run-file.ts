/** One short command run to completion with execFile: its stdout, or an error with its stderr. */
import { execFile } from 'node:child_process';

/** Runs `file` with `args`; resolves with its stdout, rejects with its stderr (or the error). */
export function runFile(file: string, args: readonly string[], timeoutMs = 5000): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(file, args as string[], { timeout: timeoutMs }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${file} ${args.join(' ')}: ${stderr.trim() || error.message}`));
      else resolve(stdout);
    });
  });
}
