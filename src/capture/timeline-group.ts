/**
 * One VRID group of the timeline (a VRID and the address list its adverts carry), built one
 * advert at a time: its runs (timeline-runs.ts), master periods and switchovers
 * (timeline-masters.ts), and the summary the text and JSON outputs need without the adverts
 * themselves: adverts per sender, display segments, intervals, authentication, and the
 * receive checks a router of the group would fail the advert on. The adverts are kept only
 * when asked (`--adverts`). Pure.
 */
import { compareIp } from './timeline-order';
import { MasterResolver } from './timeline-masters';
import type { MasterEvent } from './timeline-masters';
import { RunBuilder, runIsOver } from './timeline-runs';
import { findSplitBrain } from './timeline-split-brain';
import type {
  Advert,
  AdvertSegment,
  ReceiveChecks,
  ResolvedOptions,
  SenderCount,
  VridTimeline,
} from './timeline-types';

/** What a group tells as it goes, besides the master events: split brain begins and ends. */
export type GroupEvent =
  | MasterEvent
  | { kind: 'split-brain-begins'; vrid: number; masters: string[]; time: number }
  | { kind: 'split-brain-ends'; vrid: number; masters: string[]; start: number; end: number };

/** Up to this many authentication kinds are listed per VRID. */
const MAX_AUTH_KINDS = 4;
/** RFC 3768 7.1 / RFC 5798 7.1: a receiver drops an advert whose TTL is not 255. */
const VRRP_TTL = 255;

function authKind(a: Advert): string {
  if (a.version === 3) return 'none (v3)';
  if (a.authType === 0) return 'none';
  if (a.authType === 1) return `PASS ${JSON.stringify(a.password ?? '')}`;
  return a.authType === 2 ? 'AH' : `type ${a.authType}`;
}

export class VridGroup {
  readonly firstTime: number;
  private readonly runs: RunBuilder;
  private readonly masters: MasterResolver;
  private seq = 0;
  private readonly kept: Advert[] | null;
  private readonly versions = new Set<number>();
  private readonly addresses: readonly string[];
  /** Per router: its advert count and its current display segment. */
  private readonly senders = new Map<
    string,
    { count: SenderCount; segment: AdvertSegment | null }
  >();
  private readonly segments: AdvertSegment[] = [];
  private readonly intervals = new Set<number>();
  private lastInterval = -1;
  private readonly auth: string[] = [];
  private lastAuth: Advert | null = null;
  private readonly reference: Advert;
  private readonly checks: ReceiveChecks = { ttl: 0, interval: 0, auth: 0 };
  /** The routers advertising at once right now, while a split brain is told live. */
  private live: { masters: string[]; start: number; end: number } | null = null;
  /** Two routers' runs may overlap: watch for a split brain. */
  private suspect = false;

  constructor(
    readonly vrid: number,
    first: Advert,
    private readonly opts: ResolvedOptions,
    private readonly emit: (event: GroupEvent) => void,
  ) {
    this.firstTime = first.time;
    this.reference = first;
    this.addresses = [...first.addresses].sort(compareIp);
    this.runs = new RunBuilder(vrid, opts.livenessToleranceSeconds);
    this.masters = new MasterResolver(vrid, this.runs, emit);
    this.kept = opts.adverts ? [] : null;
  }

  add(a: Advert): void {
    const seq = this.seq++;
    const placed = this.runs.add(a, seq);
    this.summarise(a, placed.startedRun);
    // A split brain can only begin when a run starts while another router's is alive.
    if (placed.startedRun && this.runs.open.size > 1) this.suspect = true;
    this.masters.advert(a.time, a.priority, placed.run, placed.idx, seq);
    if (this.suspect || this.live !== null) this.watchSplitBrain(a.time);
  }

  /** Time has reached `now`. */
  tick(now: number): void {
    this.masters.tick(now);
    if (this.suspect || this.live !== null) this.watchSplitBrain(now);
  }

  /** The group's timeline once the captures have ended at `captureEnd`. */
  finish(captureEnd: number): VridTimeline {
    this.runs.finish(captureEnd);
    this.masters.finish();
    const states = this.runs.states;
    const splitBrain = findSplitBrain(this.vrid, states, this.opts.minSplitBrainSeconds);
    this.masters.switchovers.forEach((s, i) => {
      s.toMac = this.masters.switchoverRuns[i]!.run.srcMac;
      s.duringSplitBrain = splitBrain.some((b) => b.start <= s.at && s.at <= b.end);
    });
    const timeline: VridTimeline = {
      vrid: this.vrid,
      versions: [...this.versions].sort(),
      routers: [...this.senders.keys()].sort(compareIp),
      addresses: [...this.addresses],
      senders: [...this.senders.values()]
        .map((x) => x.count)
        .sort((x, y) => compareIp(x.src, y.src)),
      intervalsMs: [...this.intervals].sort((x, y) => x - y),
      auth: this.auth,
      receiveChecks: this.checks,
      segments: this.segments,
      runs: states.map((st) => st.run),
      masterPeriods: this.masters.masterPeriods,
      switchovers: this.masters.switchovers,
      splitBrain,
      priorityZero: this.runs.priorityZero,
    };
    if (this.kept !== null) timeline.adverts = this.kept;
    return timeline;
  }

  /**
   * Tell a split brain as it happens: it begins once two or more routers' runs, alive now,
   * have covered the same time for the minimum a split brain lasts; it ends when fewer than
   * two are alive. Only told: finish() gives the intervals that count.
   */
  private watchSplitBrain(now: number): void {
    let running = 0;
    let alive = 0;
    let start = -Infinity;
    let end = Infinity;
    for (const st of this.runs.open.values()) {
      if (st.closed || runIsOver(st, this.runs.open, now)) continue;
      running++;
      if (st.run.lastMasterAdvert <= st.run.start) continue; // one advert covers no time
      alive++;
      start = Math.max(start, st.run.start);
      end = Math.min(end, st.run.lastMasterAdvert);
    }
    if (running < 2) this.suspect = false;
    const live = this.live;
    if (live === null) {
      if (alive < 2 || end - start < this.minSplitSeconds()) return;
      const masters = [...this.runs.open.values()]
        .filter((st) => !st.closed && !runIsOver(st, this.runs.open, now))
        .map((st) => st.run.src)
        .sort(compareIp);
      this.live = { masters, start, end };
      this.emit({ kind: 'split-brain-begins', vrid: this.vrid, masters, time: start });
    } else if (alive < 2) {
      this.emit({ kind: 'split-brain-ends', vrid: this.vrid, ...live });
      this.live = null;
    } else {
      live.end = end;
    }
  }

  /** Overlaps shorter than this are not split brain (see timeline-split-brain.ts). */
  private minSplitSeconds(): number {
    if (this.opts.minSplitBrainSeconds !== undefined) return this.opts.minSplitBrainSeconds;
    let ms = 0;
    for (const st of this.runs.open.values()) ms = Math.max(ms, st.run.intervalMs);
    return (0.5 * (ms > 0 ? ms : 1000)) / 1000;
  }

  /** Counts, display segments, intervals, authentication and receive checks of one advert. */
  private summarise(a: Advert, startsRun: boolean): void {
    this.kept?.push(a);
    this.versions.add(a.version);
    let sender = this.senders.get(a.src);
    if (sender === undefined) {
      sender = { count: { src: a.src, srcMac: a.srcMac, adverts: 0 }, segment: null };
      this.senders.set(a.src, sender);
    }
    sender.count.adverts++;
    // A new display segment where a run starts, where the priority changes, and for every
    // priority-0 advert.
    const seg = sender.segment;
    if (seg && !startsRun && seg.priority === a.priority && seg.priority !== 0) {
      seg.end = a.time;
      seg.count += 1;
    } else {
      const fresh = { src: a.src, priority: a.priority, start: a.time, end: a.time, count: 1 };
      sender.segment = fresh;
      this.segments.push(fresh);
    }
    if (a.intervalMs !== this.lastInterval) {
      this.lastInterval = a.intervalMs;
      this.intervals.add(a.intervalMs);
    }
    const last = this.lastAuth;
    if (
      last === null ||
      last.version !== a.version ||
      last.authType !== a.authType ||
      last.password !== a.password
    ) {
      this.lastAuth = a;
      const kind = authKind(a);
      if (this.auth.length < MAX_AUTH_KINDS && !this.auth.includes(kind)) this.auth.push(kind);
    }
    const ref = this.reference;
    if (a.ttl !== VRRP_TTL) this.checks.ttl++;
    if (a.intervalMs !== ref.intervalMs) this.checks.interval++;
    if (a.version !== ref.version || a.authType !== ref.authType || a.password !== ref.password)
      this.checks.auth++;
  }
}
