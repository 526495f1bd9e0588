/**
 * `~SEQ(var, start, step, end)`, `~SEQx(...)` and `~LST(var, a, b, ...)` /
 * `~LST({v1, v2}, {a1, a2}, ...)` heads, as keepalived 2.2.7 reads them (lib/parser.c `add_seq()`,
 * `add_lst()`, keepalived.conf(5) "Sequence blocks" and "List blocks"):
 *
 * - ~SEQ takes 1 to 3 numbers (C `strtol` base 0: `0x10`, `010`, `-3`), after parameter
 *   substitution. `(end)`: start 1 (or -1 when end < 0), step 1 or -1; `(start, end)`: step 1
 *   or -1 toward end; `(start, step, end)`: step must be non-zero and point toward end. The
 *   values run from start while they have not passed end. ~SEQx writes them in lower-case hex
 *   and refuses negative bounds.
 * - ~LST gives each variable (or set of variables in `{}`) the listed values in turn; missing
 *   values in a set are empty, extra ones are an error.
 *
 * The rest of the line after `)` is the text repeated once per step, with the variables defined.
 * Pure.
 */

export type Assignment = readonly (readonly [string, string])[];

export type SequenceHead =
  { ok: true; steps: Assignment[]; textStart: number } | { ok: false; message: string };

/** Upper bound on the lines one head may produce: a typo must not hang the reader. */
export const MAX_SEQUENCE_STEPS = 100_000;

const BLANKS = ' \t';

function skipBlanks(s: string, i: number): number {
  while (i < s.length && BLANKS.includes(s.charAt(i))) i++;
  return i;
}

/** Index of the first character of `stop` at or after i (or the length). */
function scanTo(s: string, i: number, stop: string): number {
  while (i < s.length && !stop.includes(s.charAt(i))) i++;
  return i;
}

/** C strtol(s + i, &end, 0): the number and where it ended; no digits leaves `end` at `i`. */
export function strtol(s: string, i: number): { value: number; end: number } {
  const m = /^[ \t\n\v\f\r]*([+-]?)(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)/.exec(s.slice(i));
  if (!m) return { value: 0, end: i };
  const digits = m[2] ?? '0';
  const magnitude = /^0[xX]/.test(digits)
    ? parseInt(digits.slice(2), 16)
    : digits.startsWith('0')
      ? parseInt(digits, 8)
      : parseInt(digits, 10);
  return { value: m[1] === '-' ? -magnitude : magnitude, end: i + m[0].length };
}

/** `~SEQ(...)` at the start of `s`; `expand` substitutes parameters in the numbers. */
export function parseSeq(s: string, expand: (args: string) => string | undefined): SequenceHead {
  const invalid = { ok: false as const, message: `invalid ~SEQ specification '${s}'` };
  let p = 4;
  const hex = s.charAt(p) === 'x';
  if (hex) p++;
  p = skipBlanks(s, p);
  if (s.charAt(p) !== '(') return invalid;
  const varStart = skipBlanks(s, p + 1);
  const varEnd = scanTo(s, varStart, ' \t,)');
  p = skipBlanks(s, varEnd);
  if (p >= s.length || s.charAt(p) === ')' || varEnd === varStart) return invalid;
  const close = s.indexOf(')', p);
  if (close === -1) return invalid;
  const args = expand(s.slice(skipBlanks(s, p + 1), close + 1));
  if (args === undefined)
    return { ok: false, message: `~SEQ parameter is a multiline definition in '${s}'` };
  const bounds = seqBounds(args);
  if (!bounds) return invalid;
  const { start, step, end } = bounds;
  if (step === 0 || (start < end && step < 0) || (start > end && step > 0))
    return {
      ok: false,
      message: `invalid ~SEQ values in '${s}' (the step must lead from start to end)`,
    };
  if (hex && (start < 0 || end < 0))
    return { ok: false, message: `~SEQx is only valid for positive numbers: '${s}'` };
  const name = s.slice(varStart, varEnd);
  const steps: Assignment[] = [];
  for (let v = start; step > 0 ? v <= end : v >= end; v += step) {
    if (steps.length >= MAX_SEQUENCE_STEPS)
      return { ok: false, message: `~SEQ produces more than ${MAX_SEQUENCE_STEPS} lines: '${s}'` };
    steps.push([[name, hex ? v.toString(16) : String(v)]]);
  }
  return { ok: true, steps, textStart: skipBlanks(s, close + 1) };
}

/** `1)`, `1, 5)` or `1, 2, 9)` (the `)` included) as start, step and end. */
function seqBounds(args: string): { start: number; step: number; end: number } | undefined {
  const nums: number[] = [];
  let p = 0;
  for (;;) {
    const read = strtol(args, p);
    nums.push(read.value);
    p = skipBlanks(args, read.end);
    if (args.charAt(p) === ')') break;
    if (args.charAt(p) !== ',' || nums.length === 3) return undefined;
    p++;
  }
  const [one = 0, two = 0, three = 0] = nums;
  if (nums.length === 1) return { start: one < 0 ? -1 : 1, step: one < 1 ? -1 : 1, end: one };
  if (nums.length === 2) return { start: one, step: one <= two ? 1 : -1, end: two };
  return { start: one, step: two, end: three };
}

/** Reads `a`, or `{a, b}`, from p: the items and the index after them. */
function readGroup(
  s: string,
  p: number,
  stop: string,
): { items: string[]; end: number } | undefined {
  const grouped = s.charAt(p) === '{';
  if (grouped) p = skipBlanks(s, p + 1);
  const items: string[] = [];
  for (;;) {
    const end = scanTo(s, p, ` \t,}${stop}`);
    items.push(s.slice(p, end));
    p = skipBlanks(s, end);
    if (grouped ? s.charAt(p) === '}' : true) break;
    if (s.charAt(p) !== ',') return undefined;
    p = skipBlanks(s, p + 1);
  }
  if (grouped) p = skipBlanks(s, p + 1);
  return { items, end: p };
}

/** `~LST(...)` at the start of `s`. */
export function parseLst(s: string): SequenceHead {
  const invalid = { ok: false as const, message: `invalid ~LST specification '${s}'` };
  let p = skipBlanks(s, 4);
  if (s.charAt(p) !== '(') return invalid;
  const vars = readGroup(s, skipBlanks(s, p + 1), '');
  if (!vars || s.charAt(vars.end) !== ',') return invalid;
  p = skipBlanks(s, vars.end + 1);
  const steps: Assignment[] = [];
  for (;;) {
    const values = readGroup(s, p, ')');
    if (!values) return invalid;
    if (values.items.length > vars.items.length)
      return { ok: false, message: `~LST specification has too many values: '${s}'` };
    steps.push(vars.items.map((name, i): [string, string] => [name, values.items[i] ?? '']));
    p = values.end;
    if (s.charAt(p) === ')') break;
    if (s.charAt(p) !== ',') return invalid;
    p = skipBlanks(s, p + 1);
  }
  return { ok: true, steps, textStart: skipBlanks(s, p + 1) };
}
