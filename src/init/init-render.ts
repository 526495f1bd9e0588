/**
 * The YAML `chaos init` writes: the lab file (src/lab/lab-file.ts's format) and scenario files
 * (src/scenario/schema.ts's), in the shipped scenarios' style: one step per item, conditions as
 * flow mappings. Values are node names, durations, numbers and booleans: plain YAML scalars.
 * Pure.
 */
import type { InitLab, InitWebNode } from './init-lab';

/** A scalar or a nested mapping / list of them. */
export type YamlValue = string | number | boolean | readonly YamlValue[] | YamlMap;
export interface YamlMap {
  readonly [key: string]: YamlValue;
}

export interface ScenarioDraft {
  /** Relative to the output folder: scenarios/NAME.yaml. */
  file: string;
  name: string;
  description: string;
  steps: YamlMap[];
  slo?: YamlMap;
}

/** Milliseconds as a scenario duration: `5s`, `3.609375s`, `300ms`. */
export function duration(ms: number): string {
  if (ms < 1000 && Number.isInteger(ms)) return `${ms}ms`;
  return `${Number((ms / 1000).toFixed(9))}s`;
}

function flow(v: YamlValue): string {
  if (Array.isArray(v)) return `[${(v as readonly YamlValue[]).map(flow).join(', ')}]`;
  if (typeof v === 'object')
    return `{ ${Object.entries(v as YamlMap)
      .map(([k, x]) => `${k}: ${flow(x)}`)
      .join(', ')} }`;
  return String(v);
}

/** `text` folded to lines of at most `width` characters, each indented. */
function fold(text: string, indent: string, width = 96): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && indent.length + line.length + 1 + word.length > width) {
      lines.push(`${indent}${line}`);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(`${indent}${line}`);
  return lines;
}

function step(s: YamlMap): string[] {
  return Object.entries(s).map(([k, v], i) => `${i === 0 ? '  - ' : '    '}${k}: ${flow(v)}`);
}

/** The lab's own keys, as the lab file and a scenario's `lab:` both write them. */
function labKeys(lab: InitLab, indent: string): string[] {
  const keys = { name: lab.name, subnet: lab.subnet, gateway: lab.gateway, vip: lab.vip };
  return [...Object.entries(keys), ['vrid', lab.vrid]].map(([k, v]) => `${indent}${k}: ${v}`);
}

/** The scenario's inline lab: the same nodes, addresses and configs as the lab file. */
function scenarioLab(lab: InitLab, configDir: string): string[] {
  return [
    'lab:',
    ...labKeys(lab, '  '),
    '  nodes:',
    ...lab.web.map(
      (n, i) =>
        `    ${n.name}: { ${i >= 2 ? 'role: web, ' : ''}address: ${n.address}, config: ${configDir}${n.copy} }`,
    ),
    `    ${lab.mysql.name}: { address: ${lab.mysql.address} }`,
    `    ${lab.prober.name}: { address: ${lab.prober.address} }`,
  ];
}

export function renderScenario(lab: InitLab, draft: ScenarioDraft): string {
  const lines = [
    `# Written by chaos init from ${lab.web.map((n) => n.source).join(' and ')}.`,
    `name: ${draft.name}`,
    'description: >',
    ...fold(draft.description, '  '),
    ...scenarioLab(lab, '../'),
    'steps:',
    ...draft.steps.flatMap(step),
  ];
  if (draft.slo)
    lines.push('slo:', ...Object.entries(draft.slo).map(([k, v]) => `  ${k}: ${flow(v)}`));
  return `${lines.join('\n')}\n`;
}

/** The lab file for `chaos lab up` and `chaos explore`. */
export function renderLabFile(lab: InitLab): string {
  const node = (fields: YamlMap): string => `  - ${flow(fields)}`;
  const web = (n: InitWebNode): string =>
    node({ name: n.name, role: 'web', address: n.address, config: n.copy, vrrp: 'chaos' });
  return `${[
    `# Written by chaos init from ${lab.web.map((n) => n.source).join(' and ')}.`,
    '# `chaos lab up lab.yaml` brings it up on Docker; the scenarios in scenarios/ name the same lab.',
    ...labKeys(lab, ''),
    'nodes:',
    // The order a scenario's lab has (the seed's nodes, then the added ones): the same
    // definition, so a run reuses the lab `chaos lab up` brought up.
    ...lab.web.slice(0, 2).map(web),
    node({ name: lab.mysql.name, role: 'mysql', address: lab.mysql.address }),
    node({ name: lab.prober.name, role: 'prober', address: lab.prober.address }),
    ...lab.web.slice(2).map(web),
  ].join('\n')}\n`;
}
