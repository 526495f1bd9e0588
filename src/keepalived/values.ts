/**
 * Reading keyword values the way keepalived 2.2.7 does (`lib/parser.c`: read_unsigned,
 * read_int, read_decimal_unsigned; inet_pton for addresses). Each reader returns the value or
 * an error message naming the value and the limit; the caller decides where to report it.
 */

export type Read<T> = { ok: true; value: T } | { ok: false; message: string };

const ok = <T>(value: T): Read<T> => ({ ok: true, value });
const fail = <T>(message: string): Read<T> => ({ ok: false, message });

/** A whole non-negative number in [min, max]. */
export function readUnsigned(text: string, min: number, max: number): Read<number> {
  if (text.startsWith('-')) return fail(`negative number '${text}'`);
  if (!/^\+?\d+$/.test(text)) return fail(`invalid number '${text}'`);
  const value = Number(text);
  if (value < min || value > max) return fail(`number ${text} outside range [${min}, ${max}]`);
  return ok(value);
}

/** A whole number, possibly negative, in [min, max]. */
export function readInt(text: string, min: number, max: number): Read<number> {
  if (!/^[+-]?\d+$/.test(text)) return fail(`invalid number '${text}'`);
  const value = Number(text);
  if (value < min || value > max) return fail(`number ${text} outside range [${min}, ${max}]`);
  return ok(value);
}

/**
 * A non-negative decimal number of seconds with at most 6 decimal places (keepalived's timer
 * resolution is 1 µs), returned in microseconds, in [minUs, maxUs].
 */
export function readSecondsAsMicros(text: string, minUs: number, maxUs: number): Read<number> {
  if (text.startsWith('-')) return fail(`negative number '${text}'`);
  const m = /^(\d+)(?:\.(\d+))?$/.exec(text);
  if (!m) return fail(`invalid number '${text}'`);
  const fraction = m[2] ?? '';
  if (fraction.length > 6) return fail(`number '${text}' has too many decimal places (at most 6)`);
  const micros = Number(m[1]) * 1_000_000 + Number(fraction.padEnd(6, '0'));
  if (micros < minUs || micros > maxUs) {
    return fail(`number ${text} outside range [${minUs / 1_000_000}, ${maxUs / 1_000_000}]`);
  }
  return ok(micros);
}

/** keepalived's check_true_false(): on/true/yes and off/false/no. */
export function readBool(text: string): Read<boolean> {
  if (text === 'true' || text === 'on' || text === 'yes') return ok(true);
  if (text === 'false' || text === 'off' || text === 'no') return ok(false);
  return fail(`invalid boolean '${text}' (expected yes/no, on/off, true/false)`);
}

/** A dotted quad as inet_pton(AF_INET) accepts it: four decimal octets, no leading zeros. */
export function isIpv4(text: string): boolean {
  const octet = '(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)';
  return new RegExp(`^${octet}(\\.${octet}){3}$`).test(text);
}

/** Looks like an IPv6 address (keepalived decides the family by the presence of ':'). */
export function looksIpv6(text: string): boolean {
  return text.includes(':');
}

/** `1.5` for 1500 ms, `0.1` for 100 ms: seconds as keepalived.conf writes them. */
export function formatSeconds(ms: number): string {
  return String(ms / 1000);
}
