/**
 * Small Docker edges used by the lab driver: its collaborators (DockerLabDeps, and the real
 * world's), reachability (DOCKER_UNAVAILABLE), error wrapping with the resource's name, exec
 * with captured output, and the host facts the reaper needs.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { PassThrough } from 'node:stream';
import type Dockerode from 'dockerode';
import { systemClock } from '../clock';
import { ChaosError } from '../errors';
import type { HostView } from './labels';

export interface DockerLabDeps {
  docker: Dockerode;
  host: HostView;
  /** Epoch milliseconds: timeouts, and the mtime of files put into containers. */
  now(): number;
  sleep(ms: number): Promise<void>;
  newRunId(): string;
}

/** The real world: wall clock, timers, random run ids, this host's processes. */
export function systemLabDeps(docker: Dockerode): DockerLabDeps {
  return {
    docker,
    host: localHostView(),
    now: () => systemClock.now(),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    newRunId: () => randomBytes(4).toString('hex'),
  };
}

export const DOCKER_UNAVAILABLE = 'DOCKER_UNAVAILABLE';

/** Resolves when the engine answers `ping` within `timeoutMs`; DOCKER_UNAVAILABLE otherwise. */
export async function assertDockerReachable(docker: Dockerode, timeoutMs = 5000): Promise<void> {
  const where = process.env['DOCKER_HOST'] ?? '/var/run/docker.sock';
  try {
    await withTimeout(docker.ping(), timeoutMs, `no answer within ${timeoutMs} ms`);
  } catch (error) {
    throw new ChaosError(
      DOCKER_UNAVAILABLE,
      `No Docker engine answers at ${where}: ${errorText(error)}. ` +
        'Start one with `bash scripts/ensure-docker.sh` (installs docker.io and starts dockerd ' +
        'on Debian), or point DOCKER_HOST at a running engine',
      { cause: error },
    );
  }
}

/** `Failed to <what>: <docker's message>` with code DOCKER_FAILED. */
export function dockerFailure(what: string, error: unknown): ChaosError {
  return new ChaosError('DOCKER_FAILED', `Failed to ${what}: ${errorText(error)}`, {
    cause: error,
  });
}

export function statusCodeOf(error: unknown): number | undefined {
  if (typeof error === 'object' && error !== null && 'statusCode' in error) {
    const code = error.statusCode;
    return typeof code === 'number' ? code : undefined;
  }
  return undefined;
}

/**
 * Teardown that runs every part: `tolerate(what, op)` runs op and keeps its failure as
 * `what: message` in `failures` instead of throwing (`ignore` picks failures not to keep).
 */
export function failureCollector(ignore: (error: unknown) => boolean = () => false): {
  failures: string[];
  tolerate: (what: string, op: () => Promise<unknown>) => Promise<void>;
} {
  const failures: string[] = [];
  return {
    failures,
    tolerate: async (what, op) => {
      try {
        await op();
      } catch (error) {
        if (!ignore(error)) failures.push(`${what}: ${errorText(error)}`);
      }
    },
  };
}

export function errorText(error: unknown): string {
  if (error instanceof Error) {
    const json = (error as { json?: { message?: unknown } }).json;
    if (json && typeof json.message === 'string') return json.message.trim();
    return error.message.trim();
  }
  return String(error);
}

export async function withTimeout<T>(p: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  try {
    return await Promise.race([p, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export interface ExecResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** Run `cmd` in a running container and collect its output (timeout: EXEC_TIMEOUT). */
export async function execIn(
  docker: Dockerode,
  containerId: string,
  cmd: readonly string[],
  timeoutMs = 30000,
): Promise<ExecResult> {
  const container = docker.getContainer(containerId);
  const exec = await container.exec({ Cmd: [...cmd], AttachStdout: true, AttachStderr: true });
  const stream = await exec.start({ hijack: true, stdin: false });
  const out = new PassThrough();
  const err = new PassThrough();
  const chunks = { out: [] as Buffer[], err: [] as Buffer[] };
  out.on('data', (b: Buffer) => chunks.out.push(b));
  err.on('data', (b: Buffer) => chunks.err.push(b));
  docker.modem.demuxStream(stream, out, err);
  const ended = new Promise<void>((resolve, reject) => {
    stream.on('end', resolve);
    stream.on('close', resolve);
    stream.on('error', reject);
  });
  try {
    await withTimeout(ended, timeoutMs, `'${cmd.join(' ')}' still running after ${timeoutMs} ms`);
  } catch (error) {
    stream.destroy();
    throw new ChaosError('EXEC_TIMEOUT', errorText(error), { cause: error });
  }
  const info = await exec.inspect();
  return {
    exitCode: info.ExitCode ?? -1,
    stdout: Buffer.concat(chunks.out).toString('utf8'),
    stderr: Buffer.concat(chunks.err).toString('utf8'),
  };
}

/** This host as the reaper sees it: boot id, process liveness, our pid. */
export function localHostView(): HostView & { pid: number } {
  let bootId = 'unknown';
  try {
    bootId = fs.readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
  } catch {
    // Not Linux: every run then looks like this boot's; liveness still decides.
  }
  return {
    bootId,
    selfPid: process.pid,
    pid: process.pid,
    isAlive(pid: number): boolean {
      try {
        process.kill(pid, 0);
        return true;
      } catch (error) {
        // EPERM: it exists but is not ours.
        return (error as NodeJS.ErrnoException).code === 'EPERM';
      }
    },
  };
}

/** The package root (where package.json is), from src/lab under ts-jest or dist/src/lab built. */
export function packageRoot(from: string = __dirname): string {
  let dir = from;
  for (let i = 0; i < 6; i++) {
    if (fs.existsSync(`${dir}/package.json`) && fs.existsSync(`${dir}/scenarios`)) return dir;
    const up = dir.replace(/\/[^/]+$/, '');
    if (up === dir || up === '') break;
    dir = up;
  }
  return process.cwd();
}
