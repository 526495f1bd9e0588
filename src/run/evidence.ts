/**
 * Evidence -> result records, pure and shared by every driver: client outages from the
 * prober's requests, switchovers, split brain and advert lateness from the VRRP timeline
 * (src/capture), with addresses turned into the lab's node names.
 */
import { advertLateness, type AnalysisResult, type TimeWindow } from '../capture';
import type { ProbeRecord } from './driver';
import type {
  AdvertLatenessRecord,
  OutageRecord,
  ProbeSummary,
  SplitBrainRecord,
  SwitchoverRecord,
} from './result';

const seconds = (ms: number): number => ms / 1000;

/**
 * Outages: from the first failed request (sent) to the first successful answer after it
 * (received: the request's send time plus its latency), so a request that hung until the
 * service came back (a client's SYN queued behind an unresolved ARP entry, answered once the
 * new master's gratuitous ARP arrives) counts as down until it was answered. Outages that
 * overlap so (a failure sent before the previous outage's answer came) are one. An outage still
 * going on at the last request ends `null` and lasts until that request. The simulator's client
 * answers at once (latency 0): its outages end when the first good request is sent.
 */
export function outagesFromProbes(probes: readonly ProbeRecord[]): OutageRecord[] {
  /** ms; end null: still going on. */
  const spans: { start: number; end: number | null; failed: number }[] = [];
  let open: { start: number; failed: number } | null = null;
  for (const p of probes) {
    if (!p.ok) {
      if (open === null) {
        const previous = spans.at(-1);
        // A failure sent before the previous outage's answer came in: the same outage.
        if (previous && previous.end !== null && p.t < previous.end) {
          spans.pop();
          open = { start: previous.start, failed: previous.failed };
        } else open = { start: p.t, failed: 0 };
      }
      open.failed++;
    } else if (open !== null) {
      spans.push({ ...open, end: p.t + (p.latencyMs ?? 0) });
      open = null;
    }
  }
  if (open !== null) spans.push({ ...open, end: null });
  const last = probes.at(-1)?.t ?? 0;
  return spans.map((o) => ({
    start: seconds(o.start),
    end: o.end === null ? null : seconds(o.end),
    durationSeconds: seconds((o.end ?? last) - o.start),
    failedRequests: o.failed,
  }));
}

export function probeSummary(probes: readonly ProbeRecord[], intervalMs: number): ProbeSummary {
  const servedBy: Record<string, number> = {};
  let ok = 0;
  for (const p of probes) {
    if (!p.ok) continue;
    ok++;
    if (p.servedBy !== null) servedBy[p.servedBy] = (servedBy[p.servedBy] ?? 0) + 1;
  }
  return { intervalMs, requests: probes.length, ok, failed: probes.length - ok, servedBy };
}

/** address -> node name, for the lab's nodes and rogue routers. */
export type AddressBook = ReadonlyMap<string, string>;

export function switchoversOf(analysis: AnalysisResult, names: AddressBook): SwitchoverRecord[] {
  return analysis.switchovers.map((s) => ({
    vrid: s.vrid,
    from: names.get(s.from) ?? s.from,
    to: names.get(s.to) ?? s.to,
    at: s.at,
    gapSeconds: s.gapSeconds,
    reason: s.reason,
    duringSplitBrain: s.duringSplitBrain,
  }));
}

export function splitBrainOf(analysis: AnalysisResult, names: AddressBook): SplitBrainRecord[] {
  return analysis.splitBrain.map((b) => ({
    vrid: b.vrid,
    nodes: b.masters.map((m) => names.get(m) ?? m),
    start: b.start,
    end: b.end,
    durationSeconds: b.durationSeconds,
  }));
}

/**
 * Each sender's advert lateness over `run` (steady state to the end), and, when faults were
 * applied, only while they were (`faults`: the intervals ending inside one of the windows).
 */
export function latenessOf(
  analysis: AnalysisResult,
  names: AddressBook,
  run: TimeWindow,
  faults: readonly TimeWindow[],
): AdvertLatenessRecord[] {
  const windows: [AdvertLatenessRecord['window'], TimeWindow[]][] = [['run', [run]]];
  if (faults.length > 0) windows.push(['faults', [...faults]]);
  return windows.flatMap(([window, w]) =>
    advertLateness(analysis, w).map(({ src, ...l }) => ({
      vrid: l.vrid,
      node: names.get(src) ?? src,
      window,
      advertisedMs: l.advertisedMs,
      intervals: l.intervals,
      medianMs: l.medianMs,
      p95Ms: l.p95Ms,
      maxMs: l.maxMs,
    })),
  );
}
