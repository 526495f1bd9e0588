/**
 * The timeline of a scenario, pure: evidence in, bands out (drawn by html.ts). Every band says
 * where it comes from; a node or a band without evidence is `null` ("not measured").
 *
 * Sources, best first:
 * - VRRP state and VIP ownership per node: VIP samples (the driver's `sample()`, taken while the
 *   scenario ran), else the daemons' events (`state` / `vip-add` / `vip-remove` lines of
 *   events.jsonl), else the adverts on the wire (master periods from the capture analysis: only
 *   MASTER is known, the rest of the time shows as `not MASTER`).
 * - The prober band: the prober's requests (prober.jsonl), else the result's outages (which were
 *   computed from those requests) inside the probing window.
 * - Fault and heal markers from the steps that ran; rollback heals; split brain from the result.
 */
import type { ProbeRecord, VipSample } from '../run/driver';
import type { ScenarioResult } from '../run/result';
import type { Timeline, TimelineNode } from './model';

/** A daemon event, time in seconds since the lab came up (see parseDaemonEvents). */
export interface NodeEvent {
  node: string;
  t: number;
  event: string;
  /** `state` events: the new state. */
  to?: string;
  /** `vip-add` / `vip-remove`: the addresses. */
  vips?: string[];
}

/** A router as master of record on the wire (capture analysis), by node name. */
export interface MasterPeriodRecord {
  node: string;
  start: number;
  end: number;
}

/** What a scenario left besides its result. Times: probes and samples in ms, the rest seconds. */
export interface ScenarioEvidence {
  probes?: readonly ProbeRecord[];
  samples?: readonly VipSample[];
  events?: readonly NodeEvent[];
  masterPeriods?: readonly MasterPeriodRecord[];
}

type Band<T> = { start: number; end: number } & T;

/** Consecutive values -> bands; each band runs until the next change (or `end`). */
function bandsOf<T>(
  points: readonly { t: number; value: T }[],
  end: number,
  same: (a: T, b: T) => boolean,
): { start: number; end: number; value: T }[] {
  const out: { start: number; end: number; value: T }[] = [];
  for (const p of points) {
    const last = out.at(-1);
    if (last && same(last.value, p.value)) continue;
    if (last) last.end = p.t;
    out.push({ start: p.t, end, value: p.value });
  }
  const last = out.at(-1);
  if (last) last.end = Math.max(last.start, end);
  return out;
}

const r6 = (x: number): number => Math.round(x * 1e6) / 1e6;

function nodesFromSamples(samples: readonly VipSample[], end: number): TimelineNode[] {
  const names = new Set<string>();
  for (const s of samples) {
    for (const n of Object.keys(s.states)) names.add(n);
    for (const n of s.owners) names.add(n);
  }
  const nodes: TimelineNode[] = [];
  for (const name of [...names].sort()) {
    const present = samples.filter((s) => s.states[name] !== undefined);
    const states = bandsOf(
      present.map((s) => ({ t: r6(s.t / 1000), value: s.states[name] ?? 'unknown' })),
      end,
      (a, b) => a === b,
    ).map((b) => ({ start: b.start, end: b.end, state: b.value }));
    const vipBands = bandsOf(
      samples.map((s) => ({ t: r6(s.t / 1000), value: s.owners.includes(name) })),
      end,
      (a, b) => a === b,
    )
      .filter((b) => b.value)
      .map((b) => ({ start: b.start, end: b.end }));
    nodes.push({ name, states, vip: vipBands, source: 'vip samples' });
  }
  return nodes;
}

function nodesFromEvents(events: readonly NodeEvent[], end: number): TimelineNode[] {
  const names = [...new Set(events.map((e) => e.node))].sort();
  return names.map((name) => {
    const mine = events.filter((e) => e.node === name).sort((a, b) => a.t - b.t);
    const stateEvents = mine.filter((e) => e.event === 'state' && e.to !== undefined);
    const vipEvents = mine.filter((e) => e.event === 'vip-add' || e.event === 'vip-remove');
    const states = bandsOf(
      stateEvents.map((e) => ({ t: e.t, value: e.to ?? 'unknown' })),
      end,
      (a, b) => a === b,
    ).map((b) => ({ start: b.start, end: b.end, state: b.value }));
    const vip = bandsOf(
      vipEvents.map((e) => ({ t: e.t, value: e.event === 'vip-add' })),
      end,
      (a, b) => a === b,
    )
      .filter((b) => b.value)
      .map((b) => ({ start: b.start, end: b.end }));
    return {
      name,
      states: stateEvents.length > 0 ? states : null,
      vip: vipEvents.length > 0 ? vip : null,
      source: 'daemon events',
    };
  });
}

function nodesFromAdverts(
  periods: readonly MasterPeriodRecord[],
  start: number,
  end: number,
): TimelineNode[] {
  const names = [...new Set(periods.map((p) => p.node))].sort();
  return names.map((name) => {
    const mine = periods.filter((p) => p.node === name).sort((a, b) => a.start - b.start);
    const states: Band<{ state: string }>[] = [];
    let t = start;
    for (const p of mine) {
      if (p.start > t) states.push({ start: t, end: p.start, state: 'not MASTER' });
      states.push({ start: p.start, end: p.end, state: 'MASTER' });
      t = Math.max(t, p.end);
    }
    if (t < end) states.push({ start: t, end, state: 'not MASTER' });
    return { name, states, vip: null, source: 'VRRP adverts' };
  });
}

function probeBands(probes: readonly ProbeRecord[], end: number): Band<{ ok: boolean }>[] {
  return bandsOf(
    probes.map((p) => ({ t: r6(p.t / 1000), value: p.ok })),
    end,
    (a, b) => a === b,
  ).map((b) => ({ start: b.start, end: b.end, ok: b.value }));
}

function bandsFromOutages(r: ScenarioResult): Band<{ ok: boolean }>[] {
  const out: Band<{ ok: boolean }>[] = [];
  let t = r.steadyAt ?? 0;
  for (const o of r.outages) {
    if (o.start > t) out.push({ start: t, end: o.start, ok: true });
    const end = o.end ?? r.end;
    out.push({ start: o.start, end, ok: false });
    t = end;
  }
  if (t < r.end) out.push({ start: t, end: r.end, ok: true });
  return out;
}

/**
 * The timeline of a result and its evidence; null when there is nothing to draw (a skipped
 * scenario, or one that never came up).
 */
export function buildTimeline(
  r: ScenarioResult,
  evidence: ScenarioEvidence | undefined,
  nodeNames: readonly string[] = [],
): Timeline | null {
  if (r.status === 'skipped' || (r.steadyAt === null && !evidence)) return null;
  const end = r.end;
  const start = 0;
  const ev = evidence ?? {};

  let nodes: TimelineNode[] = [];
  if (ev.samples && ev.samples.length > 0) nodes = nodesFromSamples(ev.samples, end);
  else if (ev.events && ev.events.length > 0) nodes = nodesFromEvents(ev.events, end);
  else if (ev.masterPeriods && ev.masterPeriods.length > 0)
    nodes = nodesFromAdverts(ev.masterPeriods, start, end);
  // Nodes of the lab without any evidence still get a row: "not measured".
  for (const name of nodeNames)
    if (!nodes.some((n) => n.name === name))
      nodes.push({ name, states: null, vip: null, source: null });
  nodes.sort((a, b) => a.name.localeCompare(b.name));

  let probes: Band<{ ok: boolean }>[] | null = null;
  let probeSource: string | null = null;
  if (ev.probes && ev.probes.length > 0) {
    probes = probeBands(ev.probes, end);
    probeSource = 'prober requests';
  } else if (r.probes.requests > 0 && r.steadyAt !== null) {
    probes = bandsFromOutages(r);
    probeSource = 'client outages';
  }

  const markers: Timeline['markers'] = [];
  for (const s of r.steps) {
    if (s.start === null) continue;
    if (s.kind === 'fault') markers.push({ at: s.start, kind: 'fault', label: s.description });
    if (s.kind === 'heal') markers.push({ at: s.start, kind: 'heal', label: s.description });
  }
  for (const rb of r.rollback)
    markers.push({ at: rb.at, kind: 'rollback', label: `rollback: heal ${rb.fault}` });

  return {
    start,
    end,
    nodes,
    probes,
    probeSource,
    markers,
    splitBrain: r.splitBrain.map((b) => ({ start: b.start, end: b.end, nodes: b.nodes })),
  };
}
