/**
 * keepalived's include checks (lib/parser.h include_t, lib/parser.c include_check_set()): which
 * problems of an include are errors rather than log lines. The `include` variants add checks for
 * their own line (`includem` = read + match, ...); `include_check` in global_defs sets them for
 * the includes that follow, in the file it is in and the files those include (keepalived saves the
 * setting when it opens a file and restores it when the file ends).
 *
 * `include_check` alone turns every check on; `include_check read match` sets exactly those (read
 * is always implied); `+match` / `-match` add or remove one. The names are the code's: `read`,
 * `match`, `wildcard_match`, `brace_match`.
 *
 * Pure.
 */

export interface IncludeChecks {
  /** A matched name is not a readable regular file (never seen here: a ConfigSource only yields regular files). */
  read: boolean;
  /** No file matches a name without wildcards. */
  match: boolean;
  /** No file matches a name with wildcards. */
  wildcard: boolean;
  /** A brace alternative (`{a,b}`) names no file. */
  brace: boolean;
}

export const NO_CHECKS: IncludeChecks = {
  read: false,
  match: false,
  wildcard: false,
  brace: false,
};
const ALL_CHECKS: IncludeChecks = { read: true, match: true, wildcard: true, brace: true };

const NAMES: Record<string, keyof IncludeChecks> = {
  read: 'read',
  match: 'match',
  wildcard_match: 'wildcard',
  brace_match: 'brace',
};

export function unionChecks(a: IncludeChecks, b: IncludeChecks): IncludeChecks {
  return {
    read: a.read || b.read,
    match: a.match || b.match,
    wildcard: a.wildcard || b.wildcard,
    brace: a.brace || b.brace,
  };
}

/** The checks after `include_check WORDS...`, and the words keepalived rejects (and ignores). */
export function applyIncludeCheck(
  current: IncludeChecks,
  words: readonly string[],
): { checks: IncludeChecks; ignored: string[] } {
  if (words.length === 0) return { checks: { ...ALL_CHECKS }, ignored: [] };
  let checks = { ...current };
  const ignored: string[] = [];
  words.forEach((word, i) => {
    const sign = word.startsWith('+') || word.startsWith('-') ? word.charAt(0) : '';
    if (sign === '' && i > 0) {
      ignored.push(`duplicate include_check '${word}' (ignored)`);
      return;
    }
    const key = NAMES[sign ? word.slice(1) : word];
    if (!key) {
      ignored.push(`unknown include_check type '${sign ? word.slice(1) : word}' (ignored)`);
      if (sign === '') checks = { ...NO_CHECKS };
      return;
    }
    if (sign === '') checks = { ...NO_CHECKS, read: true, [key]: true };
    else checks[key] = sign === '+';
  });
  return { checks, ignored };
}
