/**
 * npm run bench:agreement — the simulator's prediction against Docker's measurement: every
 * scenario (default: the shipped ones; or the files and folders given) runs on both drivers
 * with the same seed, and a table puts side by side the switchovers (the sequence of VIP owners,
 * the worst gap difference), split-brain time and client downtime, with what differs and why
 * (src/report/agreement.ts). Targets: gaps within 5 ms, the same owners, downtime within 10 % or
 * 100 ms. Needs a Docker engine; the runs' directories are kept under runs/agreement-<UTC>/.
 */
import path from 'node:path';
import { DRIVERS } from '../src/drivers';
import { compareDrivers, formatAgreement } from '../src/report/agreement';
import { utcStamp } from '../src/drivers/docker/evidence';
import { packageRoot } from '../src/lab/docker-support';
import type { DriverName } from '../src/scenario/types';
import { runSuite } from '../src/run/suite';

const ROOT = packageRoot(__dirname);

async function run(driver: DriverName, paths: string[], out: string | undefined) {
  const outcome = await runSuite({
    paths,
    driver: DRIVERS[driver],
    seed: 1,
    ...(out !== undefined ? { out } : {}),
    generatedAt: new Date().toISOString(),
    chaosVersion: null,
    nodeVersion: process.version,
    log: (line) => process.stderr.write(`${driver}: ${line}\n`),
    onScenario: (r) => process.stderr.write(`${driver}: ${r.status} ${r.name}\n`),
  });
  return outcome.run;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const paths = args.length > 0 ? args : [path.join(ROOT, 'scenarios')];
  const dir = path.join(ROOT, 'runs', `agreement-${utcStamp(Date.now())}`);
  const sim = await run('sim', paths, path.join(dir, 'sim'));
  const docker = await run('docker', paths, path.join(dir, 'docker'));
  const rows = sim.scenarios.flatMap((s) => {
    const d = docker.scenarios.find((x) => x.file === s.file);
    // A scenario one driver skips (drivers: [docker]) has nothing to compare.
    return d && s.status !== 'skipped' && d.status !== 'skipped' ? [compareDrivers(s, d)] : [];
  });
  process.stdout.write(formatAgreement(rows));
  process.stdout.write(`runs in ${dir}\n`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
