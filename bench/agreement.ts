/**
 * npm run bench:agreement — the simulator's prediction against Docker's measurement: every
 * scenario (default: the shipped ones; or the files and folders given) runs on both drivers,
 * and a table puts side by side the switchovers (the sequence of VIP owners, the worst gap
 * difference), split-brain time and client downtime, with what differs and why
 * (src/report/agreement.ts). Targets: gaps within 5 ms, the same owners, downtime within 10 % or
 * 100 ms.
 *
 * A Docker run starts wherever its long-running lab is in the advert and track-script cycles,
 * and each of its steps takes real time (a sample runs commands in every node: 80-145 ms in the
 * runs of the 20:37 agreement report; a fault's plan 60-580 ms), so where a heal lands in the
 * advert cycle is chance. The simulator is exact and instant, so it runs each scenario at
 * `--phases N` (default 12) phases: seed k + 1, a lead-in of 10 s (past the first election)
 * plus k/N of a 3 s cycle (the seed labs' longest timer, the 3 s track script), and the step
 * costs drawn from that seed (DriverOptions: samples up to 180 ms, fault plans up to 300 ms),
 * a LAN of 0.05 ms one way, about a bridge's (with none, a takeover advert and the old master's
 * answer to it carry one timestamp and the wire analysis cannot order them), and up to 1 ms of
 * jitter per timer and packet (`chaos explore`'s default), so that races real nodes run (two
 * routers' adverts due together) go either way.
 * Needs a Docker engine; the runs' directories are kept under runs/agreement-<UTC>/ (the
 * simulator's for the first phase). `--docker RUN_DIR` compares with a Docker run made before
 * (its report.json) instead of making one.
 */
import fs from 'node:fs';
import path from 'node:path';
import { DRIVERS } from '../src/drivers';
import { compareDrivers, formatAgreement } from '../src/report/agreement';
import { utcStamp } from '../src/drivers/docker/evidence';
import { packageRoot } from '../src/lab/docker-support';
import type { DriverName } from '../src/scenario/types';
import { parseReport, runResultOf } from '../src/report/build';
import type { RunResult } from '../src/run/result';
import { runSuite } from '../src/run/suite';

const ROOT = packageRoot(__dirname);

/** The cycle the simulator's lead-ins cover, ms, after a settling time past the first election. */
const CYCLE_MS = 3000;
const SETTLE_MS = 10_000;
/** The step costs of a simulated phase, drawn up to these (Docker's, measured). */
const STEP_COSTS = {
  sampleLatencyMs: 180,
  actionLatencyMs: 300,
  lanLatencyMs: 0.05,
  jitterMs: 1,
} as const;

/** Phase k of n: its seed, lead-in and step costs (null: the Docker run). */
type Phase = { k: number; of: number } | null;

async function run(driver: DriverName, paths: string[], out: string | undefined, phase: Phase) {
  const outcome = await runSuite({
    paths,
    driver: DRIVERS[driver],
    seed: phase ? phase.k + 1 : 1,
    ...(phase
      ? { simulator: { leadInMs: SETTLE_MS + (phase.k * CYCLE_MS) / phase.of, ...STEP_COSTS } }
      : {}),
    ...(out !== undefined ? { out } : {}),
    generatedAt: new Date().toISOString(),
    chaosVersion: null,
    nodeVersion: process.version,
    log: (line) => process.stderr.write(`${driver}: ${line}\n`),
    onScenario: (r) => process.stderr.write(`${driver}: ${r.status} ${r.name}\n`),
  });
  return outcome.run;
}

/** `--flag VALUE` taken out of argv (undefined when absent). */
function option(argv: string[], flag: string): string | undefined {
  const at = argv.indexOf(flag);
  if (at < 0) return undefined;
  const value = argv[at + 1];
  if (value === undefined) throw new Error(`${flag} takes a value`);
  argv.splice(at, 2);
  return value;
}

/** `--phases N`, `--docker RUN_DIR` (compare with that Docker run instead of a new one), paths. */
function parseArgs(args: string[]): { phases: number; docker?: string; paths: string[] } {
  const argv = [...args];
  const phases = Number(option(argv, '--phases') ?? 12);
  if (!Number.isInteger(phases) || phases < 1)
    throw new Error('--phases takes a whole number >= 1');
  const docker = option(argv, '--docker');
  const paths = argv.length > 0 ? argv : [path.join(ROOT, 'scenarios')];
  return { phases, paths, ...(docker === undefined ? {} : { docker }) };
}

/** A Docker run's results from its run directory's report.json. */
function storedRun(dir: string): RunResult {
  const file = path.join(dir, 'report.json');
  return runResultOf(parseReport(JSON.parse(fs.readFileSync(file, 'utf8')), file));
}

async function main(): Promise<void> {
  const { phases, paths, docker: stored } = parseArgs(process.argv.slice(2));
  const dir = path.join(ROOT, 'runs', `agreement-${utcStamp(Date.now())}`);
  const sims: Awaited<ReturnType<typeof run>>[] = [];
  for (let k = 0; k < phases; k++)
    sims.push(
      await run('sim', paths, k === 0 ? path.join(dir, 'sim') : undefined, { k, of: phases }),
    );
  const docker =
    stored === undefined
      ? await run('docker', paths, path.join(dir, 'docker'), null)
      : storedRun(stored);
  const rows = docker.scenarios.flatMap((d) => {
    // By name: a stored run may come from another checkout (other absolute paths).
    const s = sims.flatMap((r) =>
      r.scenarios.filter((x) => x.name === d.name && x.status !== 'skipped'),
    );
    // A scenario one driver skips (drivers: [docker]) has nothing to compare.
    return s.length > 0 && d.status !== 'skipped' ? [compareDrivers(s, d)] : [];
  });
  process.stdout.write(formatAgreement(rows));
  process.stdout.write(`runs in ${dir}\n`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
