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
 * Outages: from the first failed request to the first successful one after it. An outage
 * still going on at the last request ends `null` and lasts until that request.
 */
export function outagesFromProbes(probes: readonly ProbeRecord[]): OutageRecord[] {
  const out: OutageRecord[] = [];
  let start: number | null = null;
  let failed = 0;
  let last = 0;
  for (const p of probes) {
    last = p.t;
    if (!p.ok) {
      if (start === null) start = p.t;
      failed++;
    } else if (start !== null) {
      out.push({
        start: seconds(start),
        end: seconds(p.t),
        durationSeconds: seconds(p.t - start),
        failedRequests: failed,
      });
      start = null;
      failed = 0;
    }
  }
  if (start !== null)
    out.push({
      start: seconds(start),
      end: null,
      durationSeconds: seconds(last - start),
      failedRequests: failed,
    });
  return out;
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
