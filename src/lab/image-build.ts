/**
 * One image build on the engine: the staged context streamed as a tar (`tar -c`), the build's
 * output into a log file (`chaos-build-<image>-<hash12>.log`), onto `progress` as step lines
 * (build-progress.ts) or every line (verbose), and its last 20 lines into IMAGE_BUILD_FAILED.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type Dockerode from 'dockerode';
import { ChaosError } from '../errors';
import { BuildProgress, LastLines, buildError, eventLines } from './build-progress';
import type { BuildEvent } from './build-progress';

/** Label on every image; the value is the image name. */
export const IMAGE_LABEL = 'org.chaos.image';
/** Label with the full input hash. */
export const INPUTS_LABEL = 'org.chaos.inputs';

export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export async function imageExists(docker: Dockerode, tag: string): Promise<boolean> {
  try {
    await docker.getImage(tag).inspect();
    return true;
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode === 404) return false;
    throw new ChaosError('DOCKER_FAILED', `Failed to inspect image ${tag}: ${errorText(error)}`, {
      cause: error,
    });
  }
}

/** The build log of an image: `chaos-build-<image>-<hash12>.log` in `dir`. */
export function buildLogPath(dir: string, name: string, hash: string): string {
  return path.join(dir, `chaos-build-${name}-${hash.slice(0, 12)}.log`);
}

export interface BuildRequest {
  docker: Dockerode;
  contextDir: string;
  name: string;
  tag: string;
  hash: string;
  noCache: boolean;
  progress: (line: string) => void;
  verbose: boolean;
  now: () => number;
  logFile: string;
}

/**
 * The build's output: every line into the log file and the last 20 for an error; on `progress`
 * every line (verbose) or the step line when one is due.
 */
function buildOutput(req: BuildRequest): { emit: (line: string) => void; last: LastLines } {
  const last = new LastLines(20);
  const steps = new BuildProgress(req.name, req.now());
  fs.writeFileSync(req.logFile, '');
  const emit = (line: string): void => {
    last.push(line);
    fs.appendFileSync(req.logFile, `${line}\n`);
    if (req.verbose) {
      req.progress(`${req.name}: ${line}`);
      return;
    }
    const shown = steps.update(line, req.now());
    if (shown !== undefined) req.progress(shown);
  };
  return { emit, last };
}

/** `tar -c` of the context directory, streamed; `done` settles when tar has exited. */
function tarStream(contextDir: string): {
  stdout: NodeJS.ReadableStream;
  done: Promise<void>;
  kill(): void;
} {
  const tar = spawn('tar', ['-C', contextDir, '-cf', '-', '.'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let tarErr = '';
  tar.stderr.on('data', (d: Buffer) => (tarErr += d.toString()));
  const done = new Promise<void>((resolve, reject) => {
    tar.on('error', reject);
    tar.on('close', (code) =>
      code === 0 ? resolve() : reject(new Error(`tar exited ${code}: ${tarErr.trim()}`)),
    );
  });
  done.catch(() => undefined);
  return { stdout: tar.stdout, done, kill: () => tar.kill() };
}

export async function buildImage(req: BuildRequest): Promise<void> {
  const { docker, name, tag } = req;
  const { emit, last } = buildOutput(req);
  const failed = (why: string, cause?: unknown) =>
    new ChaosError(
      'IMAGE_BUILD_FAILED',
      `Failed to build image ${tag} from docker/${name}: ${why}\n--- last lines of the build (full log: ${req.logFile}) ---\n${last.toString()}`,
      { cause },
    );

  const tar = tarStream(req.contextDir);
  let stream: NodeJS.ReadableStream;
  try {
    stream = await docker.buildImage(tar.stdout, {
      t: tag,
      labels: { [IMAGE_LABEL]: name, [INPUTS_LABEL]: req.hash },
      rm: true,
      forcerm: true,
      nocache: req.noCache,
    });
  } catch (error) {
    tar.kill();
    throw failed(`the engine refused the build: ${errorText(error)}`, error);
  }

  let buildErrorText: string | undefined;
  await new Promise<void>((resolve, reject) => {
    docker.modem.followProgress(
      stream,
      (error) => (error ? reject(error) : resolve()),
      (event: BuildEvent) => {
        for (const line of eventLines(event)) emit(line);
        buildErrorText = buildError(event) ?? buildErrorText;
      },
    );
  }).catch((error: unknown) => {
    throw failed(`the build stream broke: ${errorText(error)}`, error);
  });
  try {
    await tar.done;
  } catch (error) {
    throw failed(`could not send the context: ${errorText(error)}`, error);
  }
  if (buildErrorText !== undefined) throw failed(buildErrorText);
  if (!(await imageExists(docker, tag)))
    throw failed('the engine reported no error, but the tag does not exist');
}
