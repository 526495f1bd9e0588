/**
 * The lab's three images (web, mysql, prober), built from docker/<name>/ with dockerode and
 * tagged by what went into them: `chaos/<name>:<12 hex of sha256(inputs)>`. An existing tag is
 * reused without building, so images are rebuilt only when their inputs change.
 *
 * Inputs of an image: the files of docker/<name>/, and for the images that run our code
 * (web, prober) the dist/src JS they copy, package.json and package-lock.json (which pins the
 * production node_modules copied beside it).
 *
 * The build context is staged in a temp dir:
 *   Dockerfile, ...            docker/<name>/**
 *   chaos/package.json
 *   chaos/dist/src/**          (*.js, *.js.map)
 *   chaos/node_modules/**      the production closure of APP_MODULES (no dockerode); native
 *                              build outputs are left out: the web image compiles raw-socket
 *                              for Debian's Node 18, the prober does not get raw-socket at all
 * and streamed to the engine as a tar (`tar -c`) by image-build.ts. While an image builds,
 * `progress` gets one `web: step 5/12 (18.3 s)` line at most once a second (`verbose`: every
 * line of the build); the whole build log goes to `<logDir>/chaos-build-<image>-<hash12>.log`
 * (default os.tmpdir()), named on the `building` line and in IMAGE_BUILD_FAILED.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type Dockerode from 'dockerode';
import { systemClock } from '../clock';
import { ChaosError } from '../errors';
import {
  IMAGE_LABEL,
  INPUTS_LABEL,
  buildImage,
  buildLogPath,
  errorText,
  imageExists,
} from './image-build';

export { IMAGE_LABEL, INPUTS_LABEL, buildLogPath };
export { LastLines } from './build-progress';

export interface LabImages {
  web: string;
  mysql: string;
  prober: string;
}

export type ImageName = keyof LabImages;

export interface EnsureImagesOptions {
  docker: Dockerode;
  /** The checkout: holds docker/, dist/, node_modules/, package.json. */
  rootDir: string;
  progress?: (line: string) => void;
  /** Build even when the tag exists (the engine's layer cache still applies). */
  rebuild?: boolean;
  /** With a build: do not use the engine's layer cache (cold build). */
  noCache?: boolean;
  /** Only these images (default: all three). */
  only?: readonly ImageName[];
  /**
   * Every line of the build log on `progress`, as it comes (default: one `web: step 5/12
   * (18.3 s)` line per image, at most once a second). The full log is kept in a file either way.
   */
  verbose?: boolean;
  /** Epoch milliseconds (default: the system clock): elapsed times, the prune's grace. */
  now?: () => number;
  /** Where the build logs go (default os.tmpdir()): `chaos-build-<image>-<hash12>.log`. */
  logDir?: string;
}

/** What the daemon, the shop and the prober load at run time. Not dockerode. */
export const APP_MODULES = ['commander', 'yaml', 'zod', 'mysql2', 'raw-socket'];

/** Bump when the staging recipe below changes in a way the input files do not show. */
const RECIPE_VERSION = '1';

interface ImageRecipe {
  name: ImageName;
  /** Copies chaos/ (package.json, dist/src, node_modules). */
  app: boolean;
  /** Modules left out of its node_modules (with what only they need). */
  withoutModules: readonly string[];
}

export const IMAGE_RECIPES: readonly ImageRecipe[] = [
  { name: 'mysql', app: false, withoutModules: [] },
  { name: 'prober', app: true, withoutModules: ['raw-socket'] },
  { name: 'web', app: true, withoutModules: [] },
];

// ---------------------------------------------------------------------------------------------
// Pure parts: the dependency closure, the hash, the tag.

interface LockPackage {
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  dev?: boolean;
}

export interface PackageLock {
  packages: Record<string, LockPackage>;
}

/**
 * The node_modules paths (`node_modules/a`, `node_modules/a/node_modules/b`) that `roots` need,
 * resolved as Node does: a dependency of P is P/node_modules/D, else the nearest ancestor's.
 * Missing optional dependencies are skipped; a missing required one is an error.
 */
export function dependencyClosure(lock: PackageLock, roots: readonly string[]): string[] {
  const found = new Set<string>();
  const resolve = (from: string, dep: string): string | undefined => {
    let base = from;
    for (;;) {
      const candidate = `${base ? `${base}/` : ''}node_modules/${dep}`;
      if (lock.packages[candidate]) return candidate;
      if (!base) return undefined;
      const cut = base.lastIndexOf('/node_modules/');
      base = cut === -1 ? '' : base.slice(0, cut);
    }
  };
  const visit = (from: string, dep: string, optional: boolean) => {
    const at = resolve(from, dep);
    if (!at) {
      if (optional) return;
      throw new ChaosError(
        'NODE_MODULES_MISSING',
        `package-lock.json has no ${dep} (needed by ${from || 'the app'}); run \`npm ci\``,
      );
    }
    if (found.has(at)) return;
    found.add(at);
    const pkg = lock.packages[at] ?? {};
    for (const d of Object.keys(pkg.dependencies ?? {})) visit(at, d, false);
    for (const d of Object.keys(pkg.optionalDependencies ?? {})) visit(at, d, true);
  };
  for (const r of roots) visit('', r, false);
  return [...found].sort();
}

/** One file of a build context: where it comes from and its path in the context. */
export interface ContextFile {
  from: string;
  to: string;
}

/**
 * sha256 over (context path, content) of each hashed input, in path order, with the image
 * name and recipe version. `read` gives a file's bytes (tests pass a map).
 */
export function inputsHash(
  name: ImageName,
  inputs: readonly ContextFile[],
  read: (file: string) => Uint8Array,
): string {
  const h = createHash('sha256');
  h.update(`chaos-image ${name} recipe ${RECIPE_VERSION}\n`);
  for (const f of [...inputs].sort((a, b) => (a.to < b.to ? -1 : a.to > b.to ? 1 : 0))) {
    const bytes = read(f.from);
    h.update(`${f.to}\0${bytes.length}\0`);
    h.update(bytes);
  }
  return h.digest('hex');
}

export function imageTag(name: ImageName, hash: string): string {
  return `chaos/${name}:${hash.slice(0, 12)}`;
}

// ---------------------------------------------------------------------------------------------
// File system: collecting inputs and staging the context.

function walk(dir: string, filter: (rel: string) => boolean = () => true): string[] {
  const out: string[] = [];
  const rec = (rel: string) => {
    for (const e of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (!filter(r)) continue;
      if (e.isDirectory()) rec(r);
      else if (e.isFile()) out.push(r);
    }
  };
  rec('');
  return out.sort();
}

interface ImagePlan {
  name: ImageName;
  /** Files that decide the tag. */
  inputs: ContextFile[];
  /** Files copied into the context. */
  context: ContextFile[];
}

const REQUIRED_DIST = ['src/daemon/main.js', 'src/shop/main.js', 'src/prober/main.js'];

export function assertDist(rootDir: string): void {
  const missing = REQUIRED_DIST.filter((f) => !fs.existsSync(path.join(rootDir, 'dist', f)));
  if (missing.length > 0)
    throw new ChaosError(
      'DIST_MISSING',
      `The images copy the compiled JS, but ${missing
        .map((f) => `dist/${f}`)
        .join(
          ', ',
        )} ${missing.length === 1 ? 'is' : 'are'} missing in ${rootDir}: run \`npm run build\``,
    );
}

function planImage(rootDir: string, recipe: ImageRecipe, lock: PackageLock): ImagePlan {
  const dockerDir = path.join(rootDir, 'docker', recipe.name);
  if (!fs.existsSync(path.join(dockerDir, 'Dockerfile')))
    throw new ChaosError('IMAGE_BUILD_FAILED', `No Dockerfile in ${dockerDir}`);
  const own = walk(dockerDir).map((rel) => ({ from: path.join(dockerDir, rel), to: rel }));
  if (!recipe.app) return { name: recipe.name, inputs: own, context: own };

  const distDir = path.join(rootDir, 'dist', 'src');
  const dist = walk(distDir, (rel) => !rel.endsWith('.d.ts')).map((rel) => ({
    from: path.join(distDir, rel),
    to: `chaos/dist/src/${rel}`,
  }));
  const pkg = { from: path.join(rootDir, 'package.json'), to: 'chaos/package.json' };
  const lockFile = { from: path.join(rootDir, 'package-lock.json'), to: 'package-lock.json' };

  const roots = APP_MODULES.filter((m) => !recipe.withoutModules.includes(m));
  const modules: ContextFile[] = [];
  for (const modPath of dependencyClosure(lock, roots)) {
    const abs = path.join(rootDir, modPath);
    if (!fs.existsSync(abs))
      throw new ChaosError('NODE_MODULES_MISSING', `${abs} is missing: run \`npm ci\``);
    // A native addon's build/ was compiled for the host's Node: the image compiles its own.
    const native = fs.existsSync(path.join(abs, 'binding.gyp'));
    const skip = (r: string) =>
      r === 'node_modules' || r.startsWith('node_modules/') || (native && /^build(\/|$)/.test(r));
    for (const rel of walk(abs, (r) => !skip(r)))
      modules.push({ from: path.join(abs, rel), to: `chaos/${modPath}/${rel}` });
  }
  return {
    name: recipe.name,
    inputs: [...own, ...dist, pkg, lockFile],
    context: [...own, ...dist, pkg, ...modules],
  };
}

function stageContext(plan: ImagePlan): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `chaos-image-${plan.name}-`));
  for (const f of plan.context) {
    const dest = path.join(dir, f.to);
    fs.mkdirSync(path.dirname(dest), { recursive: true });
    fs.copyFileSync(f.from, dest);
    fs.chmodSync(dest, fs.statSync(f.from).mode & 0o777);
  }
  return dir;
}

interface PlannedImage {
  recipe: ImageRecipe;
  plan: ImagePlan;
  hash: string;
  tag: string;
}

/** Each image's inputs, hash and tag, from the files alone (DIST_MISSING without dist/). */
function plannedImages(rootDir: string, only?: readonly ImageName[]): PlannedImage[] {
  assertDist(rootDir);
  const lock = JSON.parse(
    fs.readFileSync(path.join(rootDir, 'package-lock.json'), 'utf8'),
  ) as PackageLock;
  return IMAGE_RECIPES.filter((r) => !only || only.includes(r.name)).map((recipe) => {
    const plan = planImage(rootDir, recipe, lock);
    const hash = inputsHash(recipe.name, plan.inputs, (f) => fs.readFileSync(f));
    return { recipe, plan, hash, tag: imageTag(recipe.name, hash) };
  });
}

/**
 * The tags ensureImages() would use (and build when the engine lacks them), read from the
 * checkout's files without asking any engine: what `chaos run --dry-run` shows.
 */
export function labImageTags(rootDir: string): LabImages {
  const tags = new Map(plannedImages(rootDir).map((p) => [p.recipe.name, p.tag]));
  return {
    web: tags.get('web') ?? '',
    mysql: tags.get('mysql') ?? '',
    prober: tags.get('prober') ?? '',
  };
}

// ---------------------------------------------------------------------------------------------
// Docker (one build: image-build.ts).

/** Builds of each image kept after a build: the newest, so that a few checkouts side by side
 * (or going back a commit) do not rebuild, while old builds do not pile up (about 300 MB each
 * for the web image, less what they share). */
export const KEEP_IMAGE_BUILDS = 3;

export interface ImageBuild {
  /** Its chaos/NAME:HASH tags. */
  tags: string[];
  /** Seconds since the epoch. */
  created: number;
}

/**
 * Builds younger than this are never removed: another checkout's run may be between two labs
 * (no container holds its image then) and would find its image gone.
 */
export const PRUNE_GRACE_SECONDS = 3600;

/**
 * The tags of the builds beyond the newest `keep`, never `current` nor one created less than
 * `graceSeconds` before `now` (seconds since the epoch). Pure.
 */
export function buildsToPrune(
  builds: readonly ImageBuild[],
  current: string,
  now: number,
  keep = KEEP_IMAGE_BUILDS,
  graceSeconds = PRUNE_GRACE_SECONDS,
): string[] {
  const newest = builds.filter((b) => b.tags.length > 0).sort((a, b) => b.created - a.created);
  const kept = new Set(
    [newest.find((b) => b.tags.includes(current)), ...newest]
      .filter((b): b is ImageBuild => b !== undefined)
      .filter((b, i, all) => all.indexOf(b) === i)
      .slice(0, keep),
  );
  return newest
    .filter((b) => !kept.has(b) && now - b.created >= graceSeconds)
    .flatMap((b) => b.tags);
}

/**
 * Removes the builds of `name` beyond the newest KEEP_IMAGE_BUILDS and older than an hour. An
 * image a container still uses is left alone (the engine refuses: 409); any other failure is reported and skipped, never
 * failing the build that just succeeded. Returns the tags removed.
 */
export async function pruneOldBuilds(
  docker: Dockerode,
  name: ImageName,
  current: string,
  progress: (line: string) => void = () => undefined,
  now: () => number = () => systemClock.now(),
): Promise<string[]> {
  let builds: ImageBuild[];
  try {
    const images = await docker.listImages({ filters: { label: [`${IMAGE_LABEL}=${name}`] } });
    builds = images.map((i) => ({
      tags: (i.RepoTags ?? []).filter((t) => t.startsWith(`chaos/${name}:`)),
      created: i.Created,
    }));
  } catch (error) {
    progress(`${name}: could not list old builds: ${errorText(error)}`);
    return [];
  }
  const removed: string[] = [];
  for (const tag of buildsToPrune(builds, current, now() / 1000)) {
    try {
      await docker.getImage(tag).remove();
      removed.push(tag);
    } catch (error) {
      const status = (error as { statusCode?: number }).statusCode;
      if (status !== 409 && status !== 404)
        progress(`${name}: could not remove ${tag}: ${errorText(error)}`);
    }
  }
  if (removed.length > 0)
    progress(`${name}: removed ${removed.length} old build(s): ${removed.join(', ')}`);
  return removed;
}

/**
 * Makes sure the three images exist; builds those whose tag (input hash) is missing, or all
 * with `rebuild`, then removes builds beyond the newest KEEP_IMAGE_BUILDS. Throws DIST_MISSING without dist/, IMAGE_BUILD_FAILED (with the last 20
 * lines of output, and where the full log is) when a build fails.
 */
export async function ensureImages(opts: EnsureImagesOptions): Promise<LabImages> {
  const { docker, rootDir } = opts;
  const progress = opts.progress ?? (() => undefined);
  const now = opts.now ?? (() => systemClock.now());
  const tags: Partial<LabImages> = {};
  for (const { recipe, plan, hash, tag } of plannedImages(rootDir, opts.only)) {
    tags[recipe.name] = tag;
    if (!opts.rebuild && (await imageExists(docker, tag))) {
      progress(`${recipe.name}: using ${tag}`);
      continue;
    }
    const logFile = buildLogPath(opts.logDir ?? os.tmpdir(), recipe.name, hash);
    progress(`${recipe.name}: building ${tag} (log: ${logFile})`);
    const started = now();
    const contextDir = stageContext(plan);
    try {
      await buildImage({
        docker,
        contextDir,
        name: recipe.name,
        tag,
        hash,
        noCache: opts.noCache ?? false,
        progress,
        verbose: opts.verbose ?? false,
        now,
        logFile,
      });
    } finally {
      fs.rmSync(contextDir, { recursive: true, force: true });
    }
    progress(`${recipe.name}: built ${tag} in ${((now() - started) / 1000).toFixed(1)} s`);
    await pruneOldBuilds(docker, recipe.name, tag, progress, now);
  }
  return {
    web: tags.web ?? '',
    mysql: tags.mysql ?? '',
    prober: tags.prober ?? '',
  };
}
