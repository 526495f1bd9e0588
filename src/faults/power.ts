/**
 * The node as a whole: power-off (the course's "pull the plug") and pause (every process
 * frozen, the link still up).
 */
import { oneWebNode } from './explore-draw';
import { inNode } from './steps';
import { defineFault } from './types';

export const powerOff = defineFault({
  kind: 'power-off',
  healName: 'power-on',
  summary: 'the node loses power (SIGKILL); heal: power on',
  target: 'nodes',
  options: {},
  describe: (f) => `power-off ${f.nodes.join(', ')}`,
  docker: {
    roles: ['web', 'mysql', 'prober'],
    how: 'pull the plug: docker kill (SIGKILL); heal: docker start and wait until ready',
    apply: (u) => inNode(u, [{ do: 'kill' }]),
    heal: (u) => inNode(u, [{ do: 'start' }, { do: 'wait-ready' }]),
  },
  explore: { effects: ['node'], draw: oneWebNode },
  sim: {
    how: 'the node stops at once: no adverts, VIPs gone with it; power-on boots it again',
    apply: (u, sim) => u.nodes.forEach((n) => sim.powerOff(n)),
    heal: (u, sim) => u.nodes.forEach((n) => sim.powerOn(n)),
  },
});

export const pause = defineFault({
  kind: 'pause',
  healName: 'resume',
  summary: 'the node is frozen (docker pause); heal: resume',
  target: 'nodes',
  options: {},
  describe: (f) => `pause ${f.nodes.join(', ')}`,
  docker: {
    roles: ['web', 'mysql', 'prober'],
    how: 'freeze the node (docker pause: every process stopped, the link stays up)',
    apply: (u) => inNode(u, [{ do: 'pause' }]),
    heal: (u) => inNode(u, [{ do: 'unpause' }]),
  },
  sim: { unsupported: 'the simulator cannot freeze a node (use --driver docker)' },
});
