/**
 * Delay: a node's packets held for a latency plus up to a jitter, those it sends (out, the
 * default), receives (in) or both, all of them or only VRRP. No netem: on Docker iptables sends
 * them to an NFQUEUE (rules marked `chaos-delay`, `--queue-bypass` so that packets pass should
 * the helper die) and the web image's helper chaos-delayq (docker/web/delayq/delayq.c) holds
 * each one and lets it go later, in order unless the jitter reorders them. A heal deletes every
 * chaos-delay rule, then stops the helper, which lets go of all it holds: nothing is lost. The
 * simulator holds packets the same way (src/sim/delay-lines.ts); it carries only VRRP, so
 * `protocol` changes nothing there.
 */
import { formatDuration, parseDuration } from '../scenario/duration';
import { DIRECTIONS, type Direction } from '../scenario/primitives';
import { msText, oneWebNode, pick } from './explore-draw';
import { duration } from '../scenario/primitives';
import {
  chains,
  deleteCommented,
  directed,
  inNode,
  insertAll,
  protocolMatch,
  sh,
  trafficOptions,
  trafficParams,
  type Protocol,
  type Rule,
} from './steps';
import { defineFault, type FaultStep, type SimFaultContext } from './types';

const COMMENT = 'chaos-delay';
/** The node's queue (each container is its own network namespace, so one number serves all). */
const QUEUE = 7;
const PIDFILE = '/run/chaos-delayq.pid';
const LOG = '/var/log/chaos/chaos-delayq.log';
/** How long apply waits for the helper to bind its queue, and heal for it to stop (50 ms polls). */
const WAIT_POLLS = 100;

export interface DelayParams {
  latencyMs: number;
  jitterMs: number;
  direction: Direction;
  protocol: Protocol;
}

/** The chain rules of a delay: the node's LAN packets (not loopback) to the helper's queue. */
function delayRules(protocol: Protocol): Rule[] {
  const match = [
    ...protocolMatch(protocol),
    ...['-m', 'comment', '--comment', COMMENT],
    ...['-j', 'NFQUEUE', '--queue-num', String(QUEUE), '--queue-bypass'],
  ];
  return [
    ['INPUT', '!', '-i', 'lo', ...match],
    ['OUTPUT', '!', '-o', 'lo', ...match],
  ];
}

/** Start the helper detached and wait until its pidfile says the queue is bound. */
function startHelper(latencyMs: number, jitterMs: number): FaultStep {
  return sh(
    [
      `rm -f ${PIDFILE}`,
      `chaos-delayq -q ${QUEUE} -l ${latencyMs} -j ${jitterMs} -p ${PIDFILE} </dev/null >>${LOG} 2>&1 &`,
      `i=0; until [ -s ${PIDFILE} ]; do`,
      `  kill -0 $! 2>/dev/null || { echo "chaos-delayq exited: $(tail -n 3 ${LOG})" >&2; exit 1; }`,
      `  i=$((i+1)); [ $i -lt ${WAIT_POLLS} ] || { echo 'chaos-delayq: queue not bound after 5 s' >&2; exit 1; }`,
      '  sleep 0.05',
      'done',
    ].join('\n'),
  );
}

/** Stop every helper of the node (SIGTERM: it accepts what it holds) and wait until gone. */
const stopHelper: FaultStep = sh(
  [
    'pkill -TERM -x chaos-delayq',
    'i=0; while pgrep -x chaos-delayq >/dev/null; do',
    `  i=$((i+1)); [ $i -lt ${WAIT_POLLS} ] || { echo 'chaos-delayq did not stop within 5 s' >&2; exit 1; }`,
    '  sleep 0.05',
    'done',
    `rm -f ${PIDFILE}`,
  ].join('\n'),
);

/** Heal, whatever was applied: every chaos-delay rule of both chains, then the helper. */
const healSteps: FaultStep[] = [...deleteCommented(COMMENT, delayRules('all')), stopHelper];

/** As on Docker, a heal (and a new apply, first) clears both directions. */
function simHeal(u: { nodes: string[] }, sim: SimFaultContext): void {
  for (const n of u.nodes) {
    sim.delay(n, 0, 0);
    sim.ingressDelay(n, 0, 0);
  }
}

/** Durations were checked by the schema's pattern; this only narrows the type. */
const ms = (text: string): number => parseDuration(text) ?? 0;

export const delay = defineFault({
  kind: 'delay',
  healName: 'undelay',
  summary: "hold the node's packets for a latency plus up to a jitter (sent by default)",
  target: 'nodes',
  options: {
    latency: duration.describe('How long each packet is held'),
    jitter: duration.optional().describe('Plus a uniform random delay up to this (reorders)'),
    ...trafficOptions,
  },
  normalise: (s): DelayParams => ({
    latencyMs: ms(s.latency),
    jitterMs: s.jitter === undefined ? 0 : ms(s.jitter),
    ...trafficParams(s),
  }),
  // A heal never narrows: the node has one helper and one queue for both chains.
  healParams: (): DelayParams => ({
    latencyMs: 0,
    jitterMs: 0,
    direction: 'both',
    protocol: 'all',
  }),
  describe: (f) =>
    `delay ${formatDuration(f.latencyMs)}${f.jitterMs > 0 ? ` (jitter ${formatDuration(f.jitterMs)})` : ''}${f.protocol === 'vrrp' ? ' of VRRP' : ''}${f.direction === 'out' ? '' : ` (${f.direction})`} on ${f.nodes.join(', ')}`,
  // From a few ms to past Master_Down_Interval (4 s); a jitter in half the draws.
  explore: {
    effects: ['links', 'timing'],
    draw: (rng, ctx) => {
      const target = oneWebNode(rng, ctx);
      if (!target) return null;
      const jitter = rng.chance(0.5) ? { jitter: msText(rng.int(1, 500)) } : {};
      return {
        ...target,
        latency: msText(rng.int(5, 4000)),
        ...jitter,
        direction: pick(rng, DIRECTIONS),
      };
    },
  },
  docker: {
    roles: ['web'],
    how: "iptables NFQUEUE (OUTPUT, INPUT or both; all or VRRP only) to the image's chaos-delayq, which holds each packet, then accepts it",
    apply: (u) =>
      inNode(u, [
        ...healSteps,
        startHelper(u.latencyMs, u.jitterMs),
        ...insertAll(directed(delayRules(u.protocol), u.direction)),
      ]),
    heal: (u) => inNode(u, healSteps),
  },
  sim: {
    how: 'each packet the node sends (out) or each copy it receives (in) is held for the latency plus up to the jitter (seeded), a heal lets go of all held; only VRRP is simulated, so protocol changes nothing',
    apply: (u, sim) => {
      simHeal(u, sim);
      for (const n of u.nodes)
        for (const d of chains(u.direction))
          if (d === 'out') sim.delay(n, u.latencyMs, u.jitterMs);
          else sim.ingressDelay(n, u.latencyMs, u.jitterMs);
    },
    heal: simHeal,
  },
});
