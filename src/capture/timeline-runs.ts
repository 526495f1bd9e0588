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
 *
 * Incremental: RunBuilder takes a VRID's adverts one by one in time order and keeps per run
 * only its last adverts, so memory grows with the runs, not with the adverts.
 */
import type { Advert, AdvertRun, PriorityZeroEvent } from './timeline-types';

/** One advert of a run, as later lookups need it. */
export interface RunAdvert {
  time: number;
  priority: number;
  /** Index of the advert in its run (0 for the first). */
  idx: number;
  /** Index of the advert in its VRID group (the order adverts were added). */
  seq: number;
}

/** A run being built. */
export interface RunState {
  /** Position in the VRID's run list. */
  index: number;
  run: AdvertRun;
  last: Advert;
  /** The run's last advert, and the last one before it at an earlier time (or null). */
  lastAt: RunAdvert;
  prevAt: RunAdvert | null;
  /** Liveness window after `last`, tolerance included. */
  window: number;
  closed: boolean;
}

/** Where RunBuilder.add put an advert. */
export interface Placed {
  /** Index of its run, or -1 (a priority-0 advert of a router not seen as master). */
  run: number;
  /** Its index in that run. */
  idx: number;
  /** It began the run. */
  startedRun: boolean;
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

/** A VRID's adverts (time order) grouped into runs per router, one advert at a time. */
export class RunBuilder {
  readonly states: RunState[] = [];
  readonly priorityZero: PriorityZeroEvent[] = [];
  /** Each router's latest run. */
  readonly open = new Map<string, RunState>();
  private readonly placed: Placed = { run: -1, idx: 0, startedRun: false };

  constructor(
    private readonly vrid: number,
    private readonly tolerance: number,
  ) {}

  /** Add the group's advert number `seq`; the returned object is reused by the next call. */
  add(a: Advert, seq: number): Placed {
    const out = this.placed;
    out.startedRun = false;
    const state = this.open.get(a.src);
    const alive = state !== undefined && !state.closed && a.time - state.last.time <= state.window;
    if (a.priority === 0) {
      this.priorityZero.push({
        vrid: this.vrid,
        src: a.src,
        time: a.time,
        source: a.source,
        frame: a.frame,
        endedRun: alive,
      });
      const owner = this.resign(state, alive, a, seq);
      out.run = owner?.index ?? -1;
      out.idx = owner?.lastAt.idx ?? 0;
      return out;
    }
    let current: RunState;
    if (alive && state !== undefined) current = state;
    else {
      current = this.startRun(a, seq, state);
      out.startedRun = true;
    }
    const prev = current.last;
    if (
      current.window === 0 ||
      a.priority !== prev.priority ||
      a.intervalMs !== prev.intervalMs ||
      a.version !== prev.version
    ) {
      current.window = livenessWindowSeconds(a) + this.tolerance;
    }
    extend(current, a, seq);
    current.run.lastMasterAdvert = a.time;
    out.run = current.index;
    out.idx = current.lastAt.idx;
    return out;
  }

  /** The captures ended at `captureEnd`: the end reason of the runs still open. */
  finish(captureEnd: number): void {
    for (const state of this.states) {
      if (state.closed) continue;
      state.closed = true;
      state.run.endReason =
        captureEnd - state.last.time <= state.window ? 'capture-end' : 'silence';
    }
  }

  /** A priority-0 advert: the run it joins (and, but for a repeat, ends), or undefined. */
  private resign(
    state: RunState | undefined,
    alive: boolean,
    a: Advert,
    seq: number,
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
      extend(state, a, seq);
      return state;
    }
    if (!alive) return undefined;
    extend(state, a, seq);
    state.closed = true;
    state.run.endReason = 'priority-0';
    return state;
  }

  /** A new run from advert `a`; the router's previous run, when still open, ended in silence. */
  private startRun(a: Advert, seq: number, previous: RunState | undefined): RunState {
    if (previous !== undefined && !previous.closed) {
      previous.closed = true;
      previous.run.endReason = 'silence';
    }
    const state: RunState = {
      index: this.states.length,
      run: {
        vrid: this.vrid,
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
      last: a,
      lastAt: { time: a.time, priority: a.priority, idx: -1, seq },
      prevAt: null,
      window: 0,
      closed: false,
    };
    this.states.push(state);
    this.open.set(a.src, state);
    return state;
  }
}

/** Is `state` over for good at `now`: a newer run of its router began, or its window passed? */
export function runIsOver(
  state: RunState,
  open: ReadonlyMap<string, RunState>,
  now: number,
): boolean {
  return open.get(state.run.src) !== state || now - state.last.time > state.window;
}

function extend(state: RunState, a: Advert, seq: number): void {
  const run = state.run;
  const idx = run.adverts;
  run.end = a.time;
  run.adverts += 1;
  if (!run.priorities.includes(a.priority)) run.priorities.push(a.priority);
  run.version = a.version;
  run.intervalMs = a.intervalMs;
  if (run.srcMac === null) run.srcMac = a.srcMac;
  const at = state.lastAt;
  if (idx > 0 && at.time < a.time) {
    // The advert before, at an earlier time: for "the last advert before t" at t = a.time.
    const prev = (state.prevAt ??= { time: 0, priority: 0, idx: 0, seq: 0 });
    prev.time = at.time;
    prev.priority = at.priority;
    prev.idx = at.idx;
    prev.seq = at.seq;
  }
  at.time = a.time;
  at.priority = a.priority;
  at.idx = idx;
  at.seq = seq;
  state.last = a;
}
