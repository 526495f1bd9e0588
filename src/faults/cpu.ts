/**
 * CPU starvation: the node's CPU quota is cut to `cpus` (default 0.02, 2 ms of CPU per 100 ms)
 * so that its VRRP daemon's timers slip: its adverts go out late, by whole CFS periods when the
 * container has used its quota (see src/sim/cpu-lateness.ts for the measurements). On Docker
 * the CFS bandwidth limit is set from the host (`docker update`), no exec in the starved node:
 * `cpu-limit` records the limit the container had in the container itself before cutting it,
 * `cpu-restore` puts exactly that back (src/lab/docker-cpu.ts), so a `chaos heal` in another
 * process restores it and healing a node never starved changes nothing. The simulator fires
 * the node's timers (and what they send) late by a seeded draw.
 */
import { z } from 'zod';
import { oneWebNode, pick } from './explore-draw';
import { inNode } from './steps';
import { defineFault } from './types';

/** The smallest CFS quota Docker accepts is 1 ms per 100 ms period. */
const MIN_CPUS = 0.01;

export const cpuStarve = defineFault({
  kind: 'cpu-starve',
  healName: 'cpu-unstarve',
  summary: "cut the node's CPU quota so that its VRRP timers slip; heal: the quota it had",
  target: 'nodes',
  vrrpTargets: true,
  options: {
    cpus: z
      .number()
      .min(MIN_CPUS)
      .max(1)
      .optional()
      .describe('CPUs the node may use, 0.01 to 1 (default 0.02: 2 ms per 100 ms period)'),
  },
  normalise: (s): { cpus: number } => ({ cpus: s.cpus ?? 0.02 }),
  healParams: (): { cpus: number } => ({ cpus: 1 }),
  explore: {
    effects: ['timing'],
    draw: (rng, ctx) => {
      const target = oneWebNode(rng, ctx);
      return target && { ...target, cpus: pick(rng, [0.01, 0.02, 0.05, 0.2]) };
    },
  },
  describe: (f) => `cpu-starve ${f.nodes.join(', ')} to ${f.cpus} CPU`,
  docker: {
    roles: ['web'],
    how: 'docker update: CFS quota cpus x period (cgroup), the limit it had recorded in the container; heal: that limit back',
    apply: (u) => inNode(u, [{ do: 'cpu-limit', cpus: u.cpus }]),
    heal: (u) => inNode(u, [{ do: 'cpu-restore' }]),
  },
  sim: {
    how: "the node's timers fire late, and what they send with them, by whole CFS periods drawn (seeded) from the lateness measured on Docker",
    apply: (u, sim) => u.nodes.forEach((n) => sim.cpuLimit(n, u.cpus)),
    heal: (u, sim) => u.nodes.forEach((n) => sim.cpuLimit(n, null)),
  },
});
