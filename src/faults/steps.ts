/**
 * Building blocks of the Docker plans: shell steps, iptables rules inserted once and deleted
 * every copy (so that apply and heal are idempotent), rules by direction. Pure.
 */
import { z } from 'zod';
import { DIRECTIONS } from '../scenario/primitives';
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

export const PROTOCOLS = ['vrrp', 'all'] as const;
export type Protocol = (typeof PROTOCOLS)[number];

/** The iptables match of a protocol option: VRRP only, or nothing (every packet). */
export const protocolMatch = (p: Protocol): string[] => (p === 'vrrp' ? ['-p', VRRP_PROTO] : []);

/** The options of a fault on a node's traffic (loss, delay): which packets it acts on. */
export const trafficOptions = {
  direction: z
    .enum(DIRECTIONS)
    .optional()
    .describe("Which of the node's packets: out (default: those it sends), in, or both"),
  protocol: z
    .enum(PROTOCOLS)
    .optional()
    .describe('Which packets: all (default) or vrrp (protocol 112) only'),
};

/** The traffic options as normalised: out and all by default. */
export const trafficParams = (s: {
  direction?: Direction | undefined;
  protocol?: Protocol | undefined;
}): { direction: Direction; protocol: Protocol } => ({
  direction: s.direction ?? 'out',
  protocol: s.protocol ?? 'all',
});

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

/** Every rule of the chains that carries `comment`, deleted whatever else it says (idempotent). */
export function deleteCommented(comment: string, rules: readonly Rule[]): FaultStep[] {
  return rules.map(([chain]) =>
    sh(
      `iptables -S ${chain} | grep -- '--comment ${comment}' | sed 's/^-A /-D /' | xargs -r -L1 iptables`,
    ),
  );
}
