import fs from 'node:fs';
import type Dockerode from 'dockerode';
import { BuildProgress, eventLines, parseStep } from '../../../src/lab/build-progress';
import type { BuildEvent } from '../../../src/lab/build-progress';
import { buildMysql, fakeRoot } from './fake-checkout';
import type { BuildOutcome } from './fake-checkout';

/**
 * The classic builder's stream (POST /build) for docker/mysql as Docker sends it: a step header
 * without its newline, then the newline alone, the builder's ` ---> ` lines, the RUN's output.
 * Each line is preceded by the milliseconds it came after the one before.
 */
const MYSQL_BUILD: readonly [number, string][] = [
  [300, '{"stream":"Step 1/12 : FROM debian:bookworm-slim"}'],
  [0, '{"stream":"\\n"}'],
  [10, '{"status":"Pulling from library/debian","id":"bookworm-slim"}'],
  [
    900,
    '{"status":"Digest: sha256:4b50eb66f977b4062683ff434ef18ac191da862dbe966961bc11990cf5791a8d"}',
  ],
  [5, '{"status":"Status: Downloaded newer image for debian:bookworm-slim"}'],
  [5, '{"stream":" ---\\u003e 7f4dc3bb2c1f\\n"}'],
  [5, '{"stream":"Step 2/12 : LABEL org.chaos.image=mysql"}'],
  [0, '{"stream":"\\n"}'],
  [5, '{"stream":" ---\\u003e Using cache\\n"}'],
  [0, '{"stream":" ---\\u003e 0e2b7f0f2b3d\\n"}'],
  [5, '{"stream":"Step 3/12 : ENV DEBIAN_FRONTEND=noninteractive"}'],
  [0, '{"stream":"\\n"}'],
  [5, '{"stream":" ---\\u003e Using cache\\n"}'],
  [0, '{"stream":" ---\\u003e 5c1d3e2a9b8f\\n"}'],
  [
    5,
    '{"stream":"Step 4/12 : RUN apt-get update  \\u0026\\u0026 apt-get install -y --no-install-recommends tini mariadb-server mariadb-client procps"}',
  ],
  [0, '{"stream":"\\n"}'],
  [40, '{"stream":" ---\\u003e Running in 3a9e0c7d5b21\\n"}'],
  [600, '{"stream":"Get:1 http://deb.debian.org/debian bookworm InRelease [151 kB]\\n"}'],
  [700, '{"stream":"Reading package lists...\\n"}'],
  [9000, '{"stream":"Setting up mariadb-server (1:10.11.6-0+deb12u1) ...\\r\\n"}'],
  [800, '{"stream":"Removing intermediate container 3a9e0c7d5b21\\n"}'],
  [0, '{"stream":" ---\\u003e 9d8c7b6a5f4e\\n"}'],
  [5, '{"stream":"Step 5/12 : COPY etc/99-chaos.cnf /etc/mysql/mariadb.conf.d/99-chaos.cnf"}'],
  [0, '{"stream":"\\n"}'],
  [1300, '{"stream":" ---\\u003e 1f0e9d8c7b6a\\n"}'],
  [5, '{"stream":"Step 12/12 : LABEL org.chaos.image=mysql org.chaos.inputs=0123456789ab"}'],
  [0, '{"stream":"\\n"}'],
  [40, '{"stream":" ---\\u003e Running in 6b5a4f3e2d1c\\n"}'],
  [30, '{"aux":{"ID":"sha256:1a2b3c4d5e6f00112233445566778899aabbccddeeff00112233445566778899"}}'],
  [0, '{"stream":"Successfully built 1a2b3c4d5e6f\\n"}'],
  [0, '{"stream":"Successfully tagged chaos/mysql:0123456789ab\\n"}'],
];

/** A failing RUN: its output, then the engine's error event. */
const FAILING_BUILD: readonly [number, string][] = [
  [100, '{"stream":"Step 1/2 : FROM debian:bookworm-slim"}'],
  [0, '{"stream":"\\n"}'],
  [5, '{"stream":" ---\\u003e 7f4dc3bb2c1f\\n"}'],
  [5, '{"stream":"Step 2/2 : RUN echo chaos-build-marker \\u0026\\u0026 exit 3"}'],
  [0, '{"stream":"\\n"}'],
  [40, '{"stream":" ---\\u003e Running in 5b4c3f2e1d0a\\n"}'],
  [200, '{"stream":"chaos-build-marker\\n"}'],
  [
    300,
    '{"errorDetail":{"code":3,"message":"The command \'/bin/sh -c echo chaos-build-marker \\u0026\\u0026 exit 3\' returned a non-zero code: 3"},"error":"The command \'/bin/sh -c echo chaos-build-marker \\u0026\\u0026 exit 3\' returned a non-zero code: 3"}',
  ],
];

const events = (recorded: readonly [number, string][]): BuildEvent[] =>
  recorded.map(([, json]) => JSON.parse(json) as BuildEvent);

describe('the build stream', () => {
  test('event lines: stream and status text without blank lines, errors marked', () => {
    const lines = events(FAILING_BUILD).flatMap(eventLines);
    expect(lines).toEqual([
      'Step 1/2 : FROM debian:bookworm-slim',
      ' ---> 7f4dc3bb2c1f',
      'Step 2/2 : RUN echo chaos-build-marker && exit 3',
      ' ---> Running in 5b4c3f2e1d0a',
      'chaos-build-marker',
      "ERROR: The command '/bin/sh -c echo chaos-build-marker && exit 3' returned a non-zero code: 3",
    ]);
    expect(eventLines({ aux: { ID: 'x' } } as BuildEvent)).toEqual([]);
  });

  test('step headers: number and total', () => {
    const steps = events(MYSQL_BUILD)
      .flatMap(eventLines)
      .map(parseStep)
      .filter((s) => s !== undefined);
    expect(steps.map((s) => `${s.step}/${s.total}`)).toEqual([
      '1/12',
      '2/12',
      '3/12',
      '4/12',
      '5/12',
      '12/12',
    ]);
    expect(parseStep(' ---> Running in 3a9e0c7d5b21')).toBeUndefined();
    expect(parseStep('echo Step 1/2 : no')).toBeUndefined();
  });

  test('the progress line: the first step at once, then at most once a second', () => {
    const progress = new BuildProgress('mysql', 0);
    let t = 0;
    const shown: string[] = [];
    for (const [dt, json] of MYSQL_BUILD) {
      t += dt;
      for (const line of eventLines(JSON.parse(json) as BuildEvent)) {
        const s = progress.update(line, t);
        if (s !== undefined) shown.push(s);
      }
    }
    expect(shown).toEqual([
      'mysql: step 1/12 (0.3 s)',
      'mysql: step 4/12 (1.9 s)',
      'mysql: step 4/12 (11.6 s)',
      'mysql: step 5/12 (13.7 s)',
    ]);
    expect(new BuildProgress('web', 0).line(400)).toBe('web: starting (0.4 s)');
  });
});

/** Checkouts with docker/mysql only, removed after each test. */
const roots: string[] = [];
afterEach(() => {
  for (const r of roots.splice(0)) fs.rmSync(r, { recursive: true, force: true });
});

/** An engine that "builds" by replaying `recorded`, the clock advancing with it. */
function replayingEngine(recorded: readonly [number, string][]) {
  let t = 0;
  let built = false;
  const failed = recorded.some(([, json]) => json.includes('"error"'));
  const notFound = Object.assign(new Error('no such image'), { statusCode: 404 });
  const docker = {
    getImage: () => ({ inspect: () => (built ? Promise.resolve({}) : Promise.reject(notFound)) }),
    buildImage: (tar: NodeJS.ReadableStream) => Promise.resolve(tar.resume()),
    modem: {
      followProgress(_s: unknown, done: (e: Error | null) => void, each: (e: BuildEvent) => void) {
        setImmediate(() => {
          for (const [dt, json] of recorded) {
            t += dt;
            each(JSON.parse(json) as BuildEvent);
          }
          built = !failed;
          done(null);
        });
      },
    },
    listImages: () => Promise.resolve([]),
  } as unknown as Dockerode;
  return { docker, now: () => t };
}

/** ensureImages of mysql on the replaying engine: its progress, error and build log. */
function build(recorded: readonly [number, string][], verbose = false): Promise<BuildOutcome> {
  const root = fakeRoot('FROM debian:bookworm-slim\n');
  roots.push(root);
  return buildMysql({ ...replayingEngine(recorded), rootDir: root, verbose });
}

describe('ensureImages output (scripted engine)', () => {
  test('step lines on progress, the whole log in a file named on the building line', async () => {
    const { lines, error, logName, log } = await build(MYSQL_BUILD);
    expect(error).toBeUndefined();
    expect(logName).toMatch(/^chaos-build-mysql-[0-9a-f]{12}\.log$/);
    expect(lines[0]).toMatch(
      new RegExp(`^mysql: building chaos/mysql:[0-9a-f]{12} \\(log: ${log}\\)$`),
    );
    expect(lines.slice(1)).toEqual([
      'mysql: step 1/12 (0.3 s)',
      'mysql: step 4/12 (1.9 s)',
      'mysql: step 4/12 (11.6 s)',
      'mysql: step 5/12 (13.7 s)',
      expect.stringMatching(/^mysql: built chaos\/mysql:[0-9a-f]{12} in 13\.8 s$/),
    ]);
    const text = fs.readFileSync(log, 'utf8');
    expect(text.split('\n')).toHaveLength(events(MYSQL_BUILD).flatMap(eventLines).length + 1);
    expect(text).toContain('Setting up mariadb-server (1:10.11.6-0+deb12u1) ...\n');
  });

  test('verbose: every line of the build on progress, as before', async () => {
    const { lines } = await build(MYSQL_BUILD, true);
    const all = events(MYSQL_BUILD).flatMap(eventLines);
    expect(lines.slice(1, -1)).toEqual(all.map((l) => `mysql: ${l}`));
  });

  test('a failure: IMAGE_BUILD_FAILED with the last lines and where the whole log is', async () => {
    const { error, log } = await build(FAILING_BUILD);
    expect(error?.code).toBe('IMAGE_BUILD_FAILED');
    expect(error?.message).toMatch(
      /^Failed to build image chaos\/mysql:[0-9a-f]{12} from docker\/mysql: The command .* returned a non-zero code: 3\n/,
    );
    expect(error?.message).toContain(`--- last lines of the build (full log: ${log}) ---`);
    expect(error?.message).toContain('\nchaos-build-marker\nERROR: The command');
    expect(fs.readFileSync(log, 'utf8')).toContain('chaos-build-marker\n');
  });
});
