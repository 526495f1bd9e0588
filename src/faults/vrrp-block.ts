/**
 * iptables drops of VRRP: multicast adverts only (the course's split brain: each master still
 * advertises, nobody hears the other) or all of VRRP, unicast peers included.
 */
import { z } from 'zod';
import { DIRECTIONS, direction, type Direction } from '../scenario/primitives';
import { VRRP_GROUP, VRRP_PROTO, deleteAll, directed, inNode, insertAll, chains } from './steps';
import { oneWebNode, pick } from './explore-draw';
import { defineFault, type ExplorePart, type HealSpec } from './types';

const multicastRules = [
  ['INPUT', '-d', VRRP_GROUP, '-p', VRRP_PROTO, '-j', 'DROP'],
  ['OUTPUT', '-d', VRRP_GROUP, '-p', VRRP_PROTO, '-j', 'DROP'],
] as const;

/** All of VRRP, unicast adverts included. */
const vrrpRules = [
  ['INPUT', '-p', VRRP_PROTO, '-j', 'DROP'],
  ['OUTPUT', '-p', VRRP_PROTO, '-j', 'DROP'],
] as const;

/** block-multicast drops on receipt by default, as the course does: each node still sends. */
const multicastDirection = z
  .enum(DIRECTIONS)
  .optional()
  .describe(
    'Which VRRP multicast of the node is dropped: in (default: on receipt, the node still advertises), out, or both',
  );

/** A heal of a block never applied removes both directions (heals are idempotent). */
const healBoth = (h: HealSpec): { direction: Direction } => ({
  direction: (h.options?.direction as Direction | undefined) ?? 'both',
});
const describeBlock = (f: { kind: string; direction: Direction; nodes: string[] }): string =>
  `${f.kind} ${f.direction} on ${f.nodes.join(', ')}`;

/** One web node, one direction. */
const exploreBlock: ExplorePart = {
  effects: ['links'],
  draw: (rng, ctx) => {
    const target = oneWebNode(rng, ctx);
    return target && { ...target, direction: pick(rng, DIRECTIONS) };
  },
};

export const blockMulticast = defineFault({
  kind: 'block-multicast',
  healName: 'unblock-multicast',
  healAliases: ['unblock'],
  summary: 'drop VRRP multicast (224.0.0.18), on receipt by default',
  target: 'nodes',
  options: { direction: multicastDirection },
  healOptions: { direction },
  normalise: (s) => ({ direction: s.direction ?? 'in' }),
  healParams: healBoth,
  describe: (f) => describeBlock(f),
  explore: exploreBlock,
  docker: {
    roles: ['web'],
    how: `iptables drops VRRP (protocol 112) to ${VRRP_GROUP} on receipt (INPUT; or out, both): split brain`,
    apply: (u) => inNode(u, insertAll(directed(multicastRules, u.direction))),
    heal: (u) => inNode(u, deleteAll(directed(multicastRules, u.direction))),
  },
  sim: {
    how: 'multicast adverts are dropped on receipt, on sending, or both; unicast passes',
    // One filter per chain, as iptables has one rule per chain: healing `in` after `both`
    // leaves `out`, healing `both` after `in` removes it.
    apply: (u, sim) =>
      u.nodes.forEach((n) => chains(u.direction).forEach((d) => sim.blockMulticast(n, d))),
    heal: (u, sim) =>
      u.nodes.forEach((n) => chains(u.direction).forEach((d) => sim.unblockMulticast(n, d))),
  },
});

/** block-vrrp in the simulator: a drop per (sender, receiver) pair with every other node. */
function eachPeer(
  node: string,
  d: Direction,
  nodes: string[],
  drop: (from: string, to: string) => void,
): void {
  for (const other of nodes) {
    if (other === node) continue;
    if (d !== 'out') drop(other, node);
    if (d !== 'in') drop(node, other);
  }
}

export const blockVrrp = defineFault({
  kind: 'block-vrrp',
  healName: 'unblock-vrrp',
  summary: 'drop all VRRP (protocol 112), unicast too',
  target: 'nodes',
  options: { direction },
  healOptions: { direction },
  normalise: (s) => ({ direction: s.direction ?? 'both' }),
  healParams: healBoth,
  describe: (f) => describeBlock(f),
  explore: exploreBlock,
  docker: {
    roles: ['web'],
    how: `iptables drops all VRRP (protocol ${VRRP_PROTO}, unicast too), in, out or both`,
    apply: (u) => inNode(u, insertAll(directed(vrrpRules, u.direction))),
    heal: (u) => inNode(u, deleteAll(directed(vrrpRules, u.direction))),
  },
  sim: {
    how: 'every VRRP packet to (in), from (out) or both ways of the node is dropped',
    apply: (u, sim) =>
      u.nodes.forEach((n) =>
        eachPeer(n, u.direction, sim.nodeNames(), (f, t) => sim.blockVrrp(f, t)),
      ),
    heal: (u, sim) =>
      u.nodes.forEach((n) =>
        eachPeer(n, u.direction, sim.nodeNames(), (f, t) => sim.unblockVrrp(f, t)),
      ),
  },
});
