/**
 * The network between nodes: a node's link goes down (the course's `service network stop`),
 * or two sets of nodes lose each other (a partition).
 */
import { nodeList } from '../scenario/primitives';
import { z } from 'zod';
import { oneWebNode } from './explore-draw';
import { deleteAll, exec, inNode, insertAll, type Rule } from './steps';
import { defineFault, type DockerAction, type FaultLab, type FaultStep } from './types';

export const networkDown = defineFault({
  kind: 'network-down',
  healName: 'network-up',
  summary: "the node's interface goes down; heal: up again",
  target: 'nodes',
  options: {},
  describe: (f) => `network-down ${f.nodes.join(', ')}`,
  docker: {
    roles: ['web', 'mysql'],
    how: "the node's network goes down: ip link set eth0 down (the seed's `service network stop`)",
    apply: (u) => inNode(u, [exec('ip', 'link', 'set', 'eth0', 'down')]),
    heal: (u, lab) =>
      inNode(u, [
        exec('ip', 'link', 'set', 'eth0', 'up'),
        // The kernel drops the default route with the link; put it back.
        exec('ip', 'route', 'replace', 'default', 'via', lab.gateway, 'dev', 'eth0'),
      ]),
  },
  explore: { effects: ['node', 'links'], draw: oneWebNode },
  sim: {
    how: 'the link goes down: nothing in or out, VIPs stay configured (as Linux keeps them)',
    apply: (u, sim) => u.nodes.forEach((n) => sim.linkDown(n)),
    heal: (u, sim) => u.nodes.forEach((n) => sim.linkUp(n)),
  },
});

/** partition: nothing in from, nothing out to, each peer. */
function partitionRules(peers: readonly string[]): Rule[] {
  return peers.flatMap((peer): Rule[] => [
    ['INPUT', '-s', peer, '-j', 'DROP'],
    ['OUTPUT', '-d', peer, '-j', 'DROP'],
  ]);
}

/** iptables runs in web nodes only: each web node of a side drops the other side's addresses. */
function partitionActions(
  between: [string[], string[]],
  lab: FaultLab,
  steps: (rules: Rule[]) => FaultStep[],
): DockerAction[] {
  const address = (n: string): string => lab.nodes.find((x) => x.name === n)?.address ?? n;
  const isWeb = (n: string): boolean => lab.nodes.find((x) => x.name === n)?.role === 'web';
  const [a, b] = between;
  const side = (mine: string[], theirs: string[]): DockerAction[] =>
    mine.filter(isWeb).map((node) => ({ node, steps: steps(partitionRules(theirs.map(address))) }));
  return [...side(a, b), ...side(b, a)];
}

export const partition = defineFault({
  kind: 'partition',
  healName: 'unpartition',
  summary: 'no traffic between two node sets',
  target: 'between',
  options: {
    between: z.tuple([nodeList, nodeList]).describe('Two node sets that cannot reach each other'),
  },
  describe: (f) => `partition ${f.between[0].join(',')} | ${f.between[1].join(',')}`,
  docker: {
    roles: ['web'],
    how: 'iptables drops every packet from and to the peers (the other side), in the web nodes of either side',
    apply: (u, lab) => partitionActions(u.between, lab, insertAll),
    heal: (u, lab) => partitionActions(u.between, lab, deleteAll),
    refuse: (f, lab) =>
      f.between.flat().some((n) => lab.nodes.find((x) => x.name === n)?.role === 'web')
        ? null
        : `partition ${f.between[0].join(',')} | ${f.between[1].join(',')}: one side needs a web node (iptables runs in web nodes only)`,
  },
  // The web nodes in two non-empty sides, at random.
  explore: {
    effects: ['links'],
    draw: (rng, ctx) => {
      if (ctx.web.length < 2) return null;
      const sides: [string[], string[]] = [[], []];
      const order = ctx.web.map((n) => ({ n, k: rng.next() })).sort((a, b) => a.k - b.k);
      const cut = rng.int(1, order.length - 1);
      order.forEach(({ n }, i) => sides[i < cut ? 0 : 1].push(n));
      return { between: sides };
    },
  },
  sim: {
    how: 'no packet between the two sets, in either direction',
    apply: (u, sim) => sim.partition(u.between[0], u.between[1]),
    heal: (u, sim) => sim.healPartition(u.between[0], u.between[1]),
  },
});
