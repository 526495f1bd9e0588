/**
 * Checkouts for the image builds' tests (unit, with a scripted engine, and e2e, with Docker): a
 * temp folder with package files, a dist/ and a docker/mysql/Dockerfile of the test's choosing,
 * and one mysql build in it with what it showed, its error and its build log.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { APP_MODULES, ensureImages } from '../../../src/lab/images';
import type { EnsureImagesOptions } from '../../../src/lab/images';

/** A checkout with a dist/ and a docker/mysql/Dockerfile of our choosing. */
export function fakeRoot(dockerfile: string | undefined, dist = true): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'chaos-images-root-'));
  fs.writeFileSync(path.join(root, 'package-lock.json'), JSON.stringify({ packages: {} }));
  fs.writeFileSync(path.join(root, 'package.json'), '{}');
  if (dist)
    for (const f of ['daemon', 'shop', 'prober']) {
      fs.mkdirSync(path.join(root, 'dist/src', f), { recursive: true });
      fs.writeFileSync(path.join(root, 'dist/src', f, 'main.js'), '');
    }
  if (dockerfile !== undefined) {
    fs.mkdirSync(path.join(root, 'docker/mysql'), { recursive: true });
    fs.writeFileSync(path.join(root, 'docker/mysql/Dockerfile'), dockerfile);
  }
  return root;
}

export interface BuildOutcome {
  /** Everything ensureImages said on `progress`. */
  lines: string[];
  error: (Error & { code?: string }) | undefined;
  /** The build log's name and path (in the checkout), and its text. */
  logName: string;
  log: string;
  logText: string;
}

/** ensureImages of the mysql image only, its build log in the checkout. */
export async function buildMysql(
  options: Omit<EnsureImagesOptions, 'only' | 'progress' | 'logDir'>,
): Promise<BuildOutcome> {
  const lines: string[] = [];
  const error = await ensureImages({
    ...options,
    only: ['mysql'],
    logDir: options.rootDir,
    progress: (l) => lines.push(l),
  }).then(
    () => undefined,
    (e: unknown) => e as Error & { code?: string },
  );
  const [logName = ''] = fs.readdirSync(options.rootDir).filter((f) => f.endsWith('.log'));
  const log = path.join(options.rootDir, logName);
  const logText = logName && fs.existsSync(log) ? fs.readFileSync(log, 'utf8') : '';
  return { lines, error, logName, log, logText };
}

/**
 * A checkout all three images can be planned from: fakeRoot's, plus docker/web and
 * docker/prober and, in package-lock.json and node_modules/, each module the app loads.
 */
export function fakeAppRoot(): string {
  const root = fakeRoot('FROM debian:bookworm-slim\n');
  for (const image of ['web', 'prober']) {
    fs.mkdirSync(path.join(root, 'docker', image), { recursive: true });
    fs.writeFileSync(path.join(root, 'docker', image, 'Dockerfile'), `FROM ${image}-base\n`);
  }
  const packages: Record<string, object> = {};
  for (const m of APP_MODULES) {
    packages[`node_modules/${m}`] = {};
    fs.mkdirSync(path.join(root, 'node_modules', m), { recursive: true });
    fs.writeFileSync(path.join(root, 'node_modules', m, 'index.js'), `// ${m}\n`);
  }
  fs.writeFileSync(path.join(root, 'package-lock.json'), JSON.stringify({ packages }));
  return root;
}
