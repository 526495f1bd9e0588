/**
 * `chaos run FILE|DIR... [--driver docker|sim] [--seed N] [--json] [--out DIR] [--baseline
 * PATH] [--max-regression L] [--shard I/N] [--metrics FILE] [--dry-run]`: parses, hands off to
 * runSuite() (src/run/suite.ts; --dry-run: to dryRun(), run-plan.ts, which only prints the
 * plan), prints, and maps the outcome to the exit code: 0 all passed, 1 an expectation, objective or
 * baseline comparison failed, 2 bad input (files, refusals), 3 lab or infrastructure failure
 * or interrupted (SIGINT: heal, tear down, keep the evidence).
 */
import os from 'node:os';
import { InvalidArgumentError, type Command } from 'commander';
import { DRIVERS } from '../drivers';
import { describeRegressions, parseMaxRegression, parseShard, writeMetricsFile } from '../report';
import type { RegressionLimits, Shard } from '../report';
import { interruptedError, runSuite, type DriverKitFactory } from '../run/suite';
import type { DriverName } from '../scenario/types';
import type { CommandContext } from './context';
import { exitCodeForSuite } from './exit-codes';
import { dryRun } from './run-plan';
import { summariseRun, summariseScenario } from './run-summary';

export { expandScenarioPaths, groupByLab } from '../run/suite';
export { summariseRun, summariseScenario } from './run-summary';

/** `chaos run` runs on real containers unless told `--driver sim`. */
export const DEFAULT_DRIVER: DriverName = 'docker';

/** Where SIGINT/SIGTERM are subscribed (a process, or a fake in tests). */
export type SignalSource = Pick<NodeJS.Process, 'on' | 'off'>;

export function parseSeed(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) > 0xffffffff)
    throw new InvalidArgumentError('the seed is an integer from 0 to 4294967295');
  return Number(value);
}

/** A jitter in ms: a number from 0 to 1000 (`--jitter 1`). */
export function parseJitter(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0 || n > 1000)
    throw new InvalidArgumentError('the jitter is a number of ms from 0 to 1000');
  return n;
}

export function parseDriver(value: string): DriverName {
  if (value !== 'sim' && value !== 'docker')
    throw new InvalidArgumentError('the driver is docker or sim');
  return value;
}

interface RunOptions {
  driver: DriverName;
  seed: number;
  jitter?: number;
  json?: boolean;
  out?: string;
  baseline?: string;
  maxRegression?: Partial<RegressionLimits>;
  shard?: Shard;
  verbose?: boolean;
  metrics?: string;
  dryRun?: boolean;
}

/** SIGINT/SIGTERM abort the suite once; a second one only says that teardown goes on. */
export function interruptOnSignals(
  ctx: CommandContext,
  signals: SignalSource,
): {
  signal: AbortSignal;
  release(): void;
} {
  const controller = new AbortController();
  const onSignal = (signal: NodeJS.Signals): void => {
    if (controller.signal.aborted) {
      ctx.log.info('run.signal', `${signal} again: still healing and tearing down, please wait`, {
        signal,
      });
      return;
    }
    ctx.log.info(
      'run.signal',
      `${signal}: healing, tearing down, keeping the evidence gathered so far`,
      { signal },
    );
    controller.abort(signal);
  };
  signals.on('SIGINT', onSignal);
  signals.on('SIGTERM', onSignal);
  let released = false;
  return {
    signal: controller.signal,
    release: () => {
      if (released) return;
      released = true;
      signals.off('SIGINT', onSignal);
      signals.off('SIGTERM', onSignal);
    },
  };
}

/** `chaos run` and its options. */
function defineRunCommand(program: Command): Command {
  return program
    .command('run')
    .description('run scenarios on the Docker lab or in the simulator')
    .argument('<paths...>', 'scenario files, or folders of *.yaml')
    .option('--driver <driver>', 'docker or sim', parseDriver, DEFAULT_DRIVER)
    .option('--seed <n>', 'seed of the simulator (and of any randomness)', parseSeed, 1)
    .option(
      '--jitter <ms>',
      'sim: up to this much seeded jitter per timer and packet, ms (default 0; replays a chaos explore finding)',
      parseJitter,
    )
    .option('--json', 'print the result as JSON')
    .option(
      '--out <dir>',
      'run directory: report.json, report.md, junit.xml, report.html, journal.json (docker: and the evidence; default runs/<UTC>-<scenario>; sim: only when given)',
    )
    .option(
      '--baseline <path>',
      'compare downtime and gaps with a previous run (its directory or report.json); worse beyond --max-regression fails (exit 1)',
    )
    .option(
      '--max-regression <limits>',
      'how much worse than the baseline a figure may be, e.g. 10%,50ms (worse by more than both fails)',
      parseMaxRegression,
    )
    .option(
      '--metrics <file>',
      'also write the figures as OpenMetrics text (node_exporter textfile collector, Pushgateway)',
    )
    .option('--verbose', 'print the whole image build log (default: one step line per image)')
    .option(
      '--shard <i/n>',
      'run only shard I of N (scenarios sorted and dealt round-robin)',
      parseShard,
    )
    .option(
      '--dry-run',
      'check the files, print the plan (images, containers, addresses, steps, bounds) and stop: nothing is started or built',
    );
}

/** The suite run with the CLI's options, its outcome printed and mapped to the exit code. */
async function runAction(
  program: Command,
  ctx: CommandContext,
  drivers: Readonly<Record<DriverName, DriverKitFactory>>,
  signals: SignalSource,
  paths: string[],
  options: RunOptions,
): Promise<void> {
  if (options.dryRun) return dryRun(ctx, paths, options);
  const interrupt = interruptOnSignals(ctx, signals);
  const outcome = await runSuite({
    paths,
    driver: drivers[options.driver],
    seed: options.seed,
    ...(options.jitter !== undefined ? { simulator: { jitterMs: options.jitter } } : {}),
    ...(options.shard ? { shard: options.shard } : {}),
    ...(options.out !== undefined ? { out: options.out } : {}),
    ...(options.baseline !== undefined
      ? { baseline: { path: options.baseline, limits: options.maxRegression } }
      : {}),
    signal: interrupt.signal,
    verbose: options.verbose ?? false,
    generatedAt: new Date().toISOString(),
    chaosVersion: program.version() ?? null,
    nodeVersion: process.version,
    platform: `${os.type()}-${os.release()}-${os.machine()}`,
    hostname: os.hostname(),
    log: (line) => ctx.log.info('run.progress', line),
    onScenario: (r) => {
      if (!options.json && ctx.io.isTTY) ctx.io.stdout(summariseScenario(r));
    },
    // Healing and teardown are over: a signal from now on ends the process as usual.
    onScenariosDone: () => interrupt.release(),
  }).finally(() => interrupt.release());
  const { run, report, outDir } = outcome;
  if (options.metrics !== undefined) {
    writeMetricsFile(report, options.metrics);
    ctx.log.info('run.metrics', `metrics in ${options.metrics}`, { file: options.metrics });
  }
  if (outDir !== undefined && !options.json)
    ctx.log.info('run.out', `report and evidence in ${outDir}`, { dir: outDir });
  if (options.json) ctx.io.stdout(`${JSON.stringify(run, null, 2)}\n`);
  else if (ctx.io.isTTY) ctx.io.stdout(summariseRun(run).split('\n').slice(-2).join('\n'));
  else ctx.io.stdout(summariseRun(run));
  if (outcome.interrupted !== undefined) throw interruptedError(outcome);
  const regressions = report.baseline ? describeRegressions(report.baseline) : [];
  for (const m of regressions) ctx.log.info('run.regression', `regression: ${m}`, { message: m });
  if (report.baseline && regressions.length === 0 && !options.json)
    ctx.log.info('run.baseline', `no regression against ${options.baseline ?? 'the baseline'}`, {
      baseline: options.baseline ?? null,
    });
  ctx.setExit(exitCodeForSuite(run, regressions.length));
}

export function registerRunCommand(
  program: Command,
  ctx: CommandContext,
  drivers: Readonly<Record<DriverName, DriverKitFactory>> = DRIVERS,
  signals: SignalSource = process,
): void {
  defineRunCommand(program).action((paths: string[], options: RunOptions) =>
    runAction(program, ctx, drivers, signals, paths, options),
  );
}
