/**
 * The per-line rewrites of keepalived 2.2.7's reader (lib/parser.c `decomment()`,
 * `check_definition()`, `find_definition()`, `read_line()`'s `@` handling), as pure functions on
 * MappedText. The order they run in, and what is done with their results, is preprocess.ts's.
 *
 * - decomment: leading blanks go; `#` or `!` outside double quotes cuts the rest of the line;
 *   `\#` and `\!` outside quotes lose their backslash; a trailing `\` is kept (it marks a
 *   multiline definition) with the blanks before it removed; trailing blanks go.
 * - `@ID rest` keeps `rest` only when ID is the config id, `@^ID rest` only when it is not; a line
 *   that is only `@ID` is dropped.
 * - `$NAME=VALUE` defines NAME (letters, digits, `_`, not starting with a digit; no blank before
 *   `=`; blanks after it skipped); VALUE ending in `\` starts a multiline definition.
 * - A use is `$NAME` followed by a blank, `,`, `)` or the end of the line, or `${NAME}` anywhere
 *   (`${_RANDOM 1 9}` passes numbers to a built-in). A multiline definition is only expanded when
 *   its use ends the line. An undefined name is left as it is.
 */
import { MappedText, isBlank } from './mapped-text';

export interface Decommented {
  text: MappedText;
}

export function decomment(line: MappedText): Decommented {
  const s = line.text;
  let start = 0;
  while (start < s.length && isBlank(s.charAt(start))) start++;
  const keep: number[] = [];
  let quote = -1;
  let cont = -1;
  let i = start;
  for (; i < s.length; i++) {
    const ch = s.charAt(i);
    if (ch === '"') {
      quote = quote === -1 ? i : -1;
    } else if (ch === '\\') {
      const next = s.charAt(i + 1);
      if (next === '') {
        cont = i;
        break;
      }
      if (quote === -1 && (next === '#' || next === '!')) {
        keep.push(i + 1);
        i++;
        continue;
      }
      keep.push(i, i + 1);
      i++;
      continue;
    } else if (quote === -1 && (ch === '#' || ch === '!')) {
      cont = trailingBackslash(s, i);
      break;
    }
    keep.push(i);
  }
  while (keep.length > 0 && isBlank(s.charAt(keep[keep.length - 1] ?? 0))) keep.pop();
  if (cont !== -1) keep.push(cont);
  const text = new MappedText(
    keep.map((k) => s.charAt(k)).join(''),
    keep.map((k) => line.originAt(k)),
  );
  return { text };
}

/** In a comment keepalived still honours a final lone backslash (pairs such as `\#` are skipped). */
function trailingBackslash(s: string, from: number): number {
  for (let j = from; j < s.length; j++) {
    if (s.charAt(j) !== '\\') continue;
    if (j + 1 === s.length) return j;
    j++;
  }
  return -1;
}

/** `@ID rest` / `@^ID rest`: the rest when the line applies to `configId`, else undefined. */
export function applyCondition(
  line: MappedText,
  configId: string | undefined,
): MappedText | undefined {
  const s = line.text;
  if (!s.startsWith('@')) return line;
  const negated = s.charAt(1) === '^';
  const idStart = negated ? 2 : 1;
  let blank = idStart;
  while (blank < s.length && !isBlank(s.charAt(blank))) blank++;
  if (blank >= s.length) return undefined;
  const matches = configId !== undefined && s.slice(idStart, blank) === configId;
  if (matches === negated) return undefined;
  return line.slice(blank).trim();
}

export interface DefinitionLine {
  name: string;
  /** The value on the definition line, without the blanks after `=` and any trailing `\`. */
  value: MappedText;
  multiline: boolean;
}

const NAME_START = /[A-Za-z_]/;
const NAME_CHAR = /[A-Za-z0-9_]/;

/** `$NAME=VALUE`, or undefined when the line is not a definition. */
export function parseDefinition(line: MappedText): DefinitionLine | undefined {
  const s = line.text;
  if (s.charAt(0) !== '$' || !NAME_START.test(s.charAt(1))) return undefined;
  let p = 2;
  while (p < s.length && s.charAt(p) !== '=') {
    if (!NAME_CHAR.test(s.charAt(p))) return undefined;
    p++;
  }
  if (p >= s.length) return undefined;
  let value = line.slice(p + 1);
  let lead = 0;
  while (lead < value.length && isBlank(value.text.charAt(lead))) lead++;
  value = value.slice(lead);
  const multiline = value.text.endsWith('\\');
  if (multiline) value = value.slice(0, value.length - 1).trim();
  return { name: s.slice(1, p), value, multiline };
}

export interface Use {
  name: string;
  /** Index just past the use (past `}` for `${NAME}`). */
  end: number;
  /** The numbers inside `${NAME 1 9}`, as written. */
  params?: string;
  /** The use ends the line, so a multiline definition may be expanded here. */
  endsLine: boolean;
}

/** The parameter use starting with the `$` at `pos`, by shape only (defined or not). */
export function useAt(s: string, pos: number): Use | undefined {
  const braces = s.charAt(pos + 1) === '{';
  const nameStart = pos + (braces ? 2 : 1);
  if (!NAME_START.test(s.charAt(nameStart))) return undefined;
  let j = nameStart + 1;
  while (j < s.length && NAME_CHAR.test(s.charAt(j))) j++;
  const name = s.slice(nameStart, j);
  if (!braces) {
    if (j < s.length && !' \t,)'.includes(s.charAt(j))) return undefined;
    return { name, end: j, endsLine: j === s.length };
  }
  let k = j;
  let first = -1;
  let last = -1;
  while (k < s.length && (s.charAt(k) === ' ' || /[0-9]/.test(s.charAt(k)))) {
    if (s.charAt(k) !== ' ') {
      if (first === -1) first = k;
      last = k;
    }
    k++;
  }
  if (s.charAt(k) !== '}') return undefined;
  if (first === -1 && k !== j) return undefined;
  if (first !== -1 && last + 1 !== k) return undefined;
  const use: Use = { name, end: k + 1, endsLine: k + 1 === s.length };
  if (first !== -1) use.params = s.slice(first, last + 1);
  return use;
}
