/**
 * Where config text comes from. The parser only sees this interface; `fs-source.ts` reads the
 * real file system, `memorySource` serves a map of files (tests, generated configs).
 * Paths are POSIX paths, as keepalived's.
 */
import path from 'node:path';
import { expandGlob } from './glob';
import type { DirEntry } from './glob';

export interface ConfigSource {
  /** The text of a regular file, or undefined when there is none at that path. */
  readFile(file: string): string | undefined;
  /** The regular files a pattern (relative to baseDir unless absolute) matches, sorted. */
  glob(pattern: string, baseDir: string): string[];
}

/** A source over an in-memory map of path -> text. */
export function memorySource(files: Readonly<Record<string, string>>): ConfigSource {
  const byPath = new Map<string, string>();
  for (const [file, text] of Object.entries(files)) byPath.set(path.posix.normalize(file), text);

  const listDir = (dir: string): DirEntry[] | undefined => {
    const normal = path.posix.normalize(dir);
    const prefix = normal === '.' ? '' : normal.endsWith('/') ? normal : `${normal}/`;
    const entries = new Map<string, boolean>();
    for (const file of byPath.keys()) {
      if (!file.startsWith(prefix)) continue;
      const [name, ...rest] = file.slice(prefix.length).split('/');
      if (!name) continue;
      entries.set(name, (entries.get(name) ?? false) || rest.length > 0);
    }
    if (entries.size === 0) return undefined;
    return [...entries].map(([name, isDir]) => ({ name, isDir }));
  };

  return {
    readFile: (file) => byPath.get(path.posix.normalize(file)),
    glob: (pattern, baseDir) => expandGlob(pattern, baseDir, listDir),
  };
}
