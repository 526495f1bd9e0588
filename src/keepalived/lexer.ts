/**
 * keepalived.conf words, as keepalived 2.2.7's `alloc_strvec_r()` splits a line that its line
 * reader (preprocess.ts: comments, `@id`, parameters, `~SEQ`, includes, braces) has produced:
 *
 * - Words are separated by blanks. A double-quoted string is one word without its quotes and may
 *   hold spaces, braces, `#`; a quote also ends the word before it (`a"b c"` is `a`, `b c`).
 *   Single quotes are ordinary characters (keepalived only honours them when it re-splits a
 *   script command line).
 * - `{` and `}` reach here as lines of their own (the reader splits a line at each brace outside
 *   quotes), so `virtual_ipaddress { 1.2.3.4 }` and `1.2.3.4}` both work.
 * - Every token carries the place its first character was written and the logical line it is on
 *   (`lineId`): two copies of one `~SEQ` line are two statements though they share a line number.
 *   A token made from an expanded parameter is placed at the `$NAME` use and carries the
 *   expansions (`via`) and where the value was written (`definedAt`), for messages.
 *
 * Pure: text in, tokens and diagnostics out.
 */
import type { Diagnostic } from '../errors';
import { DiagnosticSink } from './diagnostics';
import type { Position } from './diagnostics';
import { isBlank } from './mapped-text';
import type { Expansion, MappedText } from './mapped-text';
import { ConfigPreprocessor } from './preprocess';
import type { PreprocessOptions } from './preprocess';

export type TokenKind = 'word' | 'open' | 'close' | 'include';

export interface Token extends Position {
  kind: TokenKind;
  /** The word without quotes; `{` / `}` for braces; the path for an include. */
  text: string;
  /** The word was written in double quotes. */
  quoted: boolean;
  /** The logical line the token is on; words of one statement share it. */
  lineId: number;
  /** The parameter expansions (outermost first) that produced (part of) this token. */
  via?: readonly Expansion[];
  /** Where the expanded text was written (in a definition, or the `~SEQ` line). */
  definedAt?: Position;
}

export interface LexResult {
  tokens: Token[];
  diagnostics: Diagnostic[];
}

/** Tokenize one file's text; include directives stay include tokens (include.ts resolves them). */
export function tokenize(text: string, file: string, options: PreprocessOptions = {}): LexResult {
  const sink = new DiagnosticSink();
  const tokens: Token[] = [];
  let lineId = 0;
  const reader = new ConfigPreprocessor(options, sink, {
    line: (line) => tokens.push(...splitLine(line, ++lineId, sink)),
    include: (d) =>
      tokens.push({ ...d.at, kind: 'include', text: d.path, quoted: false, lineId: ++lineId }),
  });
  reader.readFile(text, file);
  return { tokens, diagnostics: sink.items };
}

/** One logical line from the reader as tokens. */
export function splitLine(line: MappedText, lineId: number, sink: DiagnosticSink): Token[] {
  const s = line.text;
  if (s === '{' || s === '}')
    return [tokenOf(line, 0, 1, s === '{' ? 'open' : 'close', s, false, lineId)];
  const tokens: Token[] = [];
  let i = 0;
  while (i < s.length) {
    if (isBlank(s.charAt(i))) {
      i++;
      continue;
    }
    if (s.charAt(i) === '"') {
      const close = s.indexOf('"', i + 1);
      const end = close === -1 ? s.length : close;
      if (close === -1)
        sink.error(line.originAt(i), 'unterminated quoted string (missing closing ")');
      tokens.push(tokenOf(line, i, end + 1, 'word', s.slice(i + 1, end), true, lineId));
      i = end + 1;
      continue;
    }
    let end = i;
    while (end < s.length && !isBlank(s.charAt(end)) && s.charAt(end) !== '"') end++;
    tokens.push(tokenOf(line, i, end, 'word', s.slice(i, end), false, lineId));
    i = end;
  }
  return tokens;
}

function tokenOf(
  line: MappedText,
  start: number,
  end: number,
  kind: TokenKind,
  text: string,
  quoted: boolean,
  lineId: number,
): Token {
  const first = line.originAt(start);
  const place = first.via?.[0]?.use ?? first;
  const token: Token = {
    kind,
    text,
    quoted,
    lineId,
    file: place.file,
    line: place.line,
    col: place.col,
  };
  const expanded = line.at.slice(start, Math.max(end, start + 1)).find((o) => o.via?.length);
  if (expanded?.via) {
    token.via = expanded.via;
    token.definedAt = { file: expanded.file, line: expanded.line, col: expanded.col };
  }
  return token;
}
