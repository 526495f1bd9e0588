/**
 * VRRP timeline analysis: observations (from one capture or several) in, an AnalysisResult
 * out: per VRID the adverts, who was master when, switchovers with their gaps, split-brain
 * intervals and priority-0 adverts, plus gratuitous ARP bursts and decode-error counts.
 * Pure and linear in the number of observations (one sort when the input is not in order).
 *
 * The rules, from what a capture can show (it cannot see a router's state, only its adverts):
 *
 * - Only a master sends adverts (RFC 3768 6.4.3, RFC 5798 6.4.3), so an advert with priority
 *   > 0 means "the sender is master". A priority-0 advert means "the sender resigns".
 * - Duplicates (the same packet in several captures): timeline-duplicates.ts.
 * - Liveness, runs of adverts: timeline-runs.ts.
 * - Split brain: timeline-split-brain.ts.
 * - Master periods, switchovers and their reasons: timeline-masters.ts.
 * - Gratuitous ARP bursts and the switchovers they follow: timeline-garp.ts.
 *
 * This file puts those steps together; the result's shapes are in timeline-types.ts.
 */
import type { Observation } from './frame';
import { removeDuplicates } from './timeline-duplicates';
import { attachGarps, garpBursts } from './timeline-garp';
import { masterPeriodsOf } from './timeline-masters';
import { compareIp, compareObservations, isSorted } from './timeline-order';
import { buildRuns } from './timeline-runs';
import { findSplitBrain } from './timeline-split-brain';
import type {
  Advert,
  AnalysisResult,
  ErrorExample,
  ResolvedOptions,
  TimelineOptions,
  VridTimeline,
} from './timeline-types';

export { compareIp } from './timeline-order';
export { livenessWindowSeconds } from './timeline-runs';
export type * from './timeline-types';

const DEFAULTS = {
  duplicateWindowSeconds: 0.001,
  livenessToleranceSeconds: 0,
  garpBurstGapSeconds: 1,
  garpLeadSeconds: 0.1,
};

function analyzeVrid(
  vrid: number,
  adverts: Advert[],
  captureEnd: number,
  opts: ResolvedOptions,
): VridTimeline {
  // 1. Runs per router.
  const runs = buildRuns(vrid, adverts, captureEnd, opts.livenessToleranceSeconds);
  // 2. Split brain: overlapping coverage [start, lastMasterAdvert] of different routers.
  const splitBrain = findSplitBrain(vrid, runs.states, opts.minSplitBrainSeconds);
  // 3. Master periods and switchovers.
  const { masterPeriods, switchovers } = masterPeriodsOf(vrid, adverts, runs, splitBrain);

  const versions = new Set<number>();
  const routers = new Set<string>();
  const addresses = new Set<string>();
  for (const a of adverts) {
    versions.add(a.version);
    routers.add(a.src);
    for (const address of a.addresses) addresses.add(address);
  }
  return {
    vrid,
    versions: [...versions].sort(),
    routers: [...routers].sort(compareIp),
    addresses: [...addresses].sort(compareIp),
    adverts,
    runs: runs.states.map((st) => st.run),
    masterPeriods,
    switchovers,
    splitBrain,
    priorityZero: runs.priorityZero,
  };
}

function resolveOptions(options: TimelineOptions): ResolvedOptions {
  return {
    duplicateWindowSeconds: options.duplicateWindowSeconds ?? DEFAULTS.duplicateWindowSeconds,
    livenessToleranceSeconds: options.livenessToleranceSeconds ?? DEFAULTS.livenessToleranceSeconds,
    minSplitBrainSeconds: options.minSplitBrainSeconds,
    garpBurstGapSeconds: options.garpBurstGapSeconds ?? DEFAULTS.garpBurstGapSeconds,
    garpLeadSeconds: options.garpLeadSeconds ?? DEFAULTS.garpLeadSeconds,
  };
}

/** The frames' time span, decode errors by code (with the first of each), and ignored frames. */
function surveyFrames(sorted: readonly Observation[]): {
  start: number | null;
  end: number | null;
  errors: Record<string, number>;
  errorExamples: ErrorExample[];
  errorCount: number;
  ignored: number;
} {
  let start: number | null = null;
  let end: number | null = null;
  const errors: Record<string, number> = {};
  const errorExamples: ErrorExample[] = [];
  let errorCount = 0;
  let ignored = 0;
  for (const o of sorted) {
    if (start === null || o.time < start) start = o.time;
    if (end === null || o.time > end) end = o.time;
    if (o.kind === 'error') {
      errorCount++;
      if (errors[o.code] === undefined) {
        errors[o.code] = 0;
        errorExamples.push({
          code: o.code,
          message: o.message,
          source: o.source,
          frame: o.frame,
          time: o.time,
        });
      }
      errors[o.code]! += 1;
    } else if (o.kind === 'ignored') {
      ignored++;
    }
  }
  return { start, end, errors, errorExamples, errorCount, ignored };
}

/**
 * Every group's timeline, by VRID. A group is a VRID and the address list its adverts carry:
 * routers that picked the same VRID for other addresses (two teams on VRID 51) drop each
 * other's adverts (RFC 3768 7.1, as keepalived does), so they are two groups that never switch
 * over to each other and are not one split brain.
 */
function analyzeVrids(
  adverts: readonly Advert[],
  captureEnd: number,
  opts: ResolvedOptions,
): VridTimeline[] {
  const groups = new Map<string, { vrid: number; key: string; adverts: Advert[] }>();
  for (const a of adverts) {
    const key = [...a.addresses].sort(compareIp).join(',');
    const id = `${a.vrid}|${key}`;
    let group = groups.get(id);
    if (!group) groups.set(id, (group = { vrid: a.vrid, key, adverts: [] }));
    group.adverts.push(a);
  }
  return [...groups.values()]
    .sort((a, b) => a.vrid - b.vrid || (a.adverts[0]?.time ?? 0) - (b.adverts[0]?.time ?? 0))
    .map((g) => analyzeVrid(g.vrid, g.adverts, captureEnd, opts));
}

/** Analyse observations from one or several captures (any order). */
export function analyzeTimeline(
  observations: readonly Observation[],
  options: TimelineOptions = {},
): AnalysisResult {
  const opts = resolveOptions(options);
  const sorted = isSorted(observations)
    ? observations
    : [...observations].sort(compareObservations);
  const { start, end, errors, errorExamples, errorCount, ignored } = surveyFrames(sorted);

  const { adverts, arps, duplicates } = removeDuplicates(sorted, opts.duplicateWindowSeconds);
  const vrids = analyzeVrids(adverts, end ?? 0, opts);

  const switchovers = vrids
    .flatMap((v) => v.switchovers)
    .sort((a, b) => a.at - b.at || a.vrid - b.vrid);
  const splitBrain = vrids
    .flatMap((v) => v.splitBrain)
    .sort((a, b) => a.start - b.start || a.vrid - b.vrid);
  const priorityZero = vrids
    .flatMap((v) => v.priorityZero)
    .sort((a, b) => a.time - b.time || a.vrid - b.vrid);
  const garps = garpBursts(arps, opts.garpBurstGapSeconds);
  attachGarps(vrids, switchovers, garps, opts);

  return {
    packetCount: sorted.length,
    start,
    end,
    durationSeconds: start !== null && end !== null ? end - start : 0,
    sources: options.sources ?? [],
    vrids,
    switchovers,
    splitBrain,
    priorityZero,
    garps,
    errors,
    errorExamples,
    counts: {
      adverts: adverts.length,
      arp: arps.length,
      gratuitousArp: arps.filter((a) => a.gratuitous).length,
      ignored,
      duplicates,
      errors: errorCount,
    },
  };
}
