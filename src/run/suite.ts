/**
 * runSuite(): what `chaos run` does, as a function. It checks every scenario file first (all
 * problems at once), lets the driver refuse what it cannot run before anything runs, runs the
 * scenarios one after another (those on the same lab together, so the lab is reused), builds
 * one report, compares it with a baseline and writes the run directory. An abort signal
 * (SIGINT) heals, tears down and keeps the evidence. It prints nothing and decides no exit
 * code: the caller gets the outcome (the CLI maps it, see src/cli/exit-codes.ts).
 */
import fs from 'node:fs';
import path from 'node:path';
import { ChaosError, INTERRUPTED, InputError, ValidationError, type Diagnostic } from '../errors';
import { fsSource } from '../keepalived/fs-source';
import {
  buildReport,
  compareWithBaseline,
  loadBaseline,
  shardScenarios,
  writeReportDocuments,
  type RegressionLimits,
  type Report,
  type ScenarioContext,
  type Shard,
} from '../report';
import { loadScenarioFile, type LoadedScenario } from '../scenario/loader';
import type { DriverName } from '../scenario/types';
import type { DriverFactory, DriverOptions } from './driver';
import { RecordingDriver } from './recording-driver';
import type { RunResult, ScenarioResult } from './result';
import { runScenario } from './runner';

export const SCENARIO_DIR_EMPTY = 'SCENARIO_DIR_EMPTY';
export const DRIVER_FAULT_UNSUPPORTED = 'DRIVER_FAULT_UNSUPPORTED';

/**
 * A driver for one suite: its factory (one Driver per scenario), and what the suite does
 * around the scenarios: prepare (before the refusals: engine, images, capabilities),
 * interrupt (SIGINT), close (tear down what it brought up).
 */
export interface DriverKit {
  name: DriverName;
  factory: DriverFactory;
  prepare?(scenarios: readonly LoadedScenario[]): Promise<void>;
  interrupt?(reason: string): void;
  close?(): Promise<void>;
  /** Where evidence goes; the report goes there too. */
  outDir?: string;
  /** Take a VIP sample this often (ms of scenario time) for the report's timeline; null: no. */
  sampleEveryMs: number | null;
  /** The engine's version for the report's environment (null: none, or it did not answer). */
  engineVersion?(): Promise<string | null>;
  /** The code a refusal carries (SIM_FAULT_UNSUPPORTED, ...). */
  refusalCode: string;
}

export interface KitOptions {
  /** --out, if given. */
  out: string | undefined;
  scenarios: readonly LoadedScenario[];
  /** Progress lines (image builds, lab reuse). */
  log: (line: string) => void;
  /** More detail in the progress (the whole image build log). */
  verbose: boolean;
}

export type DriverKitFactory = (options: KitOptions) => DriverKit;

export interface SuiteOptions {
  /** Scenario files, or folders of *.yaml. */
  paths: readonly string[];
  driver: DriverKitFactory;
  seed: number;
  /** Every scenario's driver options beyond the seed (the simulator's; see DriverOptions). */
  simulator?: Omit<DriverOptions, 'seed'>;
  shard?: Shard;
  out?: string;
  baseline?: { path: string; limits?: Partial<RegressionLimits> };
  /** Aborting heals, tears down and ends the suite with the evidence so far. */
  signal?: AbortSignal;
  /** More detail in the progress (the whole image build log). */
  verbose?: boolean;
  /** ISO time and versions for the report (the suite reads no clock of its own). */
  generatedAt: string;
  chaosVersion: string | null;
  nodeVersion: string;
  /** The OS and host name for the report's environment (journal.json's platform, node). */
  platform?: string | null;
  hostname?: string | null;
  log?: (line: string) => void;
  /** Called as each scenario ends. */
  onScenario?: (result: ScenarioResult) => void;
  /** Called once the scenarios ran (or could not) and the driver was closed. */
  onScenariosDone?: () => void;
}

export interface SuiteOutcome {
  run: RunResult;
  /** The report as written (with the baseline comparison in it). */
  report: Report;
  outDir: string | undefined;
  /** The signal's reason when the suite was interrupted. */
  interrupted: string | undefined;
}

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

/** Every file loaded and checked; ValidationError with every problem of every file. */
export function loadScenarios(files: readonly string[]): LoadedScenario[] {
  const source = fsSource();
  const loaded: LoadedScenario[] = [];
  const problems: Diagnostic[] = [];
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
  return loaded;
}

const runsOn = (l: LoadedScenario, driver: DriverName): boolean =>
  l.scenario.drivers.length === 0 || l.scenario.drivers.includes(driver);

/** What the driver cannot run, found before anything runs (InputError listing each). */
function checkRefusals(kit: DriverKit, loaded: readonly LoadedScenario[], seed: number): void {
  const refused: string[] = [];
  const codes = new Set<string>();
  for (const l of loaded) {
    if (!runsOn(l, kit.name)) continue;
    for (const r of kit.factory(l, { seed }).refusals()) {
      refused.push(`${l.file}: step ${r.step + 1}: ${r.message}`);
      codes.add(r.code);
    }
  }
  // The refusals' own code when they agree (DOCKER_FAULT_UNSUPPORTED), else the driver's.
  if (refused.length > 0)
    throw new InputError(
      codes.size === 1 ? [...codes][0]! : kit.refusalCode,
      `the ${kit.name} driver cannot run:\n${refused.join('\n')}`,
    );
}

/** The scenarios run, in lab groups, until the signal aborts; results in file order. */
async function runAll(
  kit: DriverKit,
  loaded: readonly LoadedScenario[],
  options: SuiteOptions,
  contexts: Record<string, ScenarioContext>,
): Promise<ScenarioResult[]> {
  const results = new Map<LoadedScenario, ScenarioResult>();
  for (const l of groupByLab(loaded)) {
    if (options.signal?.aborted) break;
    // The recorder keeps the VIP samples the report's timeline draws.
    const driver = new RecordingDriver(
      kit.factory(l, { seed: options.seed, ...options.simulator }),
      {
        sampleEveryMs: kit.sampleEveryMs,
        names: new Map(l.scenario.lab.nodes.map((n) => [n.address, n.name])),
      },
    );
    const ran = await runScenario(l, driver, { seed: options.seed });
    results.set(l, ran.result);
    contexts[l.file] = { lab: l.scenario.lab, slo: l.scenario.slo, evidence: driver.evidence(ran) };
    options.onScenario?.(ran.result);
  }
  return loaded.flatMap((l) => {
    const r = results.get(l);
    return r ? [r] : [];
  });
}

/** The run's result: its scenarios' results and their counts. */
export function runResultFrom(
  driver: DriverName,
  seed: number,
  results: ScenarioResult[],
  interrupted: boolean,
): RunResult {
  const count = (st: ScenarioResult['status']): number =>
    results.filter((r) => r.status === st).length;
  return {
    driver,
    seed,
    passed: !interrupted && results.every((r) => r.status === 'passed' || r.status === 'skipped'),
    counts: {
      passed: count('passed'),
      failed: count('failed'),
      skipped: count('skipped'),
      error: count('error'),
    },
    scenarios: results,
  };
}

/**
 * The driver prepared (engine, images, capabilities), or INTERRUPTED as soon as the signal
 * aborts: a first image build takes minutes, and Ctrl-C must not wait for it (the build the
 * engine already has runs to its end there; nothing of this run is left behind).
 */
async function prepared(
  kit: DriverKit,
  scenarios: readonly LoadedScenario[],
  signal: AbortSignal | undefined,
): Promise<void> {
  if (!kit.prepare) return;
  const preparing = kit.prepare(scenarios);
  if (!signal) return preparing;
  preparing.catch(() => {});
  let onAbort = (): void => {};
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () =>
      reject(
        new ChaosError(
          INTERRUPTED,
          `interrupted by ${reasonOf(signal) ?? 'a signal'} while the ${kit.name} driver was getting ready: no scenario ran`,
        ),
      );
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    await Promise.race([preparing, aborted]);
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
}

const reasonOf = (signal: AbortSignal | undefined): string | undefined =>
  signal?.aborted ? String(signal.reason as unknown) : undefined;

export async function runSuite(options: SuiteOptions): Promise<SuiteOutcome> {
  const log = options.log ?? (() => {});
  // Read the baseline first: a bad path is bad input before any lab comes up.
  const baseline = options.baseline ? loadBaseline(options.baseline.path) : null;
  let files = expandScenarioPaths(options.paths);
  if (options.shard) files = shardScenarios(files, options.shard.index, options.shard.total);
  const loaded = loadScenarios(files);
  const kit = options.driver({
    out: options.out,
    scenarios: loaded,
    log,
    verbose: options.verbose ?? false,
  });
  const runnable = loaded.filter((l) => runsOn(l, kit.name));
  const contexts: Record<string, ScenarioContext> = {};
  const onAbort = (): void => kit.interrupt?.(reasonOf(options.signal) ?? 'aborted');
  options.signal?.addEventListener('abort', onAbort);
  if (options.signal?.aborted) onAbort();
  let results: ScenarioResult[];
  try {
    if (runnable.length > 0) await prepared(kit, runnable, options.signal);
    checkRefusals(kit, loaded, options.seed);
    results = await runAll(kit, loaded, options, contexts);
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
    await kit.close?.();
    options.onScenariosDone?.();
  }
  const interrupted = reasonOf(options.signal);
  const run = runResultFrom(kit.name, options.seed, results, interrupted !== undefined);
  const report = buildReport(run, {
    generatedAt: options.generatedAt,
    interrupted: interrupted ?? false,
    shard: options.shard ?? null,
    scenarios: contexts,
    environment: {
      chaosVersion: options.chaosVersion,
      dockerVersion: (await kit.engineVersion?.()) ?? null,
      nodeVersion: options.nodeVersion,
      platform: options.platform ?? null,
      hostname: options.hostname ?? null,
    },
  });
  // One report: compared with the baseline, then written with the comparison in it.
  report.baseline =
    baseline === null
      ? null
      : compareWithBaseline(report, baseline, options.baseline?.limits, options.baseline?.path);
  const outDir = options.out ?? kit.outDir;
  if (outDir !== undefined) writeReportDocuments(report, outDir);
  return { run, report, outDir, interrupted };
}

/** The error a suite ends with when it was interrupted (after the report was written). */
export function interruptedError(outcome: SuiteOutcome): ChaosError {
  const where = outcome.outDir !== undefined ? `, evidence so far in ${outcome.outDir}` : '';
  return new ChaosError(
    INTERRUPTED,
    `interrupted by ${outcome.interrupted ?? 'a signal'}: faults healed, lab torn down${where}`,
  );
}
