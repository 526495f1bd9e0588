/**
 * The keepalived.conf lexer, following keepalived 2.2.7 `lib/parser.c` (`decomment()`,
 * `read_line()`, `alloc_strvec_r()`):
 *
 * - `!` and `#` start a comment that runs to the end of the line, anywhere outside a quoted
 *   string, even in the middle of a word (`foo#bar` is the word `foo`). `\#` and `\!` are a
 *   literal `#` / `!`.
 * - A double-quoted string is one word without its quotes and may hold spaces, braces, `#`.
 *   A quote also ends the word before it (`a"b c"` is `a`, `b c`). Single quotes are ordinary
 *   characters here (keepalived only honours them when it re-splits a script command line).
 * - `{` and `}` are tokens of their own wherever they appear outside quotes: keepalived splits the
 *   line at each brace, so `virtual_ipaddress { 1.2.3.4 }` and `1.2.3.4}` both work.
 * - A line whose first word is `include` (and that holds no brace) is an include directive; it is
 *   returned as one `include` token carrying the path, which `include.ts` resolves.
 *
 * Pure: text in, tokens and diagnostics out.
 */
import type { Diagnostic } from '../errors';
import { DiagnosticSink } from './diagnostics';
import type { Position } from './diagnostics';

export type TokenKind = 'word' | 'open' | 'close' | 'include';

export interface Token extends Position {
  kind: TokenKind;
  /** The word without quotes; `{` / `}` for braces; the path for an include. */
  text: string;
  /** The word was written in double quotes. */
  quoted: boolean;
}

export interface LexResult {
  tokens: Token[];
  diagnostics: Diagnostic[];
}

const WHITE_SPACE = new Set([' ', '\t', '\f', '\v', '\r']);

export function tokenize(text: string, file: string): LexResult {
  const sink = new DiagnosticSink();
  const tokens: Token[] = [];
  const lines = text.split('\n');
  lines.forEach((raw, index) => {
    const lineTokens = lexLine(raw, file, index + 1, sink);
    tokens.push(...includeDirective(lineTokens, sink));
  });
  return { tokens, diagnostics: sink.items };
}

/** Turn `include PATH` into one include token; leave every other line as it is. */
function includeDirective(lineTokens: Token[], sink: DiagnosticSink): Token[] {
  const first = lineTokens[0];
  if (!first || first.kind !== 'word' || first.quoted || first.text !== 'include')
    return lineTokens;
  if (lineTokens.some((t) => t.kind !== 'word')) return lineTokens;
  const path = lineTokens[1];
  if (lineTokens.length !== 2 || !path) {
    sink.error(first, `include needs exactly one path, got ${lineTokens.length - 1}`);
    return [];
  }
  return [{ ...first, kind: 'include', text: path.text, quoted: path.quoted }];
}

function lexLine(raw: string, file: string, line: number, sink: DiagnosticSink): Token[] {
  const tokens: Token[] = [];
  let word: { col: number; text: string } | null = null;
  const flush = (): void => {
    if (word)
      tokens.push({ kind: 'word', text: word.text, file, line, col: word.col, quoted: false });
    word = null;
  };
  const append = (ch: string, index: number): void => {
    if (word) word.text += ch;
    else word = { col: index + 1, text: ch };
  };

  let i = 0;
  while (i < raw.length) {
    const ch = raw.charAt(i);
    const next = raw.charAt(i + 1);
    if (WHITE_SPACE.has(ch)) {
      flush();
      i++;
    } else if (ch === '#' || ch === '!') {
      break; // comment to the end of the line
    } else if (ch === '\\' && (next === '#' || next === '!')) {
      append(next, i);
      i += 2;
    } else if (ch === '"') {
      flush();
      const close = raw.indexOf('"', i + 1);
      if (close === -1) {
        sink.error({ file, line, col: i + 1 }, 'unterminated quoted string (missing closing ")');
        tokens.push({ kind: 'word', text: raw.slice(i + 1), file, line, col: i + 1, quoted: true });
        i = raw.length;
      } else {
        tokens.push({
          kind: 'word',
          text: raw.slice(i + 1, close),
          file,
          line,
          col: i + 1,
          quoted: true,
        });
        i = close + 1;
      }
    } else if (ch === '{' || ch === '}') {
      flush();
      tokens.push({
        kind: ch === '{' ? 'open' : 'close',
        text: ch,
        file,
        line,
        col: i + 1,
        quoted: false,
      });
      i++;
    } else {
      append(ch, i);
      i++;
    }
  }
  flush();
  return tokens;
}
