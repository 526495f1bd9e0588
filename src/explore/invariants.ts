/**
 * The invariants `chaos explore` checks, each a pure function of what a run yields: the
 * scenario it ran, its ScenarioResult (step times, switchovers from the wire, objectives) and the
 * VIP samples recorded through it (owners and VRRP states). A Docker run yields the same, so a
 * soak can check them too. Bounds come from the nodes' keepalived configs (bounds.ts); the
 * reasoning behind each is in docs/explore.md.
 *
 * Each returns the first violation it finds, with the moment to check it at and the scenario
 * expectation (file form) that fails there, or null.
 */
import type { ScenarioResult } from '../run/result';
import type { VipSample } from '../run/driver';
import type { Scenario } from '../scenario/types';
import type { LabBounds, NodeBounds } from './bounds';
import { activeAt, eventTimes, faultWindows, lastEventAt, type FaultWindow } from './windows';
import { msText } from '../faults/explore-draw';

export const INVARIANTS = [
  'single-master',
  'vip-continuity',
  'no-spurious-switchover',
  'preemption',
  'slo',
] as const;
export type InvariantName = (typeof INVARIANTS)[number];

/** What a run yields. */
export interface RunEvidence {
  scenario: Scenario;
  result: ScenarioResult;
  samples: readonly VipSample[];
}

export interface Violation {
  invariant: InvariantName;
  /** ms since the lab came up: where the expectation below fails. */
  atMs: number;
  /** The bound that was exceeded, ms (0 where there is none: slo). */
  boundMs: number;
  /** What was seen, in words. */
  observed: string;
  /** The expectation (file form) that fails at `atMs`; null: the scenario's objectives fail. */
  expect: Record<string, unknown> | null;
}

/** Slack on the takeover bounds: a sample's resolution and the time a router takes to act. */
export const TAKEOVER_SLACK_MS = 100;

interface Ctx {
  e: RunEvidence;
  b: LabBounds;
  windows: FaultWindow[];
  events: number[];
  steadyMs: number;
  samples: readonly VipSample[];
}

const s3 = (ms: number): string => `${(ms / 1000).toFixed(3)} s`;
const masters = (c: Ctx, s: VipSample): string[] =>
  c.b.nodes.filter((n) => s.states[n.node] === 'MASTER').map((n) => n.node);

/** How many web nodes the sample shows MASTER (no allocation: it runs for every sample). */
function masterCount(c: Ctx, s: VipSample): number {
  let n = 0;
  for (const b of c.b.nodes) if (s.states[b.node] === 'MASTER') n++;
  return n;
}

/**
 * At most one VIP owner and one master, once the links have been whole for the settle time,
 * for longer than one advert interval: a backup that takes over while the master lives (a
 * spurious switchover) holds the VIP beside it until the master's answer reaches it, a round
 * trip; only an overlap that outlives an advert interval is a split brain.
 */
function singleMaster(c: Ctx): Violation | null {
  let since: number | null = null;
  for (const s of c.samples) {
    if (
      (s.owners.length <= 1 && masterCount(c, s) <= 1) ||
      activeAt(c.windows, s.t, 'links') ||
      s.t - lastEventAt(c.events, s.t) <= c.b.settleMs
    ) {
      since = null;
      continue;
    }
    since ??= s.t;
    if (s.t - since < c.b.advertMs) continue;
    const m = masters(c, s);
    const last = lastEventAt(c.events, s.t);
    return {
      invariant: 'single-master',
      atMs: s.t,
      boundMs: c.b.settleMs,
      observed: `VIP held by ${s.owners.join(', ') || 'nobody'}, MASTER: ${m.join(', ') || 'none'} at ${s3(s.t)} for ${s3(s.t - since)}, ${s3(s.t - last)} after the last fault or heal, links whole (bound ${s3(c.b.settleMs)})`,
      expect:
        s.owners.length > 1 ? { splitBrain: false } : { state: { node: m.at(-1), is: 'BACKUP' } },
    };
  }
  return null;
}

/**
 * When `n` could hold the VIP again: after its last node fault healed and its scripts passed;
 * null while a node fault is on it, or a timing fault (its adverts or the master's late).
 */
function eligibleSince(c: Ctx, n: NodeBounds, t: number): number | null {
  if (activeAt(c.windows, t, 'node', n.node) || activeAt(c.windows, t, 'timing', n.node))
    return null;
  let since = 0;
  for (const w of c.windows)
    if (w.toMs <= t && w.effects.includes('node') && w.nodes.includes(n.node))
      since = Math.max(since, w.toMs + n.recoverMs);
  return since;
}

/** The VIP has an owner again within Master_Down_Interval + slack while a node could take it. */
function vipContinuity(c: Ctx): Violation | null {
  let lostAt: number | null = null;
  for (const s of c.samples) {
    if (s.owners.length > 0) {
      lostAt = null;
      continue;
    }
    lostAt ??= s.t;
    let best: { n: NodeBounds; start: number } | null = null;
    for (const n of c.b.nodes) {
      const since = eligibleSince(c, n, s.t);
      if (since === null) continue;
      const start = Math.max(lostAt, since);
      if (!best || start + n.masterDownMs < best.start + best.n.masterDownMs) best = { n, start };
    }
    if (!best) continue;
    const bound = best.n.masterDownMs + TAKEOVER_SLACK_MS;
    if (s.t - best.start <= bound) continue;
    return {
      invariant: 'vip-continuity',
      atMs: s.t,
      boundMs: bound,
      observed: `no VIP owner from ${s3(lostAt)} to ${s3(s.t)} while ${best.n.node} could take it (since ${s3(best.start)}; bound ${s3(bound)})`,
      expect: { vipOwner: best.n.node },
    };
  }
  return null;
}

/** How long after a fault or heal a switchover may still be its consequence. */
export function consequenceWindowMs(b: LabBounds): number {
  return b.settleMs + b.preemptDelayMs + b.recoverMs;
}

/** The last sample at or before `t` (the first one when none). */
function sampleAt(c: Ctx, t: number): VipSample | undefined {
  let lo = 0;
  let hi = c.samples.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (c.samples[mid]!.t <= t) lo = mid;
    else hi = mid - 1;
  }
  return c.samples[lo];
}

/** Two owners or two masters in the sample: a split brain, single-master's business. */
function split(c: Ctx, s: VipSample | undefined): boolean {
  return s !== undefined && (s.owners.length > 1 || masterCount(c, s) > 1);
}

/**
 * A switchover needs a cause: a fault or heal shortly before, or a timing fault active. The
 * check is made at the end of the run, over the whole wire (the analysis of a switchover can
 * change as later adverts arrive): at most the switchovers seen since the window opened, less
 * this one.
 */
function noSpuriousSwitchover(c: Ctx): Violation | null {
  const window = consequenceWindowMs(c.b);
  const all = c.e.result.switchovers;
  const endMs = c.e.result.end * 1000;
  for (const sw of all) {
    const t = sw.at * 1000;
    if (sw.duringSplitBrain || split(c, sampleAt(c, t)) || activeAt(c.windows, t, 'timing'))
      continue;
    const since = lastEventAt(c.events, t);
    if (t - since <= window) continue;
    const lastMs = Math.max(1, Math.floor(endMs - (since + window)));
    const seen = all.filter((x) => x.at * 1000 >= endMs - lastMs).length;
    return {
      invariant: 'no-spurious-switchover',
      atMs: endMs,
      boundMs: window,
      observed: `switchover ${sw.from} -> ${sw.to} (${sw.reason}) at ${s3(t)}, ${s3(t - since)} after the last fault or heal (bound ${s3(window)}), no loss or delay active`,
      expect: { switchovers: { atMost: seen - 1, last: msText(lastMs) } },
    };
  }
  return null;
}

const byName = (c: Ctx, name: string): NodeBounds | undefined =>
  c.b.nodes.find((n) => n.node === name);

/** A preempting node of higher priority takes the VIP; a nopreempt one never takes it. */
function preemption(c: Ctx): Violation | null {
  let held = null as { key: string; since: number } | null;
  for (const s of c.samples) {
    const owner = s.owners.length === 1 ? byName(c, s.owners[0]!) : undefined;
    const n =
      owner &&
      !owner.weighted &&
      s.states[owner.node] === 'MASTER' &&
      !activeAt(c.windows, s.t, 'links') &&
      !activeAt(c.windows, s.t, 'timing')
        ? c.b.nodes.find(
            (x) =>
              x.preempt &&
              !x.weighted &&
              x.priority > owner.priority &&
              s.states[x.node] === 'BACKUP',
          )
        : undefined;
    if (!owner || !n) {
      held = null;
      continue;
    }
    const key = `${owner.node}>${n.node}`;
    if (held?.key !== key) held = { key, since: s.t };
    const start = Math.max(held.since, lastEventAt(c.events, s.t));
    const bound = n.preemptDelayMs + n.masterDownMs + c.b.advertMs + TAKEOVER_SLACK_MS;
    if (s.t - start <= bound) continue;
    return {
      invariant: 'preemption',
      atMs: s.t,
      boundMs: bound,
      observed: `${n.node} (priority ${n.priority}, preempt) still BACKUP under ${owner.node} (priority ${owner.priority}) at ${s3(s.t)}, ${s3(s.t - start)} after it could preempt (bound ${s3(bound)})`,
      expect: { vipOwner: n.node },
    };
  }
  return nopreempt(c);
}

/** A nopreempt node took the VIP from a live master (it preempted it), links whole and calm. */
function nopreempt(c: Ctx): Violation | null {
  for (const sw of c.e.result.switchovers) {
    const to = byName(c, sw.to);
    if (!to || to.preempt || sw.reason !== 'preempted') continue;
    const t = sw.at * 1000;
    if (activeAt(c.windows, t, 'links') || activeAt(c.windows, t, 'timing')) continue;
    const since = lastEventAt(c.events, t);
    if (t - since <= c.b.settleMs) continue;
    return {
      invariant: 'preemption',
      atMs: Math.ceil(t + c.b.advertMs),
      boundMs: c.b.settleMs,
      observed: `${sw.to} (nopreempt) took the VIP from ${sw.from}, still advertising, at ${s3(t)}`,
      expect: { vipOwner: sw.from },
    };
  }
  return null;
}

/** The scenario's objectives hold. */
function slo(c: Ctx): Violation | null {
  const miss = c.e.result.slo?.checks.filter((ch) => !ch.passed) ?? [];
  if (miss.length === 0) return null;
  return {
    invariant: 'slo',
    atMs: c.e.result.end * 1000,
    boundMs: 0,
    observed: miss.map((m) => m.message).join('; '),
    expect: null,
  };
}

const CHECKS: Record<InvariantName, (c: Ctx) => Violation | null> = {
  'single-master': singleMaster,
  'vip-continuity': vipContinuity,
  'no-spurious-switchover': noSpuriousSwitchover,
  preemption,
  slo,
};

/** The first violation of each invariant asked for, in INVARIANTS order. */
export function checkInvariants(
  e: RunEvidence,
  b: LabBounds,
  names: readonly InvariantName[] = INVARIANTS,
): Violation[] {
  if (e.result.steadyAt === null || e.result.status === 'error') return [];
  const windows = faultWindows(e.scenario, e.result);
  const steadyMs = e.result.steadyAt * 1000;
  const c: Ctx = {
    e,
    b,
    windows,
    events: eventTimes(windows),
    steadyMs,
    samples: e.samples.filter((s) => s.t >= steadyMs),
  };
  return INVARIANTS.filter((n) => names.includes(n)).flatMap((n) => CHECKS[n](c) ?? []);
}
