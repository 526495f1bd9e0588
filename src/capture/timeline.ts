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
 * - Liveness. A router is still master while its adverts keep coming: consecutive adverts of
 *   one router less than W = 3 x interval + skew apart belong to one *run* (W is the
 *   Master_Down_Interval a backup of the sender's own priority would wait; skew is
 *   (256 - priority) / 256 s for v2, (256 - priority) x interval / 256 for v3; interval and
 *   priority are taken from the previous advert; an interval of 0 counts as 1 s). A longer
 *   silence ends the run ('silence'), a priority-0 advert ends it and belongs to it
 *   ('priority-0'), and a run still alive when the captures end ends with 'capture-end'.
 *   A run covers [first advert, last advert with priority > 0].
 * - Split brain: two or more routers of one VRID whose runs cover the same time. The interval
 *   is [later first advert, earlier last advert] (exactly what the wire shows: both were
 *   advertising as master). Overlaps shorter than half the largest advert interval involved
 *   (option `minSplitBrainSeconds`) are dropped: that is one advert in flight while a
 *   preempted master steps down, not two masters.
 * - Master periods (who is master "of record", never overlapping): the earliest run's router
 *   is master first. When the current master's run ends, the next master is the router of the
 *   first advert (priority > 0) after that end. If it is the same router (it came back after
 *   its own silence, nobody else advertised) a new period starts without a switchover.
 *   Otherwise that is a switchover, `at` = the first advert of the new master's run (or its
 *   first advert after the current period started, when its run started even earlier), and
 *   the old master's period ends at its last advert before `at`. A router that advertised only
 *   while the master of record kept advertising (the loser of a split brain) never becomes
 *   master of record: its adverts show up in `splitBrain`, not in `switchovers`.
 * - Switchover reason: 'priority-0' when the old master's last advert before `at` had priority
 *   0 (or its run ended with one while the new master was already advertising); 'preempted'
 *   when the old master was still advertising normally (gap <= 1.5 x its interval) or the new
 *   master was already advertising before the old one's last advert (the old one stepped down
 *   or died during a split brain: the capture cannot tell these apart); 'silence' otherwise
 *   (the old master stopped and a backup took over after its Master_Down_Interval).
 * - Duplicates: the same advert seen in two captures (same source, VRID, priority and IPv4
 *   id, within 1 ms) counts once; so does an ARP packet seen in two different captures (same
 *   operation and addresses within 1 ms: each copy in another capture absorbs one).
 * - Gratuitous ARPs from one MAC for one IP less than `garpBurstGapSeconds` apart form a
 *   burst. A switchover gets the first burst for one of its VRID's virtual addresses that
 *   starts at most `garpLeadSeconds` before `at` and before the VRID's next switchover,
 *   preferring a burst from the new master's MAC.
 */
import { ipToNumber } from '../vrrp/ipv4';
import type { AdvertObservation, ArpObservation, Observation } from './frame';

export interface TimelineOptions {
  /** The same packet in two captures: at most this far apart (default 0.001 s). */
  duplicateWindowSeconds?: number;
  /** Added to every liveness window W (default 0). */
  livenessToleranceSeconds?: number;
  /** Shorter overlaps are not split brain; default half the largest advert interval involved. */
  minSplitBrainSeconds?: number;
  /** Gratuitous ARPs (same MAC and IP) closer than this form one burst (default 1 s). */
  garpBurstGapSeconds?: number;
  /** A burst starting up to this long before a switchover still follows it (default 0.1 s). */
  garpLeadSeconds?: number;
  /** The captures the observations came from, copied into the result. */
  sources?: CaptureSource[];
}

/** One analysed capture file. */
export interface CaptureSource {
  /** The `source` index its observations carry. */
  index: number;
  path: string;
  linkType: number;
  packets: number;
  /** true for nanosecond-resolution files. */
  nanosecond: boolean;
}

/** The same shape as the observation: an advert of the timeline. */
export type Advert = AdvertObservation;

export type RunEnd = 'priority-0' | 'silence' | 'capture-end';

/** Consecutive adverts of one router, each within the liveness window of the previous one. */
export interface AdvertRun {
  vrid: number;
  src: string;
  srcMac: string | null;
  /** First advert. */
  start: number;
  /** Last advert (the priority-0 one when the run ended with it). */
  end: number;
  /** Last advert with priority > 0: the run covers [start, lastMasterAdvert]. */
  lastMasterAdvert: number;
  /** Adverts in the run, the final priority-0 one included. */
  adverts: number;
  /** Distinct priorities in order of appearance. */
  priorities: number[];
  version: 2 | 3;
  /** Interval of the run's last advert, ms. */
  intervalMs: number;
  endReason: RunEnd;
}

export type MasterPeriodEnd = 'silence' | 'priority-0' | 'preempted' | 'capture-end';

/** A router as master of record; periods of one VRID never overlap. */
export interface MasterPeriod {
  vrid: number;
  router: string;
  start: number;
  /** Its last advert in the period. */
  end: number;
  adverts: number;
  endReason: MasterPeriodEnd;
}

export type SwitchoverReason = 'silence' | 'priority-0' | 'preempted';

export interface Switchover {
  vrid: number;
  /** Old master (IPv4 source of its adverts). */
  from: string;
  to: string;
  /** First advert of the new master, seconds since the epoch. */
  at: number;
  /** From the old master's last advert before `at` to `at`. */
  gapSeconds: number;
  /** The old master's last advert before `at`. */
  lastAdvertAt: number;
  reason: SwitchoverReason;
  /** Priority of the old master's last advert before `at` (0 when it resigned). */
  fromPriority: number;
  /** Priority of the new master's first advert. */
  toPriority: number;
  /** Ethernet source of the new master's adverts, when the capture has it. */
  toMac: string | null;
  /** `at` falls inside a reported split-brain interval of this VRID. */
  duringSplitBrain: boolean;
  /** First gratuitous ARP burst after `at` for the VRID's addresses: seconds after `at`. */
  garpAfterSeconds: number | null;
  /** GARPs in that burst (0 when none). */
  garpCount: number;
  garpMac: string | null;
}

export interface SplitBrain {
  vrid: number;
  /** Routers advertising as master at the same time, in address order. */
  masters: string[];
  start: number;
  end: number;
  durationSeconds: number;
}

export interface PriorityZeroEvent {
  vrid: number;
  src: string;
  time: number;
  source: number;
  frame: number;
  /** It ended a run of that router (false: a resignation from a router not seen as master). */
  endedRun: boolean;
}

export interface GarpBurst {
  /** First GARP of the burst. */
  time: number;
  /** Last GARP of the burst. */
  end: number;
  senderMac: string;
  ip: string;
  count: number;
  /** The VRID whose virtual address it announces, or null. */
  vrid: number | null;
  /** Index into AnalysisResult.switchovers of the switchover it follows, or null. */
  switchoverIndex: number | null;
  afterSwitchoverSeconds: number | null;
}

export interface ErrorExample {
  code: string;
  message: string;
  source: number;
  frame: number;
  time: number;
}

export interface VridTimeline {
  vrid: number;
  versions: number[];
  /** Every router that advertised, in address order. */
  routers: string[];
  /** Virtual addresses announced by any advert. */
  addresses: string[];
  /** Every advert (duplicates removed), in time order. */
  adverts: Advert[];
  runs: AdvertRun[];
  masterPeriods: MasterPeriod[];
  switchovers: Switchover[];
  splitBrain: SplitBrain[];
  priorityZero: PriorityZeroEvent[];
}

export interface AnalysisCounts {
  adverts: number;
  arp: number;
  gratuitousArp: number;
  /** Frames that are neither VRRP nor ARP. */
  ignored: number;
  /** Adverts and ARP packets dropped as copies from another capture. */
  duplicates: number;
  /** Frames that failed to decode (sum of `errors`). */
  errors: number;
}

export interface AnalysisResult {
  /** Frames analysed, duplicates included. */
  packetCount: number;
  /** First and last frame timestamps (seconds since the epoch), null without frames. */
  start: number | null;
  end: number | null;
  durationSeconds: number;
  sources: CaptureSource[];
  vrids: VridTimeline[];
  /** Every VRID's switchovers, by time. */
  switchovers: Switchover[];
  /** Every VRID's split-brain intervals, by start. */
  splitBrain: SplitBrain[];
  priorityZero: PriorityZeroEvent[];
  garps: GarpBurst[];
  /** Decode errors by code. */
  errors: Record<string, number>;
  /** The first error of each code. */
  errorExamples: ErrorExample[];
  counts: AnalysisCounts;
}

const DEFAULTS = {
  duplicateWindowSeconds: 0.001,
  livenessToleranceSeconds: 0,
  garpBurstGapSeconds: 1,
  garpLeadSeconds: 0.1,
};

/** Preemption: the old master's last advert is at most this many of its intervals before `at`. */
const PREEMPT_GAP_INTERVALS = 1.5;

function compareObservations(a: Observation, b: Observation): number {
  return a.time - b.time || a.source - b.source || a.frame - b.frame;
}

function isSorted(list: readonly Observation[]): boolean {
  for (let i = 1; i < list.length; i++)
    if (compareObservations(list[i - 1]!, list[i]!) > 0) return false;
  return true;
}

export function compareIp(a: string, b: string): number {
  return ipToNumber(a) - ipToNumber(b);
}

function intervalSeconds(a: { intervalMs: number }): number {
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

/** Index of the first element > x (times ascending). */
function upperBound(times: readonly number[], x: number): number {
  let lo = 0;
  let hi = times.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (times[mid]! <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Index of the first element >= x. */
function lowerBound(times: readonly number[], x: number): number {
  let lo = 0;
  let hi = times.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (times[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** A run being built, with the times and priorities of its adverts for later lookups. */
interface RunState {
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

interface Removed {
  adverts: Advert[];
  arps: ArpObservation[];
  duplicates: number;
}

/** Drop the copies of a packet seen by several captures (input in time order). */
function removeDuplicates(sorted: readonly Observation[], windowSeconds: number): Removed {
  const adverts: Advert[] = [];
  const arps: ArpObservation[] = [];
  let duplicates = 0;
  // Adverts kept in the last `windowSeconds` (usually 0 to 2 of them).
  let recentAdverts: Advert[] = [];
  let recentArps: { arp: ArpObservation; claimedBy: number[] }[] = [];
  for (const o of sorted) {
    if (o.kind === 'advert') {
      if (recentAdverts.length > 0 && o.time - recentAdverts[0]!.time > windowSeconds) {
        recentAdverts = recentAdverts.filter((a) => o.time - a.time <= windowSeconds);
      }
      const copy = recentAdverts.some(
        (a) =>
          a.vrid === o.vrid && a.ipId === o.ipId && a.priority === o.priority && a.src === o.src,
      );
      if (copy) {
        duplicates++;
        continue;
      }
      recentAdverts.push(o);
      adverts.push(o);
    } else if (o.kind === 'arp') {
      if (recentArps.length > 0 && o.time - recentArps[0]!.arp.time > windowSeconds) {
        recentArps = recentArps.filter((a) => o.time - a.arp.time <= windowSeconds);
      }
      const original = recentArps.find(
        ({ arp: a, claimedBy }) =>
          a.source !== o.source &&
          !claimedBy.includes(o.source) &&
          a.op === o.op &&
          a.senderIp === o.senderIp &&
          a.targetIp === o.targetIp &&
          a.senderMac === o.senderMac &&
          a.targetMac === o.targetMac,
      );
      if (original) {
        original.claimedBy.push(o.source);
        duplicates++;
        continue;
      }
      recentArps.push({ arp: o, claimedBy: [] });
      arps.push(o);
    }
  }
  return { adverts, arps, duplicates };
}

interface ResolvedOptions {
  duplicateWindowSeconds: number;
  livenessToleranceSeconds: number;
  minSplitBrainSeconds: number | undefined;
  garpBurstGapSeconds: number;
  garpLeadSeconds: number;
}

function analyzeVrid(
  vrid: number,
  adverts: Advert[],
  captureEnd: number,
  opts: ResolvedOptions,
): VridTimeline {
  const n = adverts.length;
  const runOf = new Int32Array(n).fill(-1);
  const states: RunState[] = [];
  const open = new Map<string, RunState>();
  const priorityZero: PriorityZeroEvent[] = [];
  const tolerance = opts.livenessToleranceSeconds;

  // 1. Runs per router.
  for (let i = 0; i < n; i++) {
    const a = adverts[i]!;
    let state = open.get(a.src);
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
      // A master going FAULT resigns twice (keepalived: vrrp_state_leave_master, then
      // vrrp_restore_interface). The repeat belongs to the run it ended: it is the old master's
      // last advert, and the backups' skew timer restarts from it.
      if (
        state !== undefined &&
        state.closed &&
        state.run.endReason === 'priority-0' &&
        state.last.priority === 0 &&
        a.time - state.last.time <= state.window
      ) {
        extend(state, a, i);
        runOf[i] = state.index;
        continue;
      }
      if (!alive || state === undefined) continue;
      extend(state, a, i);
      state.closed = true;
      state.run.endReason = 'priority-0';
      runOf[i] = state.index;
      continue;
    }
    if (!alive || state === undefined) {
      if (state !== undefined && !state.closed) {
        state.closed = true;
        state.run.endReason = 'silence';
      }
      state = {
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
        lastIndex: i,
      };
      states.push(state);
      open.set(a.src, state);
    }
    const prev = state.last;
    if (
      state.window === 0 ||
      a.priority !== prev.priority ||
      a.intervalMs !== prev.intervalMs ||
      a.version !== prev.version
    ) {
      state.window = livenessWindowSeconds(a) + tolerance;
    }
    extend(state, a, i);
    state.run.lastMasterAdvert = a.time;
    runOf[i] = state.index;
  }
  for (const state of states) {
    if (state.closed) continue;
    state.run.endReason = captureEnd - state.last.time <= state.window ? 'capture-end' : 'silence';
  }

  // 2. Split brain: overlapping coverage [start, lastMasterAdvert] of different routers.
  const splitBrain = findSplitBrain(vrid, states, opts.minSplitBrainSeconds);

  // 3. Master periods and switchovers.
  const masterPeriods: MasterPeriod[] = [];
  const switchovers: Switchover[] = [];
  if (states.length > 0) {
    let ci = 0;
    let periodStart = states[0]!.run.start;
    for (;;) {
      const cur = states[ci]!;
      let j = cur.lastIndex + 1;
      while (j < n && (runOf[j]! < 0 || runOf[j] === ci || adverts[j]!.priority === 0)) j++;
      if (j >= n) {
        masterPeriods.push(period(vrid, cur, periodStart, cur.run.end, cur.run.endReason));
        break;
      }
      const si = runOf[j]!;
      const next = states[si]!;
      if (next.run.src === cur.run.src) {
        masterPeriods.push(period(vrid, cur, periodStart, cur.run.end, cur.run.endReason));
        ci = si;
        periodStart = next.run.start;
        continue;
      }
      const firstIndex = next.run.start > periodStart ? 0 : upperBound(next.times, periodStart);
      const at = next.times[firstIndex]!;
      const lastIndex = lowerBound(cur.times, at) - 1;
      const lastAdvertAt = cur.times[lastIndex]!;
      const fromPriority = cur.priorities[lastIndex]!;
      const gapSeconds = at - lastAdvertAt;
      const overlapped = next.run.start <= cur.run.end;
      let reason: SwitchoverReason;
      if (fromPriority === 0 || (overlapped && cur.run.endReason === 'priority-0'))
        reason = 'priority-0';
      else if (overlapped || gapSeconds <= PREEMPT_GAP_INTERVALS * intervalSeconds(cur.last))
        reason = 'preempted';
      else reason = 'silence';
      switchovers.push({
        vrid,
        from: cur.run.src,
        to: next.run.src,
        at,
        gapSeconds,
        lastAdvertAt,
        reason,
        fromPriority,
        toPriority: next.priorities[firstIndex]!,
        toMac: next.run.srcMac,
        duringSplitBrain: splitBrain.some((s) => s.start <= at && at <= s.end),
        garpAfterSeconds: null,
        garpCount: 0,
        garpMac: null,
      });
      masterPeriods.push(period(vrid, cur, periodStart, lastAdvertAt, reason));
      ci = si;
      periodStart = at;
    }
  }

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
    runs: states.map((st) => st.run),
    masterPeriods,
    switchovers,
    splitBrain,
    priorityZero,
  };
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

function period(
  vrid: number,
  state: RunState,
  start: number,
  end: number,
  endReason: MasterPeriodEnd,
): MasterPeriod {
  const adverts = upperBound(state.times, end) - lowerBound(state.times, start);
  return { vrid, router: state.run.src, start, end, adverts, endReason };
}

function findSplitBrain(
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

/** Group gratuitous ARPs into bursts (input in time order). */
function garpBursts(arps: readonly ArpObservation[], gapSeconds: number): GarpBurst[] {
  const bursts: GarpBurst[] = [];
  const current = new Map<string, GarpBurst>();
  for (const a of arps) {
    if (!a.gratuitous) continue;
    const key = `${a.senderMac}|${a.senderIp}`;
    const burst = current.get(key);
    if (burst && a.time - burst.end <= gapSeconds) {
      burst.end = a.time;
      burst.count += 1;
      continue;
    }
    const fresh: GarpBurst = {
      time: a.time,
      end: a.time,
      senderMac: a.senderMac,
      ip: a.senderIp,
      count: 1,
      vrid: null,
      switchoverIndex: null,
      afterSwitchoverSeconds: null,
    };
    current.set(key, fresh);
    bursts.push(fresh);
  }
  return bursts;
}

/** Attach each switchover's first following GARP burst (see the module comment). */
function attachGarps(
  vrids: readonly VridTimeline[],
  switchovers: readonly Switchover[],
  bursts: GarpBurst[],
  opts: ResolvedOptions,
): void {
  const starts = bursts.map((b) => b.time);
  const indexOf = new Map(switchovers.map((s, i) => [s, i]));
  for (const v of vrids) {
    const vips = new Set(v.addresses);
    const announces = (b: GarpBurst): boolean => vips.size === 0 || vips.has(b.ip);
    v.switchovers.forEach((s, k) => {
      const until = v.switchovers[k + 1]?.at ?? Infinity;
      let chosen: GarpBurst | undefined;
      for (let i = lowerBound(starts, s.at - opts.garpLeadSeconds); i < bursts.length; i++) {
        const b = bursts[i]!;
        if (b.time >= until) break;
        // Prefer the new master's MAC among bursts close to the first candidate.
        if (chosen && b.time > chosen.time + opts.garpBurstGapSeconds) break;
        if (!announces(b)) continue;
        if (s.toMac === null || b.senderMac === s.toMac) {
          chosen = b;
          break;
        }
        chosen ??= b;
      }
      if (!chosen) return;
      s.garpAfterSeconds = chosen.time - s.at;
      s.garpCount = chosen.count;
      s.garpMac = chosen.senderMac;
      chosen.switchoverIndex = indexOf.get(s) ?? null;
      chosen.afterSwitchoverSeconds = chosen.time - s.at;
    });
  }
  for (const b of bursts) {
    if (b.vrid !== null) continue;
    const owner = b.switchoverIndex !== null ? switchovers[b.switchoverIndex] : undefined;
    b.vrid = owner?.vrid ?? vrids.find((v) => v.addresses.includes(b.ip))?.vrid ?? null;
  }
}

/** Analyse observations from one or several captures (any order). */
export function analyzeTimeline(
  observations: readonly Observation[],
  options: TimelineOptions = {},
): AnalysisResult {
  const opts: ResolvedOptions = {
    duplicateWindowSeconds: options.duplicateWindowSeconds ?? DEFAULTS.duplicateWindowSeconds,
    livenessToleranceSeconds: options.livenessToleranceSeconds ?? DEFAULTS.livenessToleranceSeconds,
    minSplitBrainSeconds: options.minSplitBrainSeconds,
    garpBurstGapSeconds: options.garpBurstGapSeconds ?? DEFAULTS.garpBurstGapSeconds,
    garpLeadSeconds: options.garpLeadSeconds ?? DEFAULTS.garpLeadSeconds,
  };
  const sorted = isSorted(observations)
    ? observations
    : [...observations].sort(compareObservations);

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

  const { adverts, arps, duplicates } = removeDuplicates(sorted, opts.duplicateWindowSeconds);
  const byVrid = new Map<number, Advert[]>();
  for (const a of adverts) {
    let list = byVrid.get(a.vrid);
    if (!list) byVrid.set(a.vrid, (list = []));
    list.push(a);
  }
  const captureEnd = end ?? 0;
  const vrids = [...byVrid.keys()]
    .sort((a, b) => a - b)
    .map((vrid) => analyzeVrid(vrid, byVrid.get(vrid)!, captureEnd, opts));

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
