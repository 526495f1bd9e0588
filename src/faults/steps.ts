/**
 * Building blocks of the Docker plans: shell steps, iptables rules inserted once and deleted
 * every copy (so that apply and heal are idempotent), rules by direction. Pure.
 */
import type { DockerAction, Direction, FaultStep } from './types';

/** VRRP is IP protocol 112 (numeric: the images need not ship /etc/protocols for `-p vrrp`). */
export const VRRP_PROTO = '112';
export const VRRP_GROUP = '224.0.0.18';

export const sh = (script: string): FaultStep => ({ do: 'exec', cmd: ['sh', '-c', script] });
export const exec = (...cmd: string[]): FaultStep => ({ do: 'exec', cmd });

/** The plan of a one-node unit: these steps in its node. */
export function inNode(unit: { nodes: string[] }, steps: FaultStep[]): DockerAction[] {
  return unit.nodes.map((node) => ({ node, steps }));
}

export type Rule = readonly [string, ...string[]];

/** The iptables chains of a direction, as directions of their own (both: in and out). */
export const chains = (d: Direction): Direction[] => (d === 'both' ? ['in', 'out'] : [d]);

/** The rules of a direction: in = INPUT, out = OUTPUT, both = both. */
export function directed(rules: readonly Rule[], d: Direction): readonly Rule[] {
  return rules.filter(([chain]) => d === 'both' || (d === 'in') === (chain === 'INPUT'));
}

function iptablesInsertOnce(chain: string, rule: readonly string[]): string {
  const r = rule.join(' ');
  return `iptables -C ${chain} ${r} 2>/dev/null || iptables -I ${chain} ${r}`;
}

function iptablesDeleteAll(chain: string, rule: readonly string[]): string {
  const r = rule.join(' ');
  return `while iptables -C ${chain} ${r} 2>/dev/null; do iptables -D ${chain} ${r}; done`;
}

export const insertAll = (rules: readonly Rule[]): FaultStep[] =>
  rules.map(([chain, ...rule]) => sh(iptablesInsertOnce(chain, rule)));
export const deleteAll = (rules: readonly Rule[]): FaultStep[] =>
  rules.map(([chain, ...rule]) => sh(iptablesDeleteAll(chain, rule)));
