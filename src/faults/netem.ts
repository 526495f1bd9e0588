/**
 * The delay of a node's egress: every packet later by a latency (plus up to a jitter). On
 * Docker this needs tc netem (the kernel's sch_netem); where it is missing it is refused before
 * the run. (Loss is loss.ts: iptables, no netem.)
 */
import { formatDuration, parseDuration } from '../scenario/duration';
import { duration } from '../scenario/primitives';
import { inNode, sh } from './steps';
import { defineFault, type FaultStep } from './types';

/** `tc qdisc replace ... netem` (needs the kernel's sch_netem); heal deletes the root qdisc. */
function netem(args: string[]): FaultStep[] {
  return [{ do: 'exec', cmd: ['tc', 'qdisc', 'replace', 'dev', 'eth0', 'root', 'netem', ...args] }];
}
const netemClear: FaultStep[] = [sh('tc qdisc del dev eth0 root 2>/dev/null || true')];
/** Durations were checked by the schema's pattern; this only narrows the type. */
const ms = (text: string): number => parseDuration(text) ?? 0;

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
