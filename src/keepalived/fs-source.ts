/**
 * ConfigSource over the real file system: the only file I/O of src/keepalived. Like keepalived
 * (lib/parser.c check_glob_file()), only regular files are read; a directory or a missing path
 * reads as "no file".
 */
import fs from 'node:fs';
import os from 'node:os';
import { expandGlob } from './glob';
import type { DirEntry } from './glob';
import type { PreprocessOptions } from './preprocess';
import type { ConfigSource } from './source';

function listDir(dir: string): DirEntry[] | undefined {
  try {
    return fs.readdirSync(dir, { withFileTypes: true }).map((e) => ({
      name: e.name,
      // Follow symlinks, as glob(3) does.
      isDir: e.isDirectory() || (e.isSymbolicLink() && isDirectory(`${dir}/${e.name}`)),
    }));
  } catch {
    return undefined;
  }
}

function isDirectory(file: string): boolean {
  try {
    return fs.statSync(file).isDirectory();
  } catch {
    return false;
  }
}

export function fsSource(): ConfigSource {
  return {
    readFile(file) {
      try {
        if (!fs.statSync(file).isFile()) return undefined;
        return fs.readFileSync(file, 'utf8');
      } catch {
        return undefined;
      }
    },
    glob: (pattern, baseDir) => expandGlob(pattern, baseDir, listDir),
  };
}

/**
 * The reader's options on this host, as keepalived's: the config id (`-i`) defaults to the node
 * name up to its first dot (keepalived main.c), and `${_RANDOM}` is random.
 */
export function hostPreprocessOptions(configId?: string): PreprocessOptions {
  return {
    configId: configId ?? os.hostname().split('.')[0] ?? '',
    random: (min, max) => min + Math.floor(Math.random() * (max - min + 1)),
  };
}
