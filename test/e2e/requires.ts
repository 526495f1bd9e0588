/**
 * What the end-to-end suites need from the machine (a Docker engine, tshark, chromium), checked
 * once when a suite is declared: `describeIf` declares it with `describe` when all is there. When
 * something is missing it prints why and declares it with `describe.skip` (jest's summary counts
 * its tests as skipped), except with CI=true: there the suite is one failing test that names
 * what is missing, so that CI never passes without running it.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';

export interface Requirement {
  /** What is needed, e.g. `a Docker engine`. */
  what: string;
  /** Why it is not there and how to get it; undefined when it is there. */
  missing(): string | undefined;
}

/** Asks the engine for `_ping` in a child process, so that the answer is known synchronously. */
function dockerMissing(): string | undefined {
  const script = `
    const D = require(${JSON.stringify(require.resolve('dockerode'))});
    const t = setTimeout(() => { console.error('no answer within 5 s'); process.exit(1); }, 5000);
    new D().ping().then(() => { clearTimeout(t); process.exit(0); },
      (e) => { console.error(e.message); process.exit(1); });`;
  const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 10_000 });
  if (r.status === 0) return undefined;
  const why = (r.stderr || r.error?.message || 'no answer').trim();
  return `none answers (${why}); start one with bash scripts/ensure-docker.sh`;
}

/** A Docker engine answering at DOCKER_HOST (or the default socket). */
export const DOCKER: Requirement = { what: 'a Docker engine', missing: dockerMissing };

/** The host's tshark (the wire tests decode captures with it). */
export const TSHARK: Requirement = {
  what: 'tshark',
  missing: () =>
    spawnSync('tshark', ['--version'], { encoding: 'utf8' }).status === 0
      ? undefined
      : 'no tshark on PATH (apt-get install tshark)',
};

/** A chromium binary at `executable` (the report is checked in a real browser). */
export function chromiumAt(executable: string): Requirement {
  return {
    what: 'chromium',
    missing: () =>
      fs.existsSync(executable)
        ? undefined
        : `no chromium at ${executable} (apt-get install -y chromium)`,
  };
}

/** The first missing requirement, as `what: why`; undefined when all are there. */
function firstMissing(requirements: readonly Requirement[]): string | undefined {
  for (const r of requirements) {
    const why = r.missing();
    if (why !== undefined) return `${r.what}: ${why}`;
  }
  return undefined;
}

/** `describe(name, fn)` when every requirement is met; see the file header otherwise. */
export function describeIf(
  name: string,
  requirements: readonly Requirement[],
  fn: () => void,
): void {
  const why = firstMissing(requirements);
  if (why === undefined) {
    describe(name, fn);
  } else if (process.env['CI'] === 'true') {
    describe(name, () => {
      it(`needs ${requirements.map((r) => r.what).join(' and ')} (CI=true: failing, not skipping)`, () => {
        throw new Error(`${why} (required with CI=true)`);
      });
    });
  } else {
    process.stderr.write(`skipping "${name}": ${why}\n`);
    describe.skip(name, fn);
  }
}

/** describeIf with a Docker engine. */
export function describeWithDocker(name: string, fn: () => void): void {
  describeIf(name, [DOCKER], fn);
}
