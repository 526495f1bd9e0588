/** Track and notify scripts as child processes of /bin/sh, with a timeout. */
import { spawn } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import type { ScriptResult, ScriptRunner } from './ports';

/** Track and notify scripts through /bin/sh, as keepalived runs them. */
export class ChildProcessScripts implements ScriptRunner {
  run(command: string, timeoutMs: number): Promise<ScriptResult> {
    const started = performance.now();
    return new Promise((resolve) => {
      const child = spawn('/bin/sh', ['-c', command], { stdio: 'ignore' });
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 2000).unref();
      }, timeoutMs);
      const done = (exitCode: number | null) => {
        clearTimeout(timer);
        resolve({
          ok: !timedOut && exitCode === 0,
          exitCode,
          timedOut,
          durationMs: performance.now() - started,
        });
      };
      child.on('error', () => done(null));
      child.on('exit', (code) => done(code));
    });
  }

  spawnDetached(command: string, args: readonly string[]): void {
    const quoted = [command, ...args.map((a) => `'${a.replace(/'/g, `'\\''`)}'`)].join(' ');
    const child = spawn('/bin/sh', ['-c', quoted], { stdio: 'ignore', detached: true });
    child.on('error', () => undefined);
    child.unref();
  }
}
