/**
 * Grammar-aware keepalived.conf cases: a shipped config with block-level mutations (a block
 * repeated, nested in itself or left open, a keyword's value replaced by a hostile word, a
 * keyword from another block, include lines that loop or fan out) and sometimes a text mutation
 * (hostile.ts); or a config generated from keepalived's keywords. A case is a set of files: the
 * entry `/etc/keepalived/keepalived.conf` and what it may include.
 */
import { KNOWN_GLOBAL, KNOWN_INSTANCE } from '../../src/keepalived/keywords';
import { HOSTILE_WORDS, HUGE_NUMBERS, mutateText, nested } from './hostile';
import type { Rng } from './rng';

export const CONF_DIR = '/etc/keepalived';
export const CONF_ENTRY = `${CONF_DIR}/keepalived.conf`;

export interface ConfCase {
  /** Path -> text; `CONF_ENTRY` is the file to parse. */
  files: Record<string, string>;
}

const CONF_SPECIALS = ['"', '{', '}', '{ }', '#', '!', '\\', '\\#', ' include ', '\t', '\r'];
const KEYWORDS = [
  ...KNOWN_GLOBAL,
  ...KNOWN_INSTANCE,
  'vrrp_instance',
  'global_defs',
  'vrrp_script',
  'vrrp_sync_group',
  'authentication',
  'virtual_ipaddress',
  'unicast_peer',
  'track_script',
  'auth_type',
  'auth_pass',
  'state',
  'priority',
  'virtual_router_id',
  'advert_int',
  'interface',
  'nopreempt',
];

/** The [start, end] line ranges of `{ ... }` blocks (a line ending in `{` to its `}`). */
function blocks(lines: readonly string[]): [number, number][] {
  const out: [number, number][] = [];
  const open: number[] = [];
  lines.forEach((l, i) => {
    if (l.trimEnd().endsWith('{')) open.push(i);
    else if (l.trim() === '}' && open.length > 0) out.push([open.pop()!, i]);
  });
  return out;
}

function includeLoop(rng: Rng, files: Record<string, string>): void {
  const a = `${CONF_DIR}/a.conf`;
  const b = `${CONF_DIR}/conf.d/b.conf`;
  switch (rng.int(0, 4)) {
    case 0: // the entry includes itself
      files[CONF_ENTRY] = `include keepalived.conf\n${files[CONF_ENTRY]}`;
      return;
    case 1: // a -> b -> a, through a relative path
      files[CONF_ENTRY] = `${files[CONF_ENTRY]}\ninclude a.conf\n`;
      files[a] = 'include conf.d/*.conf\n';
      files[b] = `include ../a.conf\nvrrp_instance LOOP {\n include ../conf.d/b.conf\n}\n`;
      return;
    case 2: // a glob matching the file that holds it
      files[CONF_ENTRY] = `${files[CONF_ENTRY]}\ninclude *.conf\n`;
      return;
    case 3: {
      // a chain deeper than any real config
      const depth = rng.int(20, 60);
      for (let i = 0; i < depth; i++) files[`${CONF_DIR}/c${i}.conf`] = `include c${i + 1}.conf\n`;
      files[CONF_ENTRY] = `${files[CONF_ENTRY]}\ninclude c0.conf\n`;
      return;
    }
    default: // fan-out: each file includes the next two, 2^n paths
      for (let i = 0; i < 12; i++)
        files[`${CONF_DIR}/f${i}.conf`] = `include f${i + 1}.conf\ninclude f${i + 1}.conf\n`;
      files[CONF_ENTRY] = `${files[CONF_ENTRY]}\ninclude f0.conf\n`;
  }
}

function mutateLines(rng: Rng, lines: string[]): void {
  const all = blocks(lines);
  const block = all.length > 0 ? rng.pick(all) : undefined;
  const i = rng.int(0, Math.max(0, lines.length - 1));
  const words = (lines[i] ?? '').trim().split(/\s+/);
  switch (rng.int(0, 6)) {
    case 0: // a block repeated
      if (block) lines.splice(block[1] + 1, 0, ...lines.slice(block[0], block[1] + 1));
      return;
    case 1: // a block nested in itself, deep
      if (block) {
        const [s, e] = block;
        const depth = rng.int(2, 300);
        lines.splice(
          s,
          e - s + 1,
          nested(`${lines[s]}\n`, '}\n', depth, lines.slice(s + 1, e).join('\n')),
        );
      }
      return;
    case 2: // a block left open, or closed twice
      if (block) lines[block[1]] = rng.pick(['', '}}', '{']);
      return;
    case 3: // a value of the wrong type
      lines[i] =
        `${words[0] ?? ''} ${rng.chance(0.5) ? rng.pick(HOSTILE_WORDS) : String(rng.pick(HUGE_NUMBERS))}`;
      return;
    case 4: // a keyword out of its block, or repeated
      lines.splice(i, 0, `${rng.pick(KEYWORDS)} ${words.slice(1).join(' ')}`);
      return;
    case 5: // a value in an unterminated quote
      lines[i] = `${words[0] ?? ''} "${words.slice(1).join(' ')}`;
      return;
    default:
      lines.splice(i, 1);
  }
}

/** A mutation of `seed`, a shipped keepalived.conf. */
export function mutateConf(rng: Rng, seed: string): ConfCase {
  const lines = seed.split('\n');
  for (let k = rng.int(1, 3); k > 0; k--) mutateLines(rng, lines);
  let text = lines.join('\n');
  if (rng.chance(0.3)) text = mutateText(rng, text, CONF_SPECIALS);
  const files: Record<string, string> = { [CONF_ENTRY]: text };
  if (rng.chance(0.2)) includeLoop(rng, files);
  return { files };
}

/** A config generated from keepalived's keywords, braces and hostile values. */
export function generateConf(rng: Rng): ConfCase {
  const out: string[] = [];
  let depth = 0;
  for (let n = rng.int(1, 60); n > 0; n--) {
    const word = rng.pick(KEYWORDS);
    const r = rng.int(0, 5);
    if (r === 0 || (r === 1 && depth > 6)) {
      out.push('}');
      depth--;
    } else if (r === 1) {
      out.push(`${word} ${rng.chance(0.5) ? 'VI_1 ' : ''}{`);
      depth++;
    } else out.push(`${word} ${rng.chance(0.5) ? rng.pick(HOSTILE_WORDS) : rng.int(0, 300)}`);
  }
  if (rng.chance(0.5)) out.push('}'.repeat(Math.max(0, depth)));
  const files: Record<string, string> = { [CONF_ENTRY]: out.join('\n') };
  if (rng.chance(0.2)) includeLoop(rng, files);
  return { files };
}
