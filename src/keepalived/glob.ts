/**
 * The part of glob(3) that keepalived's `include` relies on: `*`, `?` and `[...]` in any path
 * segment, matches sorted, directories left out (keepalived globs with GLOB_MARK and skips names
 * ending in `/`), and csh brace expansion (`{a,b}`, nested, as GLOB_BRACE) done first by
 * `expandBraces`. Pure: directory listings come from the `listDir` the caller gives.
 */
import path from 'node:path';

export interface DirEntry {
  name: string;
  isDir: boolean;
}

/** Entries of a directory, or undefined when it is not a readable directory. */
export type ListDir = (dir: string) => readonly DirEntry[] | undefined;

/**
 * `a{b,c{d,e}}f` -> [abf, acdf, acef], in order, as glob(3) with GLOB_BRACE. A brace without a
 * matching close, or `{}`, is literal. A backslash escapes the character after it.
 */
export function expandBraces(pattern: string): string[] {
  const open = findUnescaped(pattern, '{', 0);
  if (open === -1) return [pattern];
  let depth = 0;
  const commas: number[] = [];
  for (let i = open; i < pattern.length; i++) {
    const ch = pattern.charAt(i);
    if (ch === '\\') i++;
    else if (ch === '{') depth++;
    else if (ch === ',' && depth === 1) commas.push(i);
    else if (ch === '}' && --depth === 0) {
      if (i === open + 1) break; // `{}` is literal
      const head = pattern.slice(0, open);
      const tail = pattern.slice(i + 1);
      const cuts = [open, ...commas, i];
      return cuts
        .slice(1)
        .flatMap((cut, k) =>
          expandBraces(`${head}${pattern.slice((cuts[k] ?? open) + 1, cut)}${tail}`),
        );
    }
  }
  return [pattern];
}

function findUnescaped(s: string, ch: string, from: number): number {
  for (let i = from; i < s.length; i++) {
    if (s.charAt(i) === '\\') i++;
    else if (s.charAt(i) === ch) return i;
  }
  return -1;
}

/** true when the string holds a glob metacharacter. */
export function hasGlobMagic(pattern: string): boolean {
  return /[*?[]/.test(pattern);
}

/** One path segment's pattern as an anchored regular expression. */
export function segmentToRegExp(segment: string): RegExp {
  let source = '';
  let i = 0;
  while (i < segment.length) {
    const ch = segment.charAt(i);
    if (ch === '*') {
      source += '[^/]*';
      i++;
    } else if (ch === '?') {
      source += '[^/]';
      i++;
    } else if (ch === '[') {
      const cls = readClass(segment, i);
      if (cls) {
        source += cls.source;
        i = cls.end;
      } else {
        source += '\\[';
        i++;
      }
    } else {
      source += escapeRegExp(ch);
      i++;
    }
  }
  return new RegExp(`^${source}$`);
}

/** `[abc]`, `[a-z]`, `[!x]` / `[^x]`; a `]` right after the opening bracket is literal. */
function readClass(segment: string, start: number): { source: string; end: number } | null {
  let i = start + 1;
  let negate = false;
  const first = segment.charAt(i);
  if (first === '!' || first === '^') {
    negate = true;
    i++;
  }
  let body = '';
  let firstInClass = true;
  while (i < segment.length) {
    const ch = segment.charAt(i);
    if (ch === ']' && !firstInClass) {
      return { source: `[${negate ? '^' : ''}${body}]`, end: i + 1 };
    }
    body +=
      ch === '-' && !firstInClass && segment.charAt(i + 1) !== ']' ? '-' : escapeClassChar(ch);
    firstInClass = false;
    i++;
  }
  return null;
}

function escapeRegExp(ch: string): string {
  return /[.*+?^${}()|[\]\\/]/.test(ch) ? `\\${ch}` : ch;
}

function escapeClassChar(ch: string): string {
  return /[\]\\^-]/.test(ch) ? `\\${ch}` : ch;
}

/**
 * Expand `pattern` (relative to `baseDir` unless absolute) to the regular files it names, sorted.
 * A pattern without metacharacters yields itself, whether or not the file exists: the caller
 * finds out when it reads it (keepalived treats a missing literal file and an empty glob match
 * differently).
 */
export function expandGlob(pattern: string, baseDir: string, listDir: ListDir): string[] {
  const full = path.posix.isAbsolute(pattern)
    ? path.posix.normalize(pattern)
    : path.posix.join(baseDir, pattern);
  if (!hasGlobMagic(pattern)) return [full];
  const root = full.startsWith('/') ? '/' : '.';
  const segments = full.split('/').filter((s) => s !== '' && s !== '.');
  let candidates: { path: string; isDir: boolean }[] = [{ path: root, isDir: true }];
  segments.forEach((segment, index) => {
    const last = index === segments.length - 1;
    const next: { path: string; isDir: boolean }[] = [];
    for (const dir of candidates) {
      if (!hasGlobMagic(segment)) {
        // A literal directory on the way is taken on trust; listing it later tells.
        if (!last) next.push({ path: path.posix.join(dir.path, segment), isDir: true });
        else {
          const entry = (listDir(dir.path) ?? []).find((e) => e.name === segment);
          if (entry) next.push({ path: path.posix.join(dir.path, segment), isDir: entry.isDir });
        }
        continue;
      }
      const re = segmentToRegExp(segment);
      for (const entry of listDir(dir.path) ?? []) {
        // As glob(3): a wildcard never matches a leading dot.
        if (entry.name.startsWith('.') && !segment.startsWith('.')) continue;
        if (!re.test(entry.name)) continue;
        if (last || entry.isDir) {
          next.push({ path: path.posix.join(dir.path, entry.name), isDir: entry.isDir });
        }
      }
    }
    candidates = next;
  });
  return candidates
    .filter((c) => !c.isDir)
    .map((c) => c.path)
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}
