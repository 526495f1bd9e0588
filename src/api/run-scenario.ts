/**
 * runScenario() and analyze(): `chaos run FILE` and `chaos analyze FILES` as library calls. A
 * scenario runs through runSuite (src/run/suite.ts) with the driver `chaos run --driver` names;
 * the result is the scenario's entry of the report.json the run writes. Failed expectations are
 * a result (status 'failed'), not an error; bad input and infrastructure failures throw
 * ChaosErrors with codes.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { analyzePcapFiles, type AnalysisResult, type AnalyzeFilesOptions } from '../capture';
import { DRIVERS } from '../drivers';
import { ChaosError } from '../errors';
import { packageRoot } from '../lab/docker-support';
import type { Report, ScenarioReport } from '../report';
import { interruptedError, runSuite } from '../run/suite';
import type { DriverName } from '../scenario/types';

export const SCENARIO_NOT_RUN = 'SCENARIO_NOT_RUN';

export interface RunScenarioOptions {
  /** `sim` (virtual time, no Docker) or `docker` (default sim). */
  driver?: DriverName;
  /** The simulator's seed (default 1, as `chaos run`). */
  seed?: number;
  /** The run directory (report.json, evidence); default: the driver's (docker: runs/...). */
  out?: string;
  /** Aborting heals, tears down and throws INTERRUPTED (the evidence so far is written). */
  signal?: AbortSignal;
  /** Progress lines (image builds, lab reuse). */
  progress?: (line: string) => void;
}

/** What a run gives back: the scenario's report entry, the whole report, its directory. */
export interface ScenarioRun {
  result: ScenarioReport;
  report: Report;
  outDir: string | undefined;
}

function chaosVersion(): string | null {
  try {
    const pkg = JSON.parse(fs.readFileSync(path.join(packageRoot(), 'package.json'), 'utf8')) as {
      version?: unknown;
    };
    return typeof pkg.version === 'string' ? pkg.version : null;
  } catch {
    return null;
  }
}

/** The whole run: report, directory (runScenario's result is `result`). */
export async function runScenarioReport(
  file: string,
  options: RunScenarioOptions = {},
): Promise<ScenarioRun> {
  const driver = options.driver ?? 'sim';
  const outcome = await runSuite({
    paths: [file],
    driver: DRIVERS[driver],
    seed: options.seed ?? 1,
    ...(options.out !== undefined ? { out: options.out } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
    generatedAt: new Date().toISOString(),
    chaosVersion: chaosVersion(),
    nodeVersion: process.version,
    platform: `${os.type()}-${os.release()}-${os.machine()}`,
    hostname: os.hostname(),
    ...(options.progress ? { log: options.progress } : {}),
  });
  if (outcome.interrupted !== undefined) throw interruptedError(outcome);
  const [result] = outcome.report.scenarios;
  if (!result)
    throw new ChaosError(SCENARIO_NOT_RUN, `${file}: the ${driver} driver ran no scenario`);
  return { result, report: outcome.report, outDir: outcome.outDir };
}

/** `chaos run FILE --driver D`: the scenario's entry of report.json. */
export async function runScenario(
  file: string,
  options: RunScenarioOptions = {},
): Promise<ScenarioReport> {
  return (await runScenarioReport(file, options)).result;
}

/** `chaos analyze FILES`: the VRRP timeline of pcap/pcapng captures, merged by time. */
export function analyze(
  files: string | readonly string[],
  options: AnalyzeFilesOptions = {},
): Promise<AnalysisResult> {
  return analyzePcapFiles(typeof files === 'string' ? [files] : files, options);
}
