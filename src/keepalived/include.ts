/**
 * Reads a config file and splices in its includes, giving one token stream in which every token
 * still names its own file, line and column.
 *
 * keepalived resolves an include relative to the directory of the file that includes it (it
 * chdir()s there while reading it), and a glob's matches are read in sorted order. An include may
 * appear anywhere, even inside a block: it is a textual splice. keepalived 2.2.7's plain `include`
 * only logs when nothing matches; we report a glob that matches nothing as a warning and a missing
 * literal file as an error (what keepalived does with `includem` / `include_check`), because a
 * mistyped file name is almost always a mistake. keepalived does not detect include cycles (it
 * recurses until it runs out of file descriptors); we report them.
 */
import path from 'node:path';
import { InputError } from '../errors';
import type { Diagnostic } from '../errors';
import { DiagnosticSink } from './diagnostics';
import { hasGlobMagic } from './glob';
import { tokenize } from './lexer';
import type { Token } from './lexer';
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
export function loadTokens(entry: string, source: ConfigSource): LoadedTokens {
  const file = path.posix.normalize(entry);
  const text = source.readFile(file);
  if (text === undefined) {
    throw new InputError('CONF_NOT_FOUND', `keepalived config not found: ${entry}`);
  }
  return tokensFromText(text, file, source);
}

/** Tokenize text that claims to be `file`, resolving its includes through `source`. */
export function tokensFromText(text: string, file: string, source: ConfigSource): LoadedTokens {
  const state: ExpandState = { source, sink: new DiagnosticSink(), tokens: [], files: [file] };
  expand(text, file, [file], state);
  return { tokens: state.tokens, diagnostics: state.sink.items, files: state.files };
}

interface ExpandState {
  source: ConfigSource;
  sink: DiagnosticSink;
  tokens: Token[];
  files: string[];
}

function expand(text: string, file: string, stack: readonly string[], state: ExpandState): void {
  const lexed = tokenize(text, file);
  state.sink.addAll(lexed.diagnostics);
  for (const token of lexed.tokens) {
    if (token.kind === 'include') includeFiles(token, file, stack, state);
    else state.tokens.push(token);
  }
}

function includeFiles(
  token: Token,
  file: string,
  stack: readonly string[],
  state: ExpandState,
): void {
  const { source, sink } = state;
  const pattern = token.text;
  const baseDir = path.posix.dirname(file);
  const magic = hasGlobMagic(pattern);
  const targets = magic ? source.glob(pattern, baseDir) : [resolvePath(pattern, baseDir)];
  if (magic && targets.length === 0) {
    sink.warn(token, `include ${pattern}: no files match (nothing included)`);
  }
  for (const target of targets) {
    if (stack.includes(target)) {
      const cycle = [...stack.slice(stack.indexOf(target)), target];
      sink.error(token, `include cycle: ${cycle.join(' -> ')}`);
      continue;
    }
    if (stack.length >= MAX_INCLUDE_DEPTH) {
      sink.error(
        token,
        `include ${pattern}: includes nested deeper than ${MAX_INCLUDE_DEPTH} files`,
      );
      continue;
    }
    const text = source.readFile(target);
    if (text === undefined) {
      if (!magic) sink.error(token, `include ${pattern}: file not found: ${target}`);
      continue;
    }
    if (!state.files.includes(target)) state.files.push(target);
    expand(text, target, [...stack, target], state);
  }
}

function resolvePath(pattern: string, baseDir: string): string {
  return path.posix.isAbsolute(pattern)
    ? path.posix.normalize(pattern)
    : path.posix.join(baseDir, pattern);
}
