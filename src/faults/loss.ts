/**
 * Packet loss: a share of a node's packets dropped at random, sent (out, the default), received
 * (in) or both, all of them or only VRRP. On Docker iptables' `statistic` match drops them (no
 * netem needed): each rule carries the comment `chaos-loss`, so a heal removes every loss rule
 * of its chains whatever its rate. The simulator draws from its seeded RNG per packet (per copy
 * on receipt); it carries only VRRP, so `protocol` changes nothing there.
 */
import { z } from 'zod';
import type { Direction } from '../scenario/primitives';
import {
  chains,
  deleteCommented,
  directed,
  inNode,
  insertAll,
  protocolMatch,
  trafficOptions,
  trafficParams,
  type Protocol,
  type Rule,
} from './steps';
import { oneWebNode, pick } from './explore-draw';
import { defineFault } from './types';
import { DIRECTIONS } from '../scenario/primitives';

const COMMENT = 'chaos-loss';

export interface LossParams {
  rate: number;
  direction: Direction;
  protocol: Protocol;
}

/** The chain rules of a loss: a random match at the rate, VRRP only or everything. */
function lossRules(rate: number, protocol: Protocol): Rule[] {
  const match = [
    ...protocolMatch(protocol),
    ...['-m', 'statistic', '--mode', 'random', '--probability', String(rate)],
    ...['-m', 'comment', '--comment', COMMENT, '-j', 'DROP'],
  ];
  return [
    ['INPUT', ...match],
    ['OUTPUT', ...match],
  ];
}

export const loss = defineFault({
  kind: 'loss',
  healName: 'unloss',
  summary: "lose a share of the node's packets (sent by default)",
  target: 'nodes',
  options: {
    rate: z.number().gt(0).max(1).describe('Share of packets lost, 0 < rate <= 1'),
    ...trafficOptions,
  },
  normalise: (s): LossParams => ({
    rate: s.rate,
    ...trafficParams(s),
  }),
  // A heal of a loss never applied clears both chains.
  healParams: (): LossParams => ({ rate: 0, direction: 'both', protocol: 'all' }),
  describe: (f) =>
    `loss ${f.rate}${f.protocol === 'vrrp' ? ' of VRRP' : ''}${f.direction === 'out' ? '' : ` (${f.direction})`} on ${f.nodes.join(', ')}`,
  // A rate from a light loss to all of it, in hundredths; the simulator carries only VRRP, so
  // protocol is left at its default.
  explore: {
    effects: ['links', 'timing'],
    draw: (rng, ctx) => {
      const target = oneWebNode(rng, ctx);
      return target && { ...target, rate: rng.int(5, 100) / 100, direction: pick(rng, DIRECTIONS) };
    },
  },
  docker: {
    roles: ['web'],
    how: "iptables' statistic match drops the share at random (INPUT, OUTPUT or both; all or VRRP only)",
    apply: (u) => inNode(u, insertAll(directed(lossRules(u.rate, u.protocol), u.direction))),
    // Every loss rule of the direction's chains, whatever its rate.
    heal: (u) => inNode(u, deleteCommented(COMMENT, directed(lossRules(0, 'all'), u.direction))),
  },
  sim: {
    how: 'each packet the node sends (out) or each copy it receives (in) is lost with this probability (seeded)',
    apply: (u, sim) =>
      u.nodes.forEach((n) =>
        chains(u.direction).forEach((d) =>
          d === 'out' ? sim.loss(n, u.rate) : sim.ingressLoss(n, u.rate),
        ),
      ),
    heal: (u, sim) =>
      u.nodes.forEach((n) =>
        chains(u.direction).forEach((d) => (d === 'out' ? sim.loss(n, 0) : sim.ingressLoss(n, 0))),
      ),
  },
});
