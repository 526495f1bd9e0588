/**
 * Advert lateness: how much later than it advertised each router's next advert came. For two
 * consecutive adverts of one router and VRID (both with priority > 0, the second within the
 * liveness window of the first, i.e. in one run: a silence that ends a run is a gap, not
 * lateness), the lateness is the time between them minus the interval the first advertised. On
 * time is about 0; a CPU-starved master (cpu-starve) shows whole CFS periods (100 ms, 200 ms,
 * ...). Summed up per sender as median, p95 and max, over the whole capture or only for the
 * intervals that end inside given windows (while a fault was applied). Pure.
 */
import { intervalSeconds, livenessWindowSeconds } from './timeline-runs';
import type { Advert, AnalysisResult } from './timeline-types';

/** A time window, seconds (the analysis's timebase). */
export interface TimeWindow {
  start: number;
  end: number;
}

export interface AdvertLateness {
  vrid: number;
  /** The advertising router (IPv4 source). */
  src: string;
  /** The interval it advertised, ms (the last counted advert's). */
  advertisedMs: number;
  /** Intervals counted. */
  intervals: number;
  /** Interval minus the advertised interval, ms; negative: early. */
  medianMs: number;
  p95Ms: number;
  maxMs: number;
}

/** The nearest-rank percentile `p` (0..1] of ascending `sorted` (not empty). */
function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)]!;
}

/** Round to a microsecond: capture timestamps carry no more. */
const micro = (ms: number): number => Math.round(ms * 1000) / 1000;

/** The lateness of one router's adverts (time order) that end inside `within`. */
function senderLateness(
  adverts: readonly Advert[],
  within: (t: number) => boolean,
): { late: number[]; advertisedMs: number } {
  const late: number[] = [];
  let advertisedMs = 0;
  for (let i = 1; i < adverts.length; i++) {
    const a = adverts[i - 1]!;
    const b = adverts[i]!;
    const gap = b.time - a.time;
    if (a.priority === 0 || b.priority === 0 || gap > livenessWindowSeconds(a)) continue;
    if (!within(b.time)) continue;
    advertisedMs = intervalSeconds(a) * 1000;
    late.push(micro(gap * 1000 - advertisedMs));
  }
  return { late, advertisedMs };
}

/**
 * Per VRID and sender, the lateness of its adverts: every interval of the capture, or only
 * those that end inside one of `windows` (none inside: the sender is left out).
 */
export function advertLateness(
  analysis: Pick<AnalysisResult, 'vrids'>,
  windows?: readonly TimeWindow[],
): AdvertLateness[] {
  const within = windows
    ? (t: number) => windows.some((w) => t >= w.start && t <= w.end)
    : () => true;
  const out: AdvertLateness[] = [];
  for (const v of analysis.vrids) {
    for (const src of v.routers) {
      // The runner analyses with every advert kept (TimelineOptions.adverts defaults to true).
      const own = (v.adverts ?? []).filter((a) => a.src === src);
      const { late, advertisedMs } = senderLateness(own, within);
      if (late.length === 0) continue;
      const sorted = [...late].sort((x, y) => x - y);
      out.push({
        vrid: v.vrid,
        src,
        advertisedMs,
        intervals: late.length,
        medianMs: percentile(sorted, 0.5),
        p95Ms: percentile(sorted, 0.95),
        maxMs: sorted.at(-1)!,
      });
    }
  }
  return out;
}
