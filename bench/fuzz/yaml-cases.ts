/**
 * Grammar-aware YAML cases for scenario and lab files: a shipped file's document with one to
 * three structural mutations (a key dropped, repeated or renamed, a value of the wrong type, a
 * node copied where another belongs, deep nesting, anchors and aliases), then sometimes a text
 * mutation (hostile.ts); or a document generated from the files' own key vocabulary.
 */
import { Pair, Scalar, isMap, isSeq, parseDocument, stringify, visit } from 'yaml';
import type { Document, Node, YAMLMap, YAMLSeq } from 'yaml';
import { HOSTILE_WORDS, hostileValue, mutateText, nested } from './hostile';
import type { Rng } from './rng';

/** The keys of scenario and lab files, so generated documents are near misses, not noise. */
export const YAML_KEYS = [
  'name',
  'description',
  'notes',
  'lab',
  'nodes',
  'steps',
  'fault',
  'heal',
  'wait',
  'expect',
  'rogue',
  'address',
  'priority',
  'password',
  'vipOwner',
  'within',
  'state',
  'node',
  'is',
  'switchover',
  'from',
  'to',
  'config',
  'vrrp',
  'role',
  'subnet',
  'vip',
  'vrid',
  'gateway',
  'slo',
  'probe',
  'interval',
  'timeout',
  'duration',
  'rate',
  'loss',
  'delay',
  'direction',
  'driver',
  'seed',
  'count',
  'every',
  'maxDowntime',
  'for',
  'server01',
  'server03',
  '<<',
];

const YAML_SPECIALS = [
  '"',
  "'",
  '[',
  ']',
  '{',
  '}',
  ':',
  ': ',
  '- ',
  '#',
  '&a ',
  '*a',
  '*nope',
  '!!binary ',
  '!tag ',
  '|',
  '>',
  '? ',
  '%YAML 1.2\n',
  '---\n',
  '...\n',
  '\t',
  '\\',
  '@',
  '`',
  ',',
];

/** Aliases of aliases: a few lines that expand to millions of nodes (a billion laughs). */
export function aliasBomb(levels: number): string {
  const lines = ['l0: &l0 [x, x, x, x, x, x, x, x, x, x]'];
  for (let i = 1; i < levels; i++)
    lines.push(
      `l${i}: &l${i} [${Array<string>(10)
        .fill(`*l${i - 1}`)
        .join(', ')}]`,
    );
  return `${lines.join('\n')}\n`;
}

function collections(doc: Document): (YAMLMap | YAMLSeq)[] {
  const out: (YAMLMap | YAMLSeq)[] = [];
  visit(doc, {
    Map: (_, n) => void out.push(n),
    Seq: (_, n) => void out.push(n),
  });
  return out;
}

function randomNode(doc: Document, rng: Rng): Node {
  const all: Node[] = [];
  visit(doc, { Node: (_, n) => void all.push(n) });
  return all.length > 0 ? rng.pick(all) : doc.createNode(null);
}

function mutateStructure(doc: Document, rng: Rng): void {
  const targets = collections(doc);
  if (targets.length === 0) {
    doc.contents = doc.createNode(hostileValue(rng));
    return;
  }
  const c = rng.pick(targets);
  const i = rng.int(0, Math.max(0, c.items.length - 1));
  const value = (): Node =>
    rng.chance(0.2) ? (randomNode(doc, rng).clone() as Node) : doc.createNode(hostileValue(rng));
  const item = c.items[i];
  switch (rng.int(0, 6)) {
    case 0:
      c.items.splice(i, 1); // a key or item missing
      return;
    case 1:
      if (item) c.items.splice(i, 0, ...Array<typeof item>(rng.int(1, 3)).fill(item)); // repeated
      return;
    case 2:
      if (item instanceof Pair)
        item.value = value(); // wrong type
      else if (isSeq(c)) c.items[i] = value();
      return;
    case 3:
      if (item instanceof Pair)
        item.key = new Scalar(rng.chance(0.5) ? rng.pick(YAML_KEYS) : rng.pick(HOSTILE_WORDS));
      return;
    case 4:
      if (isMap(c)) c.items.push(new Pair(new Scalar(rng.pick(YAML_KEYS)), value()));
      else c.items.push(value());
      return;
    case 5: {
      let deep: unknown = hostileValue(rng);
      for (let d = rng.int(10, 200); d > 0; d--) deep = rng.chance(0.5) ? [deep] : { a: deep };
      if (item instanceof Pair) item.value = doc.createNode(deep);
      return;
    }
    default:
      c.items.reverse();
  }
}

/** A mutation of `seed`, a shipped YAML file. */
export function mutateYaml(rng: Rng, seed: string): string {
  const doc = parseDocument(seed, { logLevel: 'silent' });
  for (let k = rng.int(1, 3); k > 0; k--) mutateStructure(doc, rng);
  let text: string;
  try {
    text = doc.toString({ lineWidth: 0 });
  } catch {
    text = seed; // a mutation yaml cannot write (e.g. a lone surrogate key): mutate the text
  }
  switch (rng.int(0, 9)) {
    case 0:
      return `${text}${aliasBomb(rng.int(3, 9))}`;
    case 1:
      return `${text}\nname: ${nested(rng.pick(['[', '{a: ', '- ']), rng.pick([']', '}', '']), rng.int(50, 3000))}\n`;
    case 2:
    case 3:
    case 4:
      return mutateText(rng, text, YAML_SPECIALS);
    default:
      return text;
  }
}

function generatedValue(rng: Rng, depth: number): unknown {
  if (depth > 4 || rng.chance(0.4)) return hostileValue(rng);
  if (rng.chance(0.3))
    return Array.from({ length: rng.int(0, 4) }, () => generatedValue(rng, depth + 1));
  return Object.fromEntries(
    Array.from({ length: rng.int(0, 5) }, () => [
      rng.pick(YAML_KEYS),
      generatedValue(rng, depth + 1),
    ]),
  );
}

/** A document built from the key vocabulary, with values of any type. */
export function generateYaml(rng: Rng): string {
  try {
    return stringify(generatedValue(rng, 0), { lineWidth: 0 });
  } catch {
    return 'name: [';
  }
}
