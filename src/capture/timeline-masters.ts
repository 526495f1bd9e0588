/**
 * Step 3 of a VRID's analysis: master periods and switchovers, from the runs.
 *
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
 *
 * Incremental: MasterResolver decides a period's end once the current master's run is over
 * for good (a newer run of its router began, or its liveness window has passed), from the
 * group's adverts since another router first advertised in the period (the tail). While one
 * master advertises alone nothing is kept, so memory does not grow with the adverts.
 */
import { intervalSeconds, runIsOver } from './timeline-runs';
import type { RunAdvert, RunBuilder, RunState } from './timeline-runs';
import type { MasterPeriod, MasterPeriodEnd, Switchover, SwitchoverReason } from './timeline-types';

/** Preemption: the old master's last advert is at most this many of its intervals before `at`. */
const PREEMPT_GAP_INTERVALS = 1.5;

/** An advert of the tail, with the index of its run. */
interface TailAdvert extends RunAdvert {
  run: number;
}

/** What the resolver tells as it decides: a first master, a switchover, a master back. */
export type MasterEvent =
  | { kind: 'master'; vrid: number; router: string; time: number; again: boolean }
  | { kind: 'switchover'; switchover: Switchover };

/** Who was master of record when in one VRID group, and the switchovers between them. */
export class MasterResolver {
  readonly masterPeriods: MasterPeriod[] = [];
  readonly switchovers: Switchover[] = [];
  /** The new master's run of each switchover (its MAC is read at the end). */
  readonly switchoverRuns: RunState[] = [];
  private ci = -1;
  private periodStart = 0;
  /** Index in the current master's run of its advert at `periodStart`. */
  private periodStartIdx = 0;
  private tail: TailAdvert[] = [];
  private recording = false;
  /** Tail length at which to check whether it is still needed. */
  private compactAt = 64;
  private finished = false;

  constructor(
    private readonly vrid: number,
    private readonly runs: RunBuilder,
    private readonly emit: (event: MasterEvent) => void,
  ) {}

  /** The group's advert number `seq`, placed in run `run` at index `idx`, at time `now`. */
  advert(time: number, priority: number, run: number, idx: number, seq: number): void {
    if (run < 0) return; // a priority-0 advert in no run: never a master's
    if (this.ci < 0) {
      this.ci = run;
      this.periodStart = time;
      this.periodStartIdx = 0;
      this.emit({
        kind: 'master',
        vrid: this.vrid,
        router: this.state(run).run.src,
        time,
        again: false,
      });
      return;
    }
    if (!this.recording && run !== this.ci) this.startRecording();
    if (!this.recording) return; // nobody but the master advertises: nothing to decide
    this.tail.push({ time, priority, run, idx, seq });
    if (run === this.ci && this.tail.length >= this.compactAt) this.compact(time);
    this.resolve(time);
  }

  /**
   * Stop keeping the tail when no advert in it can matter any more: every other router's run
   * in it is over and the master has advertised since (so none can be the next master's).
   */
  private compact(now: number): void {
    const cur = this.state(this.ci);
    const needed = this.tail.some(
      (e) =>
        e.run !== this.ci &&
        (e.seq > cur.lastAt.seq || !runIsOver(this.state(e.run), this.runs.open, now)),
    );
    if (needed) {
      this.compactAt = this.tail.length * 2;
      return;
    }
    this.tail = [];
    this.recording = false;
    this.compactAt = 64;
  }

  /** Time has reached `now` without an advert of this group. */
  tick(now: number): void {
    if (this.recording) this.resolve(now);
  }

  /** The captures ended: every run is over; the last period ends with its run. */
  finish(): void {
    if (this.ci < 0 || this.finished) return;
    this.resolve(Infinity);
    const cur = this.state(this.ci);
    this.push(cur, cur.run.end, cur.run.adverts, cur.run.endReason);
    this.finished = true;
  }

  /** The current master of record's router, or null. */
  get master(): string | null {
    return this.ci < 0 || this.finished ? null : this.state(this.ci).run.src;
  }

  private state(index: number): RunState {
    return this.runs.states[index]!;
  }

  /** Another router advertises: keep the adverts from here on, and the master's last ones. */
  private startRecording(): void {
    const cur = this.state(this.ci);
    this.tail = [];
    if (cur.prevAt !== null) this.tail.push({ ...cur.prevAt, run: this.ci });
    this.tail.push({ ...cur.lastAt, run: this.ci });
    this.recording = true;
  }

  /** Decide every period end the adverts so far allow. */
  private resolve(now: number): void {
    for (;;) {
      const cur = this.state(this.ci);
      if (!runIsOver(cur, this.runs.open, now)) return;
      if (!cur.closed) {
        cur.closed = true; // its window passed: the next advert of its router starts a new run
        cur.run.endReason = 'silence';
      }
      const lastSeq = cur.lastAt.seq;
      const next = this.tail.find((e) => e.seq > lastSeq && e.run !== this.ci && e.priority !== 0);
      if (next === undefined) return;
      this.decide(this.state(next.run));
    }
  }

  /** The current master's period ends; `next`'s begins. */
  private decide(next: RunState): void {
    const cur = this.state(this.ci);
    const si = next.index;
    if (next.run.src === cur.run.src) {
      this.push(cur, cur.run.end, cur.run.adverts, cur.run.endReason);
      const first = this.tail.find((e) => e.run === si);
      this.begin(si, next.run.start, 0, first?.seq ?? 0);
      this.emit({
        kind: 'master',
        vrid: this.vrid,
        router: next.run.src,
        time: next.run.start,
        again: true,
      });
      return;
    }
    const start = this.periodStart;
    const first =
      next.run.start > start
        ? this.tail.find((e) => e.run === si)
        : this.tail.find((e) => e.run === si && e.time > start);
    const at = first?.time ?? next.run.start;
    let last: TailAdvert | undefined;
    for (const e of this.tail) if (e.run === this.ci && e.time < at) last = e;
    const lastAdvertAt = last?.time ?? start;
    const fromPriority = last?.priority ?? cur.lastAt.priority;
    const gapSeconds = at - lastAdvertAt;
    const overlapped = next.run.start <= cur.run.end;
    let reason: SwitchoverReason;
    if (fromPriority === 0 || (overlapped && cur.run.endReason === 'priority-0'))
      reason = 'priority-0';
    else if (overlapped || gapSeconds <= PREEMPT_GAP_INTERVALS * intervalSeconds(cur.last))
      reason = 'preempted';
    else reason = 'silence';
    const switchover: Switchover = {
      vrid: this.vrid,
      from: cur.run.src,
      to: next.run.src,
      at,
      gapSeconds,
      lastAdvertAt,
      reason,
      fromPriority,
      toPriority: first?.priority ?? next.lastAt.priority,
      toMac: next.run.srcMac,
      duringSplitBrain: false,
      garpAfterSeconds: null,
      garpCount: 0,
      garpMac: null,
    };
    this.switchovers.push(switchover);
    this.switchoverRuns.push(next);
    this.push(cur, lastAdvertAt, (last?.idx ?? this.periodStartIdx) + 1, reason);
    this.begin(si, at, first?.idx ?? 0, first?.seq ?? 0);
    this.emit({ kind: 'switchover', switchover });
  }

  /** Run `si` is master of record from `start` (its advert `idx`, group advert `seq`). */
  private begin(si: number, start: number, idx: number, seq: number): void {
    this.ci = si;
    this.periodStart = start;
    this.periodStartIdx = idx;
    this.tail = this.tail.filter((e) => e.seq >= seq);
    if (!this.tail.some((e) => e.run !== si)) {
      this.tail = [];
      this.recording = false;
    }
  }

  /** The current period, ending at `end` after its adverts up to index `upTo` (exclusive). */
  private push(state: RunState, end: number, upTo: number, endReason: MasterPeriodEnd): void {
    this.masterPeriods.push({
      vrid: this.vrid,
      router: state.run.src,
      start: this.periodStart,
      end,
      adverts: upTo - this.periodStartIdx,
      endReason,
    });
  }
}
