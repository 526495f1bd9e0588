/**
 * Step 1 of a VRID's analysis: its adverts grouped into runs per router, and its priority-0
 * adverts. Only a master sends adverts, so a run is a time the router was master.
 *
 * Liveness. A router is still master while its adverts keep coming: consecutive adverts of one
 * router less than W = 3 x interval + skew apart belong to one *run* (W is the
 * Master_Down_Interval a backup of the sender's own priority would wait; skew is
 * (256 - priority) / 256 s for v2, (256 - priority) x interval / 256 for v3; interval and
 * priority are taken from the previous advert; an interval of 0 counts as 1 s). A longer
 * silence ends the run ('silence'), a priority-0 advert ends it and belongs to it
 * ('priority-0'), and a run still alive when the captures end ends with 'capture-end'.
 * A run covers [first advert, last advert with priority > 0].
 */
import type { Advert, AdvertRun, PriorityZeroEvent } from './timeline-types';

/** A run being built, with the times and priorities of its adverts for later lookups. */
export interface RunState {
  /** Position in the VRID's run list. */
  index: number;
  run: AdvertRun;
  times: number[];
  priorities: number[];
  last: Advert;
  /** Liveness window after `last`, tolerance included. */
  window: number;
  closed: boolean;
  /** Index in the VRID's adverts of the run's last advert. */
  lastIndex: number;
}

/** The runs of one VRID and which run each of its adverts belongs to. */
export interface VridRuns {
  /** In order of their first advert. */
  states: RunState[];
  /** Per advert (same index as the VRID's adverts), the index of its run in `states`, or -1. */
  runOf: Int32Array;
  priorityZero: PriorityZeroEvent[];
}

export function intervalSeconds(a: { intervalMs: number }): number {
  return a.intervalMs > 0 ? a.intervalMs / 1000 : 1;
}

/** W = 3 x interval + skew: how long a router stays master without being heard. */
export function livenessWindowSeconds(a: {
  version: 2 | 3;
  priority: number;
  intervalMs: number;
}): number {
  const interval = intervalSeconds(a);
  const priority = Math.min(Math.max(a.priority, 1), 255);
  const skew = a.version === 2 ? (256 - priority) / 256 : ((256 - priority) * interval) / 256;
  return 3 * interval + skew;
}

/** Group a VRID's adverts (time order) into runs per router. */
export function buildRuns(
  vrid: number,
  adverts: readonly Advert[],
  captureEnd: number,
  tolerance: number,
): VridRuns {
  const n = adverts.length;
  const runOf = new Int32Array(n).fill(-1);
  const states: RunState[] = [];
  const open = new Map<string, RunState>();
  const priorityZero: PriorityZeroEvent[] = [];

  for (let i = 0; i < n; i++) {
    const a = adverts[i]!;
    const state = open.get(a.src);
    const alive = state !== undefined && !state.closed && a.time - state.last.time <= state.window;
    if (a.priority === 0) {
      priorityZero.push({
        vrid,
        src: a.src,
        time: a.time,
        source: a.source,
        frame: a.frame,
        endedRun: alive,
      });
      const owner = resign(state, alive, a, i);
      if (owner !== undefined) runOf[i] = owner.index;
      continue;
    }
    const current =
      alive && state !== undefined ? state : startRun(vrid, a, i, state, { states, open });
    const prev = current.last;
    if (
      current.window === 0 ||
      a.priority !== prev.priority ||
      a.intervalMs !== prev.intervalMs ||
      a.version !== prev.version
    ) {
      current.window = livenessWindowSeconds(a) + tolerance;
    }
    extend(current, a, i);
    current.run.lastMasterAdvert = a.time;
    runOf[i] = current.index;
  }
  for (const state of states) {
    if (state.closed) continue;
    state.run.endReason = captureEnd - state.last.time <= state.window ? 'capture-end' : 'silence';
  }
  return { states, runOf, priorityZero };
}

/** A priority-0 advert: the run it joins (and, but for a repeat, ends), or undefined. */
function resign(
  state: RunState | undefined,
  alive: boolean,
  a: Advert,
  index: number,
): RunState | undefined {
  if (state === undefined) return undefined;
  // A master going FAULT resigns twice (keepalived: vrrp_state_leave_master, then
  // vrrp_restore_interface). The repeat belongs to the run it ended: it is the old master's
  // last advert, and the backups' skew timer restarts from it.
  if (
    state.closed &&
    state.run.endReason === 'priority-0' &&
    state.last.priority === 0 &&
    a.time - state.last.time <= state.window
  ) {
    extend(state, a, index);
    return state;
  }
  if (!alive) return undefined;
  extend(state, a, index);
  state.closed = true;
  state.run.endReason = 'priority-0';
  return state;
}

/** A new run from advert `a`; the router's previous run, when still open, ended in silence. */
function startRun(
  vrid: number,
  a: Advert,
  index: number,
  previous: RunState | undefined,
  { states, open }: { states: RunState[]; open: Map<string, RunState> },
): RunState {
  if (previous !== undefined && !previous.closed) {
    previous.closed = true;
    previous.run.endReason = 'silence';
  }
  const state: RunState = {
    index: states.length,
    run: {
      vrid,
      src: a.src,
      srcMac: a.srcMac,
      start: a.time,
      end: a.time,
      lastMasterAdvert: a.time,
      adverts: 0,
      priorities: [],
      version: a.version,
      intervalMs: a.intervalMs,
      endReason: 'capture-end',
    },
    times: [],
    priorities: [],
    last: a,
    window: 0,
    closed: false,
    lastIndex: index,
  };
  states.push(state);
  open.set(a.src, state);
  return state;
}

function extend(state: RunState, a: Advert, index: number): void {
  const run = state.run;
  run.end = a.time;
  run.adverts += 1;
  if (!run.priorities.includes(a.priority)) run.priorities.push(a.priority);
  run.version = a.version;
  run.intervalMs = a.intervalMs;
  if (run.srcMac === null) run.srcMac = a.srcMac;
  state.times.push(a.time);
  state.priorities.push(a.priority);
  state.last = a;
  state.lastIndex = index;
}
