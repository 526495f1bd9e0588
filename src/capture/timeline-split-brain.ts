/**
 * Step 2 of a VRID's analysis, split brain: two or more routers of one VRID whose runs cover
 * the same time. The interval is [later first advert, earlier last advert] (exactly what the
 * wire shows: both were advertising as master). Overlaps shorter than half the largest advert
 * interval involved (option `minSplitBrainSeconds`) are dropped: that is one advert in flight
 * while a preempted master steps down, not two masters.
 */
import { compareIp } from './timeline-order';
import type { RunState } from './timeline-runs';
import type { SplitBrain } from './timeline-types';

/** Overlapping coverage [start, lastMasterAdvert] of different routers. */
export function findSplitBrain(
  vrid: number,
  states: readonly RunState[],
  minSeconds: number | undefined,
): SplitBrain[] {
  interface Edge {
    time: number;
    delta: 1 | -1;
    state: RunState;
  }
  const edges: Edge[] = [];
  for (const state of states) {
    if (state.run.lastMasterAdvert <= state.run.start) continue; // one advert covers no time
    edges.push({ time: state.run.start, delta: 1, state });
    edges.push({ time: state.run.lastMasterAdvert, delta: -1, state });
  }
  // Ends before starts at the same instant: touching runs do not overlap.
  edges.sort((x, y) => x.time - y.time || x.delta - y.delta);
  // A router's runs never overlap each other, so one active run per router.
  const active = new Map<string, RunState>();
  const out: SplitBrain[] = [];
  let openStart = 0;
  let masters = new Set<string>();
  let maxIntervalMs = 0;
  for (const edge of edges) {
    const src = edge.state.run.src;
    const before = active.size;
    if (edge.delta === 1) active.set(src, edge.state);
    else active.delete(src);
    if (before < 2 && active.size >= 2) {
      openStart = edge.time;
      masters = new Set(active.keys());
      maxIntervalMs = Math.max(...[...active.values()].map((st) => st.run.intervalMs));
    } else if (active.size >= 2 && edge.delta === 1) {
      masters.add(src);
      maxIntervalMs = Math.max(maxIntervalMs, edge.state.run.intervalMs);
    } else if (before >= 2 && active.size < 2) {
      const duration = edge.time - openStart;
      const min = minSeconds ?? (0.5 * (maxIntervalMs > 0 ? maxIntervalMs : 1000)) / 1000;
      if (duration > 0 && duration >= min) {
        out.push({
          vrid,
          masters: [...masters].sort(compareIp),
          start: openStart,
          end: edge.time,
          durationSeconds: duration,
        });
      }
    }
  }
  return out;
}
