/**
 * Reads a config file and splices in its includes, giving one token stream in which every token
 * still names its own file, line and column.
 *
 * Parameters, conditional lines and sequences (preprocess.ts) run across the files: a definition
 * made before an include is in effect inside it, and the include line itself may use them.
 *
 * keepalived resolves an include relative to the directory of the file that includes it (it
 * chdir()s there while reading it), and a glob's matches are read in sorted order. An include may
 * appear anywhere, even inside a block: it is a textual splice. keepalived 2.2.7's plain `include`
 * only logs when nothing matches; we report a glob that matches nothing as a warning and a missing
 * literal file as an error (what keepalived does with `includem` / `include_check`), because a
 * mistyped file name is almost always a mistake. The variants make more an error, as keepalived's
 * include_check bits do: `includem` a missing file, `includew` also a glob matching nothing,
 * `includeb` a missing file of a brace expansion (`{a,b}.conf`), `includea` all of them;
 * `includer` makes none (a missing file is a warning). `include_check` in global_defs adds checks
 * for the includes after it (include-check.ts); the keyword stays in the token stream, where
 * global_defs accepts it. keepalived does not detect include cycles (it
 * recurses until it runs out of file descriptors); we report them.
 */
import path from 'node:path';
import { InputError } from '../errors';
import type { Diagnostic } from '../errors';
import { DiagnosticSink } from './diagnostics';
import { expandBraces, hasGlobMagic } from './glob';
import { NO_CHECKS, applyIncludeCheck, unionChecks } from './include-check';
import type { IncludeChecks } from './include-check';
import { splitLine } from './lexer';
import type { Token } from './lexer';
import { ConfigPreprocessor } from './preprocess';
import type { IncludeDirective, IncludeVariant, PreprocessOptions } from './preprocess';
import type { ConfigSource } from './source';

/** Deeper than this is a cycle we could not see through differently spelled paths. */
export const MAX_INCLUDE_DEPTH = 32;

export interface LoadedTokens {
  tokens: Token[];
  diagnostics: Diagnostic[];
  /** Every file read, in the order first read; the entry file first. */
  files: string[];
}

/** Read `entry` and everything it includes. Throws CONF_NOT_FOUND when `entry` does not exist. */
export function loadTokens(
  entry: string,
  source: ConfigSource,
  options: PreprocessOptions = {},
): LoadedTokens {
  const file = path.posix.normalize(entry);
  const text = source.readFile(file);
  if (text === undefined) {
    throw new InputError('CONF_NOT_FOUND', `keepalived config not found: ${entry}`);
  }
  return tokensFromText(text, file, source, options);
}

/** Tokenize text that claims to be `file`, resolving its includes through `source`. */
export function tokensFromText(
  text: string,
  file: string,
  source: ConfigSource,
  options: PreprocessOptions = {},
): LoadedTokens {
  const sink = new DiagnosticSink();
  const tokens: Token[] = [];
  const state: IncludeState = { source, sink, files: [file], stack: [file], checks: NO_CHECKS };
  let lineId = 0;
  state.reader = new ConfigPreprocessor(options, sink, {
    line: (line) => {
      const words = splitLine(line, ++lineId, sink);
      if (words[0]?.text === 'include_check' && !words[0].quoted) includeCheck(words, state);
      tokens.push(...words);
    },
    include: (directive) => includeFiles(directive, state),
  });
  state.reader.readFile(text, file);
  return { tokens, diagnostics: sink.items, files: state.files };
}

interface IncludeState {
  source: ConfigSource;
  sink: DiagnosticSink;
  files: string[];
  /** The files being read, outermost first. */
  stack: string[];
  reader?: ConfigPreprocessor;
  /** The `include_check` setting in force. */
  checks: IncludeChecks;
}

/** What each variant makes an error (keepalived's include_check bits, parser.h). */
const CHECKS: Record<IncludeVariant, IncludeChecks> = {
  // chaos: a missing literal file is an error even for a plain include.
  include: { read: false, match: true, wildcard: false, brace: false },
  includer: { read: true, match: false, wildcard: false, brace: false },
  includem: { read: true, match: true, wildcard: false, brace: false },
  includew: { read: true, match: true, wildcard: true, brace: false },
  includeb: { read: true, match: false, wildcard: false, brace: true },
  includea: { read: true, match: true, wildcard: true, brace: true },
};

function includeFiles(directive: IncludeDirective, state: IncludeState): void {
  const { source, sink } = state;
  const { variant, path: pattern, at } = directive;
  const file = state.stack[state.stack.length - 1] ?? '';
  const baseDir = path.posix.dirname(file);
  const alternatives = expandBraces(pattern);
  const targets: string[] = [];
  const missing: string[] = [];
  for (const alt of alternatives) {
    if (hasGlobMagic(alt)) {
      targets.push(...source.glob(alt, baseDir));
      continue;
    }
    const target = resolvePath(alt, baseDir);
    if (source.readFile(target) === undefined) missing.push(target);
    else targets.push(target);
  }
  const checks = unionChecks(CHECKS[variant], state.checks);
  const report = (isError: boolean, message: string): void => {
    if (isError) sink.error(at, message);
    else sink.warn(at, message);
  };
  const braced = alternatives.length > 1;
  if (targets.length === 0 && missing.length === 0) {
    report(checks.wildcard, `${variant} ${pattern}: no files match (nothing included)`);
  } else if (missing.length > 0 && (targets.length === 0 || braced)) {
    report(
      braced ? checks.brace || (targets.length === 0 && checks.match) : checks.match,
      `${variant} ${pattern}: file not found: ${missing.join(', ')}${quoteHint(pattern)}`,
    );
  }
  for (const target of targets) readIncluded(target, directive, state);
}

/** `include_check ...` takes effect for the includes after it, as keepalived reads it. */
function includeCheck(words: readonly Token[], state: IncludeState): void {
  const [keyword, ...args] = words;
  const { checks, ignored } = applyIncludeCheck(
    state.checks,
    args.map((t) => t.text),
  );
  state.checks = checks;
  // keepalived -t fails on these (CONFIG_GENERAL_ERROR), though it goes on without the word.
  if (keyword)
    for (const message of ignored) state.sink.error(keyword, `include_check: ${message}`);
}

function quoteHint(pattern: string): string {
  return /["\s]/.test(pattern)
    ? ' (keepalived takes the rest of the line as the path, quotes and blanks included)'
    : '';
}

function readIncluded(target: string, directive: IncludeDirective, state: IncludeState): void {
  const { source, sink, stack } = state;
  const { at, path: pattern, variant } = directive;
  if (stack.includes(target)) {
    const cycle = [...stack.slice(stack.indexOf(target)), target];
    sink.error(at, `include cycle: ${cycle.join(' -> ')}`);
    return;
  }
  if (stack.length >= MAX_INCLUDE_DEPTH) {
    sink.error(at, `${variant} ${pattern}: includes nested deeper than ${MAX_INCLUDE_DEPTH} files`);
    return;
  }
  const text = source.readFile(target);
  if (text === undefined) return;
  if (!state.files.includes(target)) state.files.push(target);
  stack.push(target);
  const saved = state.checks;
  state.reader?.readFile(text, target);
  state.checks = saved;
  stack.pop();
}
function resolvePath(pattern: string, baseDir: string): string {
  return path.posix.isAbsolute(pattern)
    ? path.posix.normalize(pattern)
    : path.posix.join(baseDir, pattern);
}
