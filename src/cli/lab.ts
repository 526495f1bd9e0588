import type { Command } from 'commander';
import Dockerode from 'dockerode';
import { ChaosError, InputError } from '../errors';
import { INTERRUPTED } from '../errors';
import { DockerLab, specHash, systemLabDeps } from '../lab/docker-lab';
import type { FoundLab, Lab, LabImageTags, StartedLab } from '../lab/docker-lab';
import { assertDockerReachable, packageRoot } from '../lab/docker-support';
import { ensureImages } from '../lab/images';
import { loadLabSpec } from '../lab/load-spec';
import type { LabSpec } from '../lab/lab-spec';
import { formatStatus } from '../lab/lab-status';
import { createProgressDisplay } from '../lab/progress';
import type { ProgressDisplay } from '../lab/progress';
import type { CommandContext } from './context';

/**
 * `chaos lab up [LAB.yaml] [--rebuild] [--verbose]`, `chaos lab status [--json]`,
 * `chaos lab down`, `chaos lab probe`. One lab at a time: the seed's lab is named `seed`;
 * `--lab NAME` picks a lab when more than one is up. Every lab command first reaps what a killed
 * invocation left. `lab up` shows one build line per image (`--verbose`: the whole build log).
 *
 * Exits: 0 ok; 2 bad input (lab file or keepalived.conf invalid, unknown lab, a different lab
 * already up); 3 lab or infrastructure failure (no Docker engine: DOCKER_UNAVAILABLE; image
 * build, container start, readiness timeout). SIGINT or SIGTERM during `lab up` removes what it
 * created and ends with INTERRUPTED, exit 3 (exit-codes.ts maps every non-input error to 3).
 */
export interface LabCliDeps {
  docker(): Dockerode;
  rootDir(): string;
  /** Where SIGINT/SIGTERM are subscribed (a process, or a fake in tests). */
  signals: Pick<NodeJS.Process, 'on' | 'off'>;
}

export const defaultLabCliDeps: LabCliDeps = {
  docker: () => new Dockerode(),
  rootDir: () => packageRoot(),
  signals: process,
};

/** The driver, after checking the engine answers and reaping a killed invocation's leftovers. */
export async function openLab(ctx: CommandContext, deps: LabCliDeps): Promise<Lab> {
  const docker = deps.docker();
  await assertDockerReachable(docker);
  const lab = new DockerLab(systemLabDeps(docker));
  await lab.reap((line) => ctx.log.info('lab.reap', line));
  return lab;
}

/** The lab a command acts on: `--lab NAME`, else the only one that is up. */
export async function pickLab(driver: Lab, name: string | undefined): Promise<StartedLab> {
  if (name !== undefined) return driver.attach(name);
  const labs = (await driver.labs()).filter((l) => l.spec !== undefined);
  const [only] = labs;
  if (!only) throw new InputError('LAB_NOT_FOUND', 'no lab is up (start one with `chaos lab up`)');
  if (labs.length > 1)
    throw new InputError(
      'LAB_AMBIGUOUS',
      `${labs.length} labs are up (${labs.map((l) => l.name).join(', ')}); pick one with --lab NAME`,
    );
  return driver.attach(only.name);
}

export function registerLabCommands(
  program: Command,
  ctx: CommandContext,
  deps: LabCliDeps = defaultLabCliDeps,
): void {
  const lab = program.command('lab').description('the Docker lab: up, status, probe, down');

  lab
    .command('up')
    .description("build the images if needed and start a lab (default: the seed's lab)")
    .argument('[lab-file]', 'a YAML lab file (name, subnet, vip, nodes)')
    .option('--rebuild', 'rebuild the images even when their tags exist')
    .option('--verbose', 'print the whole image build log (default: one step line per image)')
    .option('--ready-timeout-s <seconds>', 'how long the nodes may take to become ready', '120')
    .action((file: string | undefined, options: LabUpOptions) => labUp(ctx, deps, file, options));

  lab
    .command('status')
    .description('per node: address, VRRP state, who holds the VIP; split brain when several')
    .option('--json', 'print the status as JSON')
    .option('--lab <name>', 'the lab (default: the only one up)')
    .action(async (options: { json?: boolean; lab?: string }) => {
      const driver = await openLab(ctx, deps);
      const status = await (await pickLab(driver, options.lab)).status();
      ctx.io.stdout(options.json ? `${JSON.stringify(status, null, 2)}\n` : formatStatus(status));
    });

  lab
    .command('probe')
    .description('one GET of http://VIP/ from the prober: status and X-Served-By')
    .option('--lab <name>', 'the lab (default: the only one up)')
    .option('--path <path>', 'the path to request', '/')
    .option('--json', 'print the answer as JSON (with the body)')
    .action(async (options: { lab?: string; path: string; json?: boolean }) => {
      const driver = await openLab(ctx, deps);
      const result = await (await pickLab(driver, options.lab)).probeOnce(options.path);
      ctx.io.stdout(
        options.json
          ? `${JSON.stringify(result, null, 2)}\n`
          : `HTTP ${result.status} served by ${result.servedBy ?? '(no X-Served-By)'}\n`,
      );
    });

  lab
    .command('down')
    .description("remove the lab's containers, network and volumes")
    .option('--lab <name>', 'the lab (default: the only one up)')
    .action((options: { lab?: string }) => labDown(ctx, deps, options.lab));
}

interface LabUpOptions {
  rebuild?: boolean;
  verbose?: boolean;
  readyTimeoutS: string;
}

/**
 * SIGINT and SIGTERM while `lab up` runs: they abort `signal` (up() stops and removes what it
 * created) and reject `aborted` (the image builds are raced against it). `dispose()` unsubscribes.
 */
function interruptible(
  signals: LabCliDeps['signals'],
  display: ProgressDisplay,
): { signal: AbortSignal; aborted: Promise<never>; dispose(): void } {
  const controller = new AbortController();
  let aborted: (reason: string) => void = () => {};
  const abortedPromise = new Promise<never>((_, reject) => {
    aborted = (reason) => reject(new Error(`interrupted by ${reason}`));
  });
  abortedPromise.catch(() => {});
  const onSignal = (signal: NodeJS.Signals): void => {
    if (controller.signal.aborted) return;
    display.line(`${signal}: stopping and removing what this run created`);
    controller.abort(signal);
    aborted(signal);
  };
  signals.on('SIGINT', onSignal);
  signals.on('SIGTERM', onSignal);
  return {
    signal: controller.signal,
    aborted: abortedPromise,
    dispose() {
      signals.off('SIGINT', onSignal);
      signals.off('SIGTERM', onSignal);
    },
  };
}

async function labUp(
  ctx: CommandContext,
  deps: LabCliDeps,
  file: string | undefined,
  options: LabUpOptions,
): Promise<void> {
  const timeoutS = Number(options.readyTimeoutS);
  if (!Number.isFinite(timeoutS) || timeoutS <= 0)
    throw new InputError(
      'BAD_ARGUMENT',
      `--ready-timeout-s: '${options.readyTimeoutS}' is not a positive number`,
    );
  const rootDir = deps.rootDir();
  const spec = loadLabSpec(file, rootDir);
  const driver = await openLab(ctx, deps);
  const existing = checkExisting(await driver.labs(), spec.name);

  const display = createProgressDisplay({
    write: (t) => ctx.io.stdout(t),
    isTTY: ctx.io.isTTY,
    now: () => Date.now(),
    columns: process.stdout.columns,
  });
  const interrupt = interruptible(deps.signals, display);
  const started = Date.now();
  try {
    const images = await Promise.race([
      ensureImages({
        docker: deps.docker(),
        rootDir,
        progress: (l) => display.line(l),
        rebuild: options.rebuild ?? false,
        verbose: options.verbose ?? false,
      }),
      interrupt.aborted,
    ]);
    if (existing) {
      display.done();
      return await reuse(ctx, driver, spec, images, existing);
    }
    const up = await driver.up(spec, images, {
      progress: (l) => display.line(l),
      signal: interrupt.signal,
      readyTimeoutMs: timeoutS * 1000,
    });
    display.line(`lab ${spec.name} up (run ${up.runId})`);
    display.done();
    ctx.io.stdout(
      `lab ${spec.name} up in ${((Date.now() - started) / 1000).toFixed(1)} s\n${formatStatus(await up.status())}`,
    );
  } catch (error) {
    display.done();
    if (interrupt.signal.aborted) {
      // Whatever was created is gone (up() removes its run on the way out); say so.
      const reason = String(interrupt.signal.reason as unknown);
      throw new ChaosError(
        INTERRUPTED,
        `lab up interrupted by ${reason}; removed what it had created`,
        {
          cause: error,
        },
      );
    }
    throw error;
  } finally {
    interrupt.dispose();
  }
}

/** The lab is already up: reused when its spec and images are the same, refused otherwise. */
async function reuse(
  ctx: CommandContext,
  driver: Lab,
  spec: LabSpec,
  images: LabImageTags,
  existing: FoundLab,
): Promise<void> {
  if (existing.specHash === specHash(spec, images)) {
    ctx.io.stdout(`lab ${spec.name} is already up with the same spec and images; reusing it\n`);
    const up = await driver.attach(spec.name);
    ctx.io.stdout(formatStatus(await up.status()));
    return;
  }
  throw new InputError(
    'LAB_CONFLICT',
    `lab ${spec.name} is up with a different spec or images; run \`chaos lab down --lab ${spec.name}\` first`,
  );
}

async function labDown(
  ctx: CommandContext,
  deps: LabCliDeps,
  name: string | undefined,
): Promise<void> {
  const driver = await openLab(ctx, deps);
  const labs = await driver.labs();
  const targets = name ? labs.filter((l) => l.name === name) : labs.length > 1 ? undefined : labs;
  if (targets === undefined)
    throw new InputError(
      'LAB_AMBIGUOUS',
      `${labs.length} labs are up (${labs.map((l) => l.name).join(', ')}); pick one with --lab NAME`,
    );
  if (targets.length === 0) {
    ctx.io.stdout(`no lab${name ? ` named ${name}` : ''} is up; nothing to do\n`);
    return;
  }
  for (const t of targets) {
    const started = Date.now();
    const removed = await driver.removeLab(t.name);
    ctx.io.stdout(
      `lab ${t.name} down in ${((Date.now() - started) / 1000).toFixed(1)} s: removed ${removed
        .map((r) => `${r.kind} ${r.name}`)
        .join(', ')}\n`,
    );
  }
}

/** The same lab already up (to reuse or refuse), after refusing any other lab or a live up. */
function checkExisting(labs: readonly FoundLab[], name: string): FoundLab | undefined {
  const others = labs.filter((l) => l.name !== name);
  const [other] = others;
  if (other)
    throw new InputError(
      'LAB_CONFLICT',
      `lab ${other.name} is up; one lab at a time: run \`chaos lab down --lab ${other.name}\` first`,
    );
  const same = labs.find((l) => l.name === name);
  if (same && !same.persistent) {
    const pid = same.runs[0]?.ownerPid ?? '?';
    throw new InputError(
      'LAB_CONFLICT',
      `lab ${name} is being brought up by another chaos process (pid ${pid}); wait for it or run \`chaos lab down --lab ${name}\``,
    );
  }
  return same;
}
