/**
 * npm run bench:run — the Docker driver's costs (needs a Docker engine; builds the images once).
 *  1. Harness overhead of a warm poweroff-master run: wall time of `chaos run` minus the
 *     scenario's own waits (its wait steps and the time its `expect ... within` steps spent
 *     waiting for VRRP), from the run's report.json. Target: under 10 s.
 *  2. The whole shipped suite: `chaos run scenarios/ --driver docker`. Target: under 8 minutes.
 *  3. The prober's CPU at a 10 ms interval: 20 s of probing the seed lab's VIP, the prober
 *     container's cgroup v1 cpuacct.usage before and after, as a share of one core.
 * Set BENCH_SKIP_SUITE=1 to skip (2).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import Dockerode from 'dockerode';
import { fsSource } from '../src/keepalived/fs-source';
import { systemLabDeps } from '../src/lab/docker-lab';
import { packageRoot } from '../src/lab/docker-support';
import { proberCommand } from '../src/lab/prober-command';
import { DockerSession } from '../src/drivers/docker/session';
import { loadScenarioFile } from '../src/scenario/loader';
import type { RunResult } from '../src/run/result';

const ROOT = packageRoot(__dirname);
const MAIN = path.join(ROOT, 'dist/src/cli/main.js');

function chaosRun(args: string[]): { wallS: number; code: number | null; out: string } {
  const t = performance.now();
  const r = spawnSync(process.execPath, [MAIN, 'run', ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  return { wallS: (performance.now() - t) / 1000, code: r.status, out: r.stdout + r.stderr };
}

function overhead(): void {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-run-'));
  const file = 'scenarios/poweroff-master.yaml';
  chaosRun([file, '--driver', 'docker', '--out', path.join(out, 'warmup')]); // images, caches
  const r = chaosRun([file, '--driver', 'docker', '--out', path.join(out, 'run')]);
  const report = JSON.parse(
    fs.readFileSync(path.join(out, 'run', 'report.json'), 'utf8'),
  ) as RunResult;
  const sc = report.scenarios[0];
  let waits = 0;
  for (const s of sc?.steps ?? [])
    if ((s.kind === 'wait' || s.kind === 'expect') && s.start !== null && s.end !== null)
      waits += s.end - s.start;
  console.log(
    `poweroff-master (warm): exit ${r.code}, ${sc?.status}, wall ${r.wallS.toFixed(2)} s, ` +
      `scenario waits ${waits.toFixed(2)} s, harness overhead ${(r.wallS - waits).toFixed(2)} s (target < 10 s)`,
  );
  fs.rmSync(out, { recursive: true, force: true });
}

function suite(): void {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-suite-'));
  const r = chaosRun(['scenarios/', '--driver', 'docker', '--out', out]);
  const report = JSON.parse(fs.readFileSync(path.join(out, 'report.json'), 'utf8')) as RunResult;
  console.log(
    `whole suite: exit ${r.code}, ${JSON.stringify(report.counts)}, wall ${r.wallS.toFixed(1)} s ` +
      `(${(r.wallS / 60).toFixed(2)} min; target < 8 min)`,
  );
  for (const s of report.scenarios)
    if (s.status !== 'passed' && s.status !== 'skipped')
      console.log(`  ${s.name}: ${s.status}: ${s.failure ?? s.error?.message ?? ''}`);
  fs.rmSync(out, { recursive: true, force: true });
}

async function proberCpu(): Promise<void> {
  const loaded = loadScenarioFile(path.join(ROOT, 'scenarios/poweroff-master.yaml'), fsSource());
  if (!loaded.scenario) throw new Error('poweroff-master.yaml does not load');
  const session = new DockerSession({
    ...systemLabDeps(new Dockerode()),
    rootDir: ROOT,
    progress: () => undefined,
  });
  await session.open();
  try {
    const { lab } = await session.acquire(loaded.scenario.lab);
    const usage = async (): Promise<number> =>
      Number(
        (await lab.exec('prober', ['cat', '/sys/fs/cgroup/cpuacct/cpuacct.usage'])).stdout.trim(),
      );
    const seconds = 20;
    const before = await usage();
    const t = performance.now();
    const r = await lab.exec(
      'prober',
      proberCommand({
        url: `http://${loaded.scenario.lab.vip}/`,
        intervalMs: 10,
        timeoutMs: 500,
        durationS: seconds,
        out: '/dev/null',
      }),
      (seconds + 10) * 1000,
    );
    const wallNs = (performance.now() - t) * 1e6;
    const cpu = (await usage()) - before;
    console.log(
      `prober at 10 ms for ${seconds} s: ${((cpu / wallNs) * 100).toFixed(1)}% of one core ` +
        `(cgroup cpuacct ${(cpu / 1e9).toFixed(2)} s CPU in ${(wallNs / 1e9).toFixed(1)} s; ${r.stderr.trim()})`,
    );
  } finally {
    await session.close();
  }
}

async function main(): Promise<void> {
  overhead();
  await proberCpu();
  if (process.env['BENCH_SKIP_SUITE'] !== '1') suite();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
