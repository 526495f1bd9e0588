/**
 * npm run bench:agreement — the simulator's prediction against Docker's measurement: every
 * scenario (default: the shipped ones; or the files and folders given) runs on both drivers
 * with the same seed, and a table puts side by side the switchovers (the sequence of VIP owners,
 * the worst gap difference), split-brain time and client downtime, with what differs and why
 * (src/report/agreement.ts). Targets: gaps within 5 ms, the same owners, downtime within 10 % or
 * 100 ms. The simulator runs each scenario at `--phases N` (default 12) lead-ins spread over a
 * 3 s cycle (the seed labs' longest timer: the 3 s track script) after 10 s of settling (past
 * the first election), since a Docker run starts wherever its long-running lab is in that cycle. Needs a Docker engine; the runs' directories are kept under
 * runs/agreement-<UTC>/ (the simulator's for the first phase).
 */
import path from 'node:path';
import { DRIVERS } from '../src/drivers';
import { compareDrivers, formatAgreement } from '../src/report/agreement';
import { utcStamp } from '../src/drivers/docker/evidence';
import { packageRoot } from '../src/lab/docker-support';
import type { DriverName } from '../src/scenario/types';
import { runSuite } from '../src/run/suite';

const ROOT = packageRoot(__dirname);

/** The cycle the simulator's lead-ins cover, ms, after a settling time past the first election. */
const CYCLE_MS = 3000;
const SETTLE_MS = 10_000;

async function run(driver: DriverName, paths: string[], out: string | undefined, leadInMs = 0) {
  const outcome = await runSuite({
    paths,
    driver: DRIVERS[driver],
    seed: 1,
    ...(leadInMs > 0 ? { leadInMs } : {}),
    ...(out !== undefined ? { out } : {}),
    generatedAt: new Date().toISOString(),
    chaosVersion: null,
    nodeVersion: process.version,
    log: (line) => process.stderr.write(`${driver}: ${line}\n`),
    onScenario: (r) => process.stderr.write(`${driver}: ${r.status} ${r.name}\n`),
  });
  return outcome.run;
}

/** `--phases N` and the paths. */
function parseArgs(argv: string[]): { phases: number; paths: string[] } {
  const at = argv.indexOf('--phases');
  const phases = at < 0 ? 12 : Number(argv[at + 1]);
  if (!Number.isInteger(phases) || phases < 1)
    throw new Error('--phases takes a whole number >= 1');
  const paths = at < 0 ? argv : [...argv.slice(0, at), ...argv.slice(at + 2)];
  return { phases, paths: paths.length > 0 ? paths : [path.join(ROOT, 'scenarios')] };
}

async function main(): Promise<void> {
  const { phases, paths } = parseArgs(process.argv.slice(2));
  const dir = path.join(ROOT, 'runs', `agreement-${utcStamp(Date.now())}`);
  const sims: Awaited<ReturnType<typeof run>>[] = [];
  for (let k = 0; k < phases; k++)
    sims.push(
      await run(
        'sim',
        paths,
        k === 0 ? path.join(dir, 'sim') : undefined,
        SETTLE_MS + (k * CYCLE_MS) / phases,
      ),
    );
  const docker = await run('docker', paths, path.join(dir, 'docker'));
  const rows = docker.scenarios.flatMap((d) => {
    const s = sims.flatMap((r) =>
      r.scenarios.filter((x) => x.file === d.file && x.status !== 'skipped'),
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
