/**
 * The shipped files the fuzz targets mutate, read from a checkout (the only I/O of seeding). Each
 * is named by an absolute path under `/chaos`, as if the checkout were there, so that the paths
 * a file names resolve to the other seeds (the loaders resolve them to absolute paths).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { SeedFile, Seeds } from './targets';

export const SEED_ROOT = '/chaos';

function read(root: string, dir: string, ext: string): SeedFile[] {
  const full = path.join(root, dir);
  if (!fs.existsSync(full)) return [];
  return fs
    .readdirSync(full)
    .filter((f) => f.endsWith(ext))
    .sort()
    .map((f) => ({
      file: path.posix.join(SEED_ROOT, dir, f),
      text: fs.readFileSync(path.join(full, f), 'utf8'),
    }));
}

/** scenarios/, labs/ and bench/labs/, test/fixtures/keepalived/ and the configs they name. */
export function loadSeeds(root: string): Seeds {
  const seeds: Seeds = {
    scenarios: read(root, 'scenarios', '.yaml'),
    labs: [...read(root, 'labs', '.yaml'), ...read(root, 'bench/labs', '.yaml')],
    confs: [
      ...read(root, 'test/fixtures/keepalived', '.conf'),
      ...read(root, 'scenarios/configs', '.conf'),
      ...read(root, 'labs', '.conf'),
      ...read(root, 'bench/labs', '.conf'),
    ],
  };
  for (const [kind, files] of Object.entries(seeds))
    if ((files as SeedFile[]).length === 0) throw new Error(`no ${kind} to fuzz under ${root}`);
  return seeds;
}
