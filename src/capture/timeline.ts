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
 * TimelineBuilder (timeline-builder.ts) puts those steps together one observation at a time,
 * per VRID group (timeline-group.ts); this file feeds it a list. The result's shapes are in
 * timeline-types.ts.
 */
import type { Observation } from './frame';
import { TimelineBuilder } from './timeline-builder';
import { compareObservations, isSorted } from './timeline-order';
import type { AnalysisResult, TimelineOptions } from './timeline-types';

export { compareIp } from './timeline-order';
export { livenessWindowSeconds } from './timeline-runs';
export { TimelineBuilder } from './timeline-builder';
export type { TimelineEvent } from './timeline-builder';
export type * from './timeline-types';

/** Analyse observations from one or several captures (any order). */
export function analyzeTimeline(
  observations: readonly Observation[],
  options: TimelineOptions = {},
): AnalysisResult {
  const sorted = isSorted(observations)
    ? observations
    : [...observations].sort(compareObservations);
  const builder = new TimelineBuilder(options);
  for (const o of sorted) builder.push(o);
  return builder.finish(options.sources ?? []);
}
