/**
 * The VRRP timeline built one observation at a time, in time order: what `analyzeTimeline`
 * does for a list, `chaos analyze` does for captures of any size (memory grows with the
 * runs, switchovers and bursts, not with the packets), and `--follow` does live, printing the
 * events `push` and `tick` return (effects as data: a first master, a switchover with its gap,
 * a split brain beginning and ending, a gratuitous ARP burst once it is over). Pure: time is
 * the observations' own, or what `tick` is given.
 */
import type { Observation } from './frame';
import { DuplicateFilter } from './timeline-duplicates';
import { GarpBurster, attachGarps } from './timeline-garp';
import { VridGroup } from './timeline-group';
import type { GroupEvent } from './timeline-group';
import { compareIp } from './timeline-order';
import type {
  Advert,
  AnalysisResult,
  CaptureSource,
  ErrorExample,
  GarpBurst,
  ResolvedOptions,
  TimelineOptions,
} from './timeline-types';

export type TimelineEvent = GroupEvent | { kind: 'garp-burst'; burst: GarpBurst };

const DEFAULTS = {
  duplicateWindowSeconds: 0.001,
  livenessToleranceSeconds: 0,
  garpBurstGapSeconds: 1,
  garpLeadSeconds: 0.1,
};

/** Groups are ticked (silent masters noticed, bursts closed) at most this often, seconds. */
const TICK_SECONDS = 0.25;

const NO_EVENTS: readonly TimelineEvent[] = [];

/** Address lists remembered with their group. */
const RECENT_GROUPS = 16;

export function resolveOptions(options: TimelineOptions): ResolvedOptions {
  return {
    adverts: options.adverts ?? true,
    duplicateWindowSeconds: options.duplicateWindowSeconds ?? DEFAULTS.duplicateWindowSeconds,
    livenessToleranceSeconds: options.livenessToleranceSeconds ?? DEFAULTS.livenessToleranceSeconds,
    minSplitBrainSeconds: options.minSplitBrainSeconds,
    garpBurstGapSeconds: options.garpBurstGapSeconds ?? DEFAULTS.garpBurstGapSeconds,
    garpLeadSeconds: options.garpLeadSeconds ?? DEFAULTS.garpLeadSeconds,
  };
}

export class TimelineBuilder {
  private readonly opts: ResolvedOptions;
  private readonly duplicates: DuplicateFilter;
  private readonly bursts: GarpBurster;
  private readonly openBursts: GarpBurst[] = [];
  /** Groups by VRID, then by their sorted address list. */
  private readonly byVrid: (Map<string, VridGroup> | undefined)[] = [];
  private readonly groups: VridGroup[] = [];
  /** The sorted-address key of an advert's address list (the frame cache shares the lists). */
  private readonly keys = new WeakMap<readonly string[], string>();
  /** Pairs of an address list and the group it led to, most recent last. */
  private readonly recentGroups: (readonly string[] | VridGroup)[] = [];
  private start: number | null = null;
  private end: number | null = null;
  private packets = 0;
  private readonly errors: Record<string, number> = {};
  private readonly errorsByVrid: Record<string, Record<string, number>> = {};
  private readonly errorExamples: ErrorExample[] = [];
  private errorCount = 0;
  private ignored = 0;
  private adverts = 0;
  private arps = 0;
  private gratuitous = 0;
  private lastTick = -Infinity;
  private events: TimelineEvent[] | null = null;
  private readonly emit = (event: TimelineEvent): void => {
    (this.events ??= []).push(event);
  };

  constructor(options: TimelineOptions = {}) {
    this.opts = resolveOptions(options);
    this.duplicates = new DuplicateFilter(this.opts.duplicateWindowSeconds);
    this.bursts = new GarpBurster(this.opts.garpBurstGapSeconds);
  }

  /** Add the next observation (time order); the events it completes. */
  push(o: Observation): readonly TimelineEvent[] {
    this.events = null;
    this.packets++;
    const t = o.time;
    if (this.start === null || t < this.start) this.start = t;
    if (this.end === null || t > this.end) this.end = t;
    if (t - this.lastTick >= TICK_SECONDS) this.advance(t);
    switch (o.kind) {
      case 'advert':
        if (!this.duplicates.advertIsCopy(o)) {
          this.adverts++;
          this.groupOf(o).add(o);
        }
        break;
      case 'arp':
        if (!this.duplicates.arpIsCopy(o)) {
          this.arps++;
          if (o.gratuitous) {
            this.gratuitous++;
            const fresh = this.bursts.add(o);
            if (fresh !== null) this.openBursts.push(fresh);
          }
        }
        break;
      case 'error':
        this.countError(o);
        break;
      case 'ignored':
        this.ignored++;
        break;
    }
    return this.events ?? NO_EVENTS;
  }

  /** Time has reached `now` (a live capture's clock): the events that completes. */
  tick(now: number): readonly TimelineEvent[] {
    this.events = null;
    this.advance(now);
    return this.events ?? NO_EVENTS;
  }

  /** The analysis of everything pushed; `sources` are copied into it. */
  finish(sources: CaptureSource[] = []): AnalysisResult {
    const { start, end } = this;
    const ordered = [...this.groups].sort((a, b) => a.vrid - b.vrid || a.firstTime - b.firstTime);
    const vrids = ordered.map((g) => g.finish(end ?? 0));
    const switchovers = vrids
      .flatMap((v) => v.switchovers)
      .sort((a, b) => a.at - b.at || a.vrid - b.vrid);
    const splitBrain = vrids
      .flatMap((v) => v.splitBrain)
      .sort((a, b) => a.start - b.start || a.vrid - b.vrid);
    const priorityZero = vrids
      .flatMap((v) => v.priorityZero)
      .sort((a, b) => a.time - b.time || a.vrid - b.vrid);
    const garps = this.bursts.bursts;
    attachGarps(vrids, switchovers, garps, this.opts);
    return {
      packetCount: this.packets,
      start,
      end,
      durationSeconds: start !== null && end !== null ? end - start : 0,
      sources,
      vrids,
      switchovers,
      splitBrain,
      priorityZero,
      garps,
      errors: this.errors,
      errorsByVrid: this.errorsByVrid,
      errorExamples: this.errorExamples,
      counts: {
        adverts: this.adverts,
        arp: this.arps,
        gratuitousArp: this.gratuitous,
        ignored: this.ignored,
        duplicates: this.duplicates.duplicates,
        errors: this.errorCount,
      },
    };
  }

  private advance(now: number): void {
    this.lastTick = now;
    for (const g of this.groups) g.tick(now);
    if (this.openBursts.length === 0) return;
    const gap = this.opts.garpBurstGapSeconds;
    for (let i = 0; i < this.openBursts.length;) {
      const b = this.openBursts[i]!;
      if (now - b.end > gap) {
        this.openBursts.splice(i, 1);
        this.emit({ kind: 'garp-burst', burst: b });
      } else i++;
    }
  }

  private groupOf(a: Advert): VridGroup {
    // The address lists of a frame's repeats are one object: a short list of the recent ones
    // answers most adverts by identity.
    const recent = this.recentGroups;
    for (let i = 0; i < recent.length; i += 2) {
      if (recent[i] === a.addresses && (recent[i + 1] as VridGroup).vrid === a.vrid)
        return recent[i + 1] as VridGroup;
    }
    const group = this.findGroup(a);
    if (recent.length >= 2 * RECENT_GROUPS) recent.splice(0, 2);
    recent.push(a.addresses, group);
    return group;
  }

  private findGroup(a: Advert): VridGroup {
    let key = this.keys.get(a.addresses);
    if (key === undefined) {
      key = [...a.addresses].sort(compareIp).join(',');
      this.keys.set(a.addresses, key);
    }
    let byKey = this.byVrid[a.vrid];
    if (byKey === undefined) this.byVrid[a.vrid] = byKey = new Map();
    let group = byKey.get(key);
    if (group === undefined) {
      group = new VridGroup(a.vrid, a, this.opts, this.emit);
      byKey.set(key, group);
      this.groups.push(group);
    }
    return group;
  }

  private countError(o: Extract<Observation, { kind: 'error' }>): void {
    this.errorCount++;
    if (this.errors[o.code] === undefined) {
      this.errors[o.code] = 0;
      this.errorExamples.push({
        code: o.code,
        message: o.message,
        source: o.source,
        frame: o.frame,
        time: o.time,
      });
    }
    this.errors[o.code]! += 1;
    if (o.vrid === null) return;
    const byCode = (this.errorsByVrid[o.vrid] ??= {});
    byCode[o.code] = (byCode[o.code] ?? 0) + 1;
  }
}
