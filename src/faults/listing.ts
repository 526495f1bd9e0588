/**
 * The catalog as people see it: the names `chaos fault` and `chaos heal` take, the table of
 * `chaos fault --list`, and the fault table of docs/scenarios.md (`chaos fault --list
 * --markdown`; a test keeps the two equal). Pure.
 */
import type { z } from 'zod';
import { InputError } from '../errors';
import { UNKNOWN_FAULT, allFaults, type AnyFault } from './registry';

export interface ResolvedFaultName {
  def: AnyFault;
  action: 'apply' | 'heal';
  /** Parameters the name implies (kill-nginx: process nginx). */
  params: Record<string, unknown>;
  /** The name of what is done: the fault's or alias's name, or its heal's. */
  verb: string;
}

/**
 * A name as typed after `chaos fault` or `chaos heal`: a fault or alias name, or a heal name
 * (`power-on`, `unblock` for `unblock-multicast`, ...), which means healing that fault.
 */
export function resolveFaultName(name: string, action: 'apply' | 'heal'): ResolvedFaultName {
  for (const def of allFaults()) {
    const heal = (params: Record<string, unknown>, verb: string): ResolvedFaultName => ({
      def,
      action: 'heal',
      params,
      verb,
    });
    if (def.kind === name)
      return { def, action, params: {}, verb: action === 'apply' ? def.kind : def.healName };
    if (def.healName === name || def.healAliases?.includes(name)) return heal({}, def.healName);
    for (const a of def.aliases ?? []) {
      if (a.name === name)
        return { def, action, params: a.params, verb: action === 'apply' ? a.name : a.healName };
      if (a.healName === name) return heal(a.params, a.healName);
    }
  }
  const known = allFaults().flatMap((d) => [
    `${d.kind}/${d.healName}`,
    ...(d.aliases ?? []).map((a) => `${a.name}/${a.healName}`),
  ]);
  throw new InputError(UNKNOWN_FAULT, `unknown fault '${name}'; known: ${known.join(', ')}`);
}

interface Row {
  names: string;
  roles: string;
  how: string;
}

/** The faults `chaos fault` applies to one node, and their aliases. */
function rows(): Row[] {
  return allFaults()
    .filter((d) => d.target === 'nodes')
    .flatMap((d) => [
      {
        names: `${d.kind} / ${d.healName}`,
        roles: `[${d.docker.roles.join(',')}]`,
        how: d.docker.how,
      },
      ...(d.aliases ?? []).map((a) => ({
        names: `${a.name} / ${a.healName}`,
        roles: `[${d.docker.roles.join(',')}]`,
        how: a.description,
      })),
    ]);
}

/** One line per fault, for `chaos fault --list`. */
export function describeFaults(): string {
  const table = rows();
  const w1 = Math.max(...table.map((r) => r.names.length));
  const w2 = Math.max(...table.map((r) => r.roles.length));
  const others = allFaults()
    .filter((d) => d.target !== 'nodes')
    .map((d) => d.kind);
  return (
    table.map((r) => `${r.names.padEnd(w1)}  ${r.roles.padEnd(w2)}  ${r.how}\n`).join('') +
    `(${others.join(', ')}: in scenario files, see docs/scenarios.md)\n`
  );
}

const cell = (text: string): string => text.replace(/\|/g, '\\|');

function optionsOf(def: AnyFault): string {
  const target = { nodes: '`node` / `nodes`', between: '', rogue: '' }[def.target];
  const options = Object.entries(def.options as Record<string, z.ZodType>).map(
    ([key, schema]) => `\`${key}\`${schema.description ? `: ${schema.description}` : ''}`,
  );
  return [target, ...options].filter((x) => x !== '').join('; ') || '-';
}

/** The fault table of docs/scenarios.md. */
export function faultTableMarkdown(): string {
  const lines = [
    '| fault | what it does | options | Docker | simulator |',
    '| --- | --- | --- | --- | --- |',
  ];
  for (const d of allFaults()) {
    const sim = 'unsupported' in d.sim ? `refused: ${d.sim.unsupported}` : d.sim.how;
    const docker = `${d.docker.how}${d.docker.roles.length > 0 ? ` (${d.docker.roles.join(', ')} nodes)` : ''}`;
    lines.push(
      `| \`${d.kind}\` (heal: \`${d.healName}\`) | ${cell(d.summary)} | ${cell(optionsOf(d))} | ${cell(docker)} | ${cell(sim)} |`,
    );
  }
  return `${lines.join('\n')}\n`;
}
