import fs from 'node:fs';
import path from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import Dockerode from 'dockerode';
import { ChaosError, InputError, ValidationError, type Diagnostic } from '../errors';
import { fsSource } from '../keepalived/fs-source';
import { systemLabDeps } from '../lab/docker-lab';
import { packageRoot } from '../lab/docker-support';
import { createDockerDriverFactory } from '../scenario/docker-driver';
import { defaultOutDir, evidenceFolder } from '../scenario/docker-evidence';
import { DockerSession } from '../scenario/docker-session';
import type { DriverFactory } from '../scenario/driver';
import { formatDuration } from '../scenario/duration';
import { loadScenarioFile, type LoadedScenario } from '../scenario/loader';
import type { RunResult, ScenarioResult } from '../scenario/result';
import { runScenario } from '../scenario/runner';
import { createSimDriver, SIM_FAULT_UNSUPPORTED } from '../scenario/sim-driver';
import type { DriverName } from '../scenario/types';
import {
  RecordingDriver,
  buildReport,
  compareWithBaseline,
  describeRegressions,
  loadBaseline,
  parseMaxRegression,
  parseShard,
  shardScenarios,
  writeReportDocuments,
  type RegressionLimits,
  type ScenarioContext,
  type Shard,
} from '../report';
import { EXIT } from './exit-codes';
import type { CommandContext } from './program';

export const DRIVER_NOT_AVAILABLE = 'DRIVER_NOT_AVAILABLE';
export const SCENARIO_DIR_EMPTY = 'SCENARIO_DIR_EMPTY';

/** `chaos run` runs on real containers unless told `--driver sim`. */
export const DEFAULT_DRIVER: DriverName = 'docker';

/**
 * A driver for one invocation: its factory (one Driver per scenario), and what the invocation
 * does around the scenarios: prepare (before the refusals: engine, images, capabilities),
 * interrupt (SIGINT), close (tear down what it brought up).
 */
export interface DriverKit {
  factory: DriverFactory;
  prepare?(scenarios: readonly LoadedScenario[]): Promise<void>;
  interrupt?(reason: string): void;
  close?(): Promise<void>;
  /** Where evidence goes; the report goes there too. */
  outDir?: string;
}

export interface KitOptions {
  ctx: CommandContext;
  /** --out, if given. */
  out: string | undefined;
  scenarios: readonly LoadedScenario[];
}

export type DriverKitFactory = (options: KitOptions) => DriverKit;

/** The simulator: nothing around the scenarios. */
export const simKit: DriverKitFactory = () => ({ factory: createSimDriver });

/**
 * Docker: one DockerSession for the invocation (labs reused when identical); evidence in
 * --out DIR, default runs/<UTC timestamp>-<scenario>, one folder per scenario.
 */
export const dockerKit: DriverKitFactory = ({ ctx, out, scenarios }) => {
  const session = new DockerSession({
    ...systemLabDeps(new Dockerode()),
    rootDir: packageRoot(),
    progress: (line) => ctx.io.stderr(`chaos: ${line}\n`),
  });
  const outDir =
    out ??
    defaultOutDir(
      Date.now(),
      scenarios.map((l) => l.scenario.name),
    );
  const folders = new Map<LoadedScenario, string>();
  const taken = new Set<string>();
  for (const l of scenarios) {
    const f = evidenceFolder(l.scenario.name, taken);
    taken.add(f);
    folders.set(l, path.join(outDir, f));
  }
  return {
    factory: createDockerDriverFactory(
      session,
      (l) => folders.get(l) ?? path.join(outDir, evidenceFolder(l.scenario.name, taken)),
    ),
    prepare: (ls) =>
      session.open({
        needsNetem: ls.some((l) =>
          l.scenario.steps.some(
            (st) => st.kind === 'fault' && (st.fault.kind === 'loss' || st.fault.kind === 'delay'),
          ),
        ),
      }),
    interrupt: (reason) => session.interrupt(reason),
    close: () => session.close(),
    outDir,
  };
};

/** The engine's version for the report's environment; null when it does not answer. */
async function dockerVersion(): Promise<string | null> {
  try {
    return (await new Dockerode().version()).Version;
  } catch {
    return null;
  }
}

/** The drivers `chaos run` knows. */
export const DRIVERS: Readonly<Record<DriverName, DriverKitFactory | undefined>> = {
  sim: simKit,
  docker: dockerKit,
};

/** Where SIGINT/SIGTERM are subscribed (a process, or a fake in tests). */
export type SignalSource = Pick<NodeJS.Process, 'on' | 'off'>;

/** Files as given; folders expand to their *.yaml / *.yml files in name order. */
export function expandScenarioPaths(paths: readonly string[]): string[] {
  const out: string[] = [];
  for (const p of paths) {
    let isDir = false;
    try {
      isDir = fs.statSync(p).isDirectory();
    } catch {
      // Not there: the loader reports it as the file's problem.
    }
    if (!isDir) {
      out.push(p);
      continue;
    }
    const files = fs
      .readdirSync(p)
      .filter((f) => /\.ya?ml$/.test(f))
      .sort();
    if (files.length === 0)
      throw new InputError(SCENARIO_DIR_EMPTY, `no *.yaml scenario files in ${p}`);
    out.push(...files.map((f) => path.join(p, f)));
  }
  return out;
}

/** Stable grouping: each scenario right after the first one with the same lab definition. */
export function groupByLab(loaded: readonly LoadedScenario[]): LoadedScenario[] {
  const groups = new Map<string, LoadedScenario[]>();
  for (const l of loaded) {
    const key = JSON.stringify(l.scenario.lab);
    groups.set(key, [...(groups.get(key) ?? []), l]);
  }
  return [...groups.values()].flat();
}

function parseSeed(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) > 0xffffffff)
    throw new InvalidArgumentError('the seed is an integer from 0 to 4294967295');
  return Number(value);
}

function parseDriver(value: string): DriverName {
  if (value !== 'sim' && value !== 'docker')
    throw new InvalidArgumentError('the driver is docker or sim');
  return value;
}

const s = (seconds: number): string => formatDuration(seconds * 1000);

/** The readable summary of one scenario. */
export function summariseScenario(r: ScenarioResult): string {
  const tag = { passed: 'PASS', failed: 'FAIL', skipped: 'SKIP', error: 'ERROR' }[r.status];
  const lines = [`${tag} ${r.name} (${r.file})`];
  if (r.notice) lines.push(`  ${r.notice}`);
  if (r.error) lines.push(`  ${r.error.message}`);
  if (r.failure) lines.push(`  failed: ${r.failure}`);
  if (r.status === 'skipped') return `${lines.join('\n')}\n`;
  for (const sw of r.switchovers)
    lines.push(
      `  switchover ${sw.from} -> ${sw.to} at ${s(sw.at)}: VRRP gap ${s(sw.gapSeconds)} (${sw.reason}${sw.duringSplitBrain ? ', during split brain' : ''})`,
    );
  for (const b of r.splitBrain)
    lines.push(
      `  split brain ${b.nodes.join(' + ')} from ${s(b.start)} for ${s(b.durationSeconds)}`,
    );
  const longest = r.outages.reduce((m, o) => Math.max(m, o.durationSeconds), 0);
  lines.push(
    r.outages.length === 0
      ? `  client downtime: none (${r.probes.requests} requests, every ${r.probes.intervalMs} ms)`
      : `  client downtime ${s(r.downtimeSeconds)} in ${r.outages.length} outage${r.outages.length > 1 ? 's' : ''} (longest ${s(longest)}; ${r.probes.failed} of ${r.probes.requests} requests failed)`,
  );
  for (const c of r.slo?.checks ?? [])
    lines.push(`  objective ${c.passed ? 'met' : 'MISSED'}: ${c.message}`);
  for (const rb of r.rollback)
    if (!rb.ok) lines.push(`  rollback of ${rb.fault} failed: ${rb.error ?? ''}`);
  return `${lines.join('\n')}\n`;
}

export function summariseRun(run: RunResult): string {
  const { passed, failed, skipped, error } = run.counts;
  const parts = [`${passed} passed`, `${failed} failed`];
  if (skipped) parts.push(`${skipped} skipped`);
  if (error) parts.push(`${error} errors`);
  return `${run.scenarios.map(summariseScenario).join('')}${parts.join(', ')} (${run.driver} driver, seed ${run.seed})\n`;
}

/**
 * `chaos run FILE|DIR... [--driver docker|sim] [--seed N] [--json] [--out DIR]`: run scenarios
 * one after another. All files are checked first (exit 2 with every problem); a driver that
 * cannot carry out a scenario's faults refuses before anything runs (exit 2). Exit 1 when an
 * expectation or objective failed, 3 when the lab failed, else 0.
 */
export function registerRunCommand(
  program: Command,
  ctx: CommandContext,
  drivers: Readonly<Record<DriverName, DriverKitFactory | undefined>> = DRIVERS,
  signals: SignalSource = process,
): void {
  program
    .command('run')
    .description('run scenarios on the Docker lab or in the simulator')
    .argument('<paths...>', 'scenario files, or folders of *.yaml')
    .option('--driver <driver>', 'docker or sim', parseDriver, DEFAULT_DRIVER)
    .option('--seed <n>', 'seed of the simulator (and of any randomness)', parseSeed, 1)
    .option('--json', 'print the result as JSON')
    .option(
      '--out <dir>',
      'run directory: report.json, report.md, junit.xml, report.html (docker: and the evidence; default runs/<UTC>-<scenario>; sim: only when given)',
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
      '--shard <i/n>',
      'run only shard I of N (scenarios sorted and dealt round-robin)',
      parseShard,
    )
    .action(
      async (
        paths: string[],
        options: {
          driver: DriverName;
          seed: number;
          json?: boolean;
          out?: string;
          baseline?: string;
          maxRegression?: Partial<RegressionLimits>;
          shard?: Shard;
        },
      ) => {
        const makeKit = drivers[options.driver];
        if (!makeKit)
          throw new ChaosError(
            DRIVER_NOT_AVAILABLE,
            `the ${options.driver} driver is not implemented yet: use --driver sim`,
          );
        const source = fsSource();
        const loaded: LoadedScenario[] = [];
        const problems: Diagnostic[] = [];
        // Read the baseline first: a bad path is bad input before any lab comes up.
        const baseline = options.baseline !== undefined ? loadBaseline(options.baseline) : null;
        let files = expandScenarioPaths(paths);
        if (options.shard) files = shardScenarios(files, options.shard.index, options.shard.total);
        for (const file of files) {
          try {
            const r = loadScenarioFile(file, source);
            problems.push(...r.errors);
            if (r.scenario && r.errors.length === 0)
              loaded.push({ file, scenario: r.scenario, configs: r.configs });
          } catch (error) {
            if (!(error instanceof ValidationError)) throw error;
            problems.push(...error.diagnostics);
          }
        }
        if (problems.length > 0) throw new ValidationError('SCENARIO_INVALID', problems);

        const runnable = loaded.filter(
          (l) => l.scenario.drivers.length === 0 || l.scenario.drivers.includes(options.driver),
        );
        const kit = makeKit({ ctx, out: options.out, scenarios: loaded });
        const { factory } = kit;
        if (runnable.length > 0) await kit.prepare?.(runnable);

        const refused: string[] = [];
        for (const l of loaded) {
          const ds = l.scenario.drivers;
          if (ds.length > 0 && !ds.includes(options.driver)) continue;
          for (const r of factory(l, { seed: options.seed }).refusals())
            refused.push(`${l.file}: step ${r.step + 1}: ${r.message}`);
        }
        if (refused.length > 0)
          throw new InputError(
            options.driver === 'sim' ? SIM_FAULT_UNSUPPORTED : 'DRIVER_FAULT_UNSUPPORTED',
            `the ${options.driver} driver cannot run:\n${refused.join('\n')}`,
          );

        const results = new Map<LoadedScenario, ScenarioResult>();
        const contexts: Record<string, ScenarioContext> = {};
        let interrupted: string | undefined;
        const onSignal = (signal: NodeJS.Signals): void => {
          if (interrupted !== undefined) {
            ctx.io.stderr(`chaos: ${signal} again: still healing and tearing down, please wait\n`);
            return;
          }
          interrupted = signal;
          ctx.io.stderr(
            `chaos: ${signal}: healing, tearing down, keeping the evidence gathered so far\n`,
          );
          kit.interrupt?.(signal);
        };
        signals.on('SIGINT', onSignal);
        signals.on('SIGTERM', onSignal);
        try {
          // Scenarios on the same lab run one after another (the lab is reused between them);
          // the results keep the order of the files.
          for (const l of groupByLab(loaded)) {
            if (interrupted !== undefined) break;
            // The recorder keeps what the report's timeline needs: VIP samples, probes, adverts.
            const driver = new RecordingDriver(factory(l, { seed: options.seed }), {
              sampleEveryMs: options.driver === 'sim' ? 100 : null,
              names: new Map(l.scenario.lab.nodes.map((n) => [n.address, n.name])),
            });
            const result = await runScenario(l, driver, { seed: options.seed });
            results.set(l, result);
            contexts[l.file] = {
              lab: l.scenario.lab,
              slo: l.scenario.slo,
              evidence: driver.evidence(),
            };
            if (!options.json && ctx.io.isTTY) ctx.io.stdout(summariseScenario(result));
          }
        } finally {
          try {
            await kit.close?.();
          } finally {
            signals.off('SIGINT', onSignal);
            signals.off('SIGTERM', onSignal);
          }
        }
        const results_ = loaded.flatMap((l) => {
          const r = results.get(l);
          return r ? [r] : [];
        });
        const count = (st: ScenarioResult['status']): number =>
          results_.filter((r) => r.status === st).length;
        const run: RunResult = {
          driver: options.driver,
          seed: options.seed,
          passed:
            interrupted === undefined &&
            results_.every((r) => r.status === 'passed' || r.status === 'skipped'),
          counts: {
            passed: count('passed'),
            failed: count('failed'),
            skipped: count('skipped'),
            error: count('error'),
          },
          scenarios: results_,
        };
        const outDir = options.out ?? kit.outDir;
        const reportOptions = {
          generatedAt: new Date().toISOString(),
          interrupted: interrupted ?? false,
          scenarios: contexts,
          environment: {
            chaosVersion: program.version() ?? null,
            dockerVersion: options.driver === 'docker' ? await dockerVersion() : null,
            nodeVersion: process.version,
          },
        };
        // One report: compared with the baseline, then written with the comparison in it.
        const report = buildReport(run, reportOptions);
        const comparison =
          baseline === null
            ? null
            : compareWithBaseline(report, baseline, options.maxRegression, options.baseline);
        if (outDir !== undefined) {
          writeReportDocuments({ ...report, baseline: comparison }, outDir);
          if (!options.json) ctx.io.stderr(`chaos: report and evidence in ${outDir}\n`);
        }
        if (options.json) ctx.io.stdout(`${JSON.stringify(run, null, 2)}\n`);
        else if (ctx.io.isTTY) ctx.io.stdout(summariseRun(run).split('\n').slice(-2).join('\n'));
        else ctx.io.stdout(summariseRun(run));
        if (interrupted !== undefined)
          throw new ChaosError(
            'INTERRUPTED',
            `interrupted by ${interrupted}: faults healed, lab torn down${outDir !== undefined ? `, evidence so far in ${outDir}` : ''}`,
          );
        if (run.counts.error > 0) ctx.setExit(EXIT.infra);
        else if (run.counts.failed > 0) ctx.setExit(EXIT.failed);
        if (comparison) {
          const regressions = describeRegressions(comparison);
          for (const m of regressions) ctx.io.stderr(`chaos: regression: ${m}\n`);
          if (regressions.length > 0) ctx.setExit(EXIT.failed);
          else if (!options.json)
            ctx.io.stderr(`chaos: no regression against ${options.baseline ?? 'the baseline'}\n`);
        }
      },
    );
}
