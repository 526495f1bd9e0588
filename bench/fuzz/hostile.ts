/**
 * What a fuzz case puts where a value belongs: wrong types, huge and odd numbers, unicode, text
 * that opens what it never closes. And the text-level mutations every text format gets (lines
 * dropped, repeated and swapped, a cut at any point, stray quotes and braces, deep nesting).
 */
import type { Rng } from './rng';

export const HUGE_NUMBERS = [
  0,
  -1,
  -0.5,
  2 ** 31,
  2 ** 32,
  2 ** 53 + 2,
  1e21,
  1e308,
  -1e308,
  Number.MAX_SAFE_INTEGER,
];

export const HOSTILE_WORDS = [
  '',
  ' ',
  'ü',
  '日本語',
  '🙂🙂🙂',
  '\u202eevil',
  '\u200b',
  '\ufeff',
  '\u0000',
  '\u0007\u001b[31m',
  '\ud800',
  'x'.repeat(5000),
  '../../../../etc/passwd',
  '%s%n%x',
  '${HOME}',
  '<script>alert(1)</script>',
  ']]>',
  '"',
  "'",
  '{',
  '}',
  '\\',
  '99999999999999999999999999999999',
  '1e400',
  '-0',
  'NaN',
  '0x1f',
  '1.2.3.4.5',
  '256.256.256.256',
  '192.168.17.200/33',
  '-1s',
  '1e309s',
  '99999999999999h',
  '0ms',
];

/** A value of any JSON type, mostly wrong for wherever it lands. */
export function hostileValue(rng: Rng, depth = 0): unknown {
  switch (rng.int(0, depth > 2 ? 3 : 5)) {
    case 0:
      return rng.pick(HUGE_NUMBERS);
    case 1:
      return rng.pick(HOSTILE_WORDS);
    case 2:
      return rng.pick([null, true, false]);
    case 3:
      return rng.pick(['1s', '5s', 'server01', 'MASTER', 'web', '192.168.17.200', 51, 100]);
    case 4:
      return Array.from({ length: rng.int(0, 3) }, () => hostileValue(rng, depth + 1));
    default:
      return Object.fromEntries(
        Array.from({ length: rng.int(0, 3) }, () => [
          rng.pick(['a', 'name', 'node', 'fault', '']),
          hostileValue(rng, depth + 1),
        ]),
      );
  }
}

/** Nesting `depth` deep: `open` repeated, then `close` repeated. */
export function nested(open: string, close: string, depth: number, inner = ''): string {
  return `${open.repeat(depth)}${inner}${close.repeat(depth)}`;
}

/** One text-level mutation; `specials` are the format's own dangerous characters. */
export function mutateText(rng: Rng, text: string, specials: readonly string[]): string {
  const lines = text.split('\n');
  const i = rng.int(0, Math.max(0, lines.length - 1));
  const at = rng.int(0, text.length);
  switch (rng.int(0, 9)) {
    case 0:
      lines.splice(i, 1);
      return lines.join('\n');
    case 1:
      lines.splice(i, 0, ...Array<string>(rng.int(1, 50)).fill(lines[i] ?? ''));
      return lines.join('\n');
    case 2: {
      const j = rng.int(0, lines.length - 1);
      [lines[i], lines[j]] = [lines[j] ?? '', lines[i] ?? ''];
      return lines.join('\n');
    }
    case 3:
      return text.slice(0, at);
    case 4:
      return `${text.slice(0, at)}${rng.pick(specials)}${text.slice(at)}`;
    case 5:
      return text.replace(/\d+/, () => String(rng.pick(HUGE_NUMBERS)));
    case 6:
      return `${text.slice(0, at)}${rng.pick(HOSTILE_WORDS)}${text.slice(at)}`;
    case 7: {
      const bytes = Array.from(rng.bytes(rng.int(1, 16)), (b) => String.fromCharCode(b)).join('');
      return `${text.slice(0, at)}${bytes}${text.slice(at)}`;
    }
    case 8:
      return text.repeat(rng.int(2, 20));
    default:
      return lines
        .map((l) => (rng.chance(0.2) ? `\t${l}` : l))
        .join(rng.pick(['\n', '\r\n', '\r']));
  }
}
