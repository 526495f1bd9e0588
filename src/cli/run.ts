import fs from 'node:fs';
import path from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import { ChaosError, InputError, ValidationError, type Diagnostic } from '../errors';
import { fsSource } from '../keepalived/fs-source';
import type { DriverFactory } from '../scenario/driver';
import { formatDuration } from '../scenario/duration';
import { loadScenarioFile, type LoadedScenario } from '../scenario/loader';
import type { RunResult, ScenarioResult } from '../scenario/result';
import { runScenario } from '../scenario/runner';
import { createSimDriver, SIM_FAULT_UNSUPPORTED } from '../scenario/sim-driver';
import type { DriverName } from '../scenario/types';
import { EXIT } from './exit-codes';
import type { CommandContext } from './program';

export const DRIVER_NOT_AVAILABLE = 'DRIVER_NOT_AVAILABLE';
export const SCENARIO_DIR_EMPTY = 'SCENARIO_DIR_EMPTY';

/**
 * TODO(lead): the default becomes 'docker' once the Docker driver is wired into DRIVERS below;
 * until then `chaos run` defaults to the simulator so that it works out of the box.
 */
export const DEFAULT_DRIVER: DriverName = 'sim';

/** The drivers `chaos run` knows. TODO(lead): docker: the Docker driver's factory. */
export const DRIVERS: Readonly<Record<DriverName, DriverFactory | undefined>> = {
  sim: createSimDriver,
  docker: undefined,
};

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
  drivers: Readonly<Record<DriverName, DriverFactory | undefined>> = DRIVERS,
): void {
  program
    .command('run')
    .description('run scenarios on the Docker lab or in the simulator')
    .argument('<paths...>', 'scenario files, or folders of *.yaml')
    .option('--driver <driver>', 'docker or sim', parseDriver, DEFAULT_DRIVER)
    .option('--seed <n>', 'seed of the simulator (and of any randomness)', parseSeed, 1)
    .option('--json', 'print the result as JSON')
    .option('--out <dir>', 'write the result to DIR/report.json')
    .action(
      async (
        paths: string[],
        options: { driver: DriverName; seed: number; json?: boolean; out?: string },
      ) => {
        const factory = drivers[options.driver];
        if (!factory)
          throw new ChaosError(
            DRIVER_NOT_AVAILABLE,
            `the ${options.driver} driver is not implemented yet: use --driver sim`,
          );
        const source = fsSource();
        const loaded: LoadedScenario[] = [];
        const problems: Diagnostic[] = [];
        for (const file of expandScenarioPaths(paths)) {
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

        const results: ScenarioResult[] = [];
        for (const l of loaded) {
          const driver = factory(l, { seed: options.seed });
          const result = await runScenario(l, driver, { seed: options.seed });
          results.push(result);
          if (!options.json && ctx.io.isTTY) ctx.io.stdout(summariseScenario(result));
        }
        const count = (st: ScenarioResult['status']): number =>
          results.filter((r) => r.status === st).length;
        const run: RunResult = {
          driver: options.driver,
          seed: options.seed,
          passed: results.every((r) => r.status === 'passed' || r.status === 'skipped'),
          counts: {
            passed: count('passed'),
            failed: count('failed'),
            skipped: count('skipped'),
            error: count('error'),
          },
          scenarios: results,
        };
        if (options.out !== undefined) {
          try {
            fs.mkdirSync(options.out, { recursive: true });
            fs.writeFileSync(
              path.join(options.out, 'report.json'),
              `${JSON.stringify(run, null, 2)}\n`,
            );
          } catch (error) {
            throw new ChaosError('REPORT_WRITE_FAILED', `cannot write ${options.out}/report.json`, {
              cause: error,
            });
          }
        }
        if (options.json) ctx.io.stdout(`${JSON.stringify(run, null, 2)}\n`);
        else if (ctx.io.isTTY) ctx.io.stdout(summariseRun(run).split('\n').slice(-2).join('\n'));
        else ctx.io.stdout(summariseRun(run));
        if (run.counts.error > 0) ctx.setExit(EXIT.infra);
        else if (run.counts.failed > 0) ctx.setExit(EXIT.failed);
      },
    );
}
