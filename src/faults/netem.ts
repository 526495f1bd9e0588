/**
 * The quality of a node's egress: a share of packets lost, or every packet delayed (plus up to
 * a jitter). On Docker these need tc netem (the kernel's sch_netem); where it is missing they
 * are refused before the run.
 */
import { z } from 'zod';
import { formatDuration, parseDuration } from '../scenario/duration';
import { duration } from '../scenario/primitives';
import { inNode, sh } from './steps';
import { defineFault, type FaultStep } from './types';

/** `tc qdisc replace ... netem` (needs the kernel's sch_netem); heal deletes the root qdisc. */
function netem(args: string[]): FaultStep[] {
  return [{ do: 'exec', cmd: ['tc', 'qdisc', 'replace', 'dev', 'eth0', 'root', 'netem', ...args] }];
}
const netemClear: FaultStep[] = [sh('tc qdisc del dev eth0 root 2>/dev/null || true')];
const percent = (rate: number): string => `${Math.round(rate * 1e6) / 1e4}%`;
/** Durations were checked by the schema's pattern; this only narrows the type. */
const ms = (text: string): number => parseDuration(text) ?? 0;

export const loss = defineFault({
  kind: 'loss',
  healName: 'unloss',
  summary: "lose a share of the node's outgoing packets",
  target: 'nodes',
  options: {
    rate: z.number().gt(0).max(1).describe('Share of packets lost, 0 < rate <= 1'),
  },
  normalise: (s) => ({ rate: s.rate }),
  healParams: () => ({ rate: 0 }),
  describe: (f) => `loss ${f.rate} on ${f.nodes.join(', ')}`,
  docker: {
    roles: ['web'],
    how: "tc netem drops a share of the node's outgoing packets (needs sch_netem)",
    needs: 'netem',
    apply: (u) => inNode(u, netem(['loss', percent(u.rate)])),
    heal: (u) => inNode(u, netemClear),
  },
  sim: {
    how: "each of the node's outgoing packets is lost with this probability (seeded)",
    apply: (u, sim) => u.nodes.forEach((n) => sim.loss(n, u.rate)),
    heal: (u, sim) => u.nodes.forEach((n) => sim.loss(n, 0)),
  },
});

export const delay = defineFault({
  kind: 'delay',
  healName: 'undelay',
  summary: "delay the node's outgoing packets",
  target: 'nodes',
  options: {
    latency: duration.describe("Added to every outgoing packet's delay"),
    jitter: duration.optional().describe('Plus a random delay up to this'),
  },
  normalise: (s) => ({
    latencyMs: ms(s.latency),
    jitterMs: s.jitter === undefined ? 0 : ms(s.jitter),
  }),
  healParams: () => ({ latencyMs: 0, jitterMs: 0 }),
  describe: (f) =>
    `delay ${formatDuration(f.latencyMs)} (jitter ${formatDuration(f.jitterMs)}) on ${f.nodes.join(', ')}`,
  docker: {
    roles: ['web'],
    how: "tc netem delays the node's outgoing packets (needs sch_netem)",
    needs: 'netem',
    apply: (u) =>
      inNode(u, netem(['delay', `${u.latencyMs}ms`, ...(u.jitterMs ? [`${u.jitterMs}ms`] : [])])),
    heal: (u) => inNode(u, netemClear),
  },
  sim: {
    how: "each of the node's outgoing packets arrives later by the latency plus up to the jitter (seeded)",
    apply: (u, sim) => u.nodes.forEach((n) => sim.delay(n, u.latencyMs, u.jitterMs)),
    heal: (u, sim) => u.nodes.forEach((n) => sim.delay(n, 0, 0)),
  },
});
