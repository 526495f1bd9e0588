/**
 * The probe loop: fires one probe per schedule slot with a given clock and probe function,
 * hands every record to a sink as soon as it is complete, and stops at the end of the schedule
 * or on stop(). Timing comes only from the injected Clock, so tests run it in virtual time.
 */
import type { ProbeRecord, ProbeSummary } from './record';
import { addToSummary, emptySummary } from './record';
import { planTick, type Schedule } from './schedule';

export interface ProbeClock {
  /** Epoch milliseconds (monotonic within a run). */
  now(): number;
  /** Calls fn at (or after) `atMs`; returns a cancel function. */
  at(atMs: number, fn: () => void): () => void;
}

/** Sends one request and resolves (never rejects) with its outcome; `t` is given. */
export type ProbeFn = (t: number) => Promise<ProbeRecord>;

export interface ProbeLoopOptions {
  clock: ProbeClock;
  probe: ProbeFn;
  sink: (record: ProbeRecord) => void;
  intervalMs: number;
  /** 0 = until stop(). */
  durationMs: number;
}

export class ProbeLoop {
  private schedule: Schedule | undefined;
  private lastFired = -1;
  private cancelTimer: (() => void) | undefined;
  private readonly inFlight = new Set<Promise<void>>();
  private summary: ProbeSummary = emptySummary();
  private stopped = false;
  private finish: ((s: ProbeSummary) => void) | undefined;
  private readonly done: Promise<ProbeSummary>;

  constructor(private readonly opts: ProbeLoopOptions) {
    this.done = new Promise((resolve) => (this.finish = resolve));
  }

  /** Starts at the clock's now; resolves when over (schedule end or stop) and all answered. */
  run(): Promise<ProbeSummary> {
    if (this.schedule) return this.done;
    this.schedule = {
      startMs: this.opts.clock.now(),
      intervalMs: this.opts.intervalMs,
      durationMs: this.opts.durationMs,
    };
    this.tick();
    return this.done;
  }

  /** No more probes; run() resolves once the probes in flight have answered. */
  stop(): Promise<ProbeSummary> {
    if (!this.stopped) {
      this.stopped = true;
      this.cancelTimer?.();
      this.cancelTimer = undefined;
      this.maybeFinish();
    }
    return this.done;
  }

  get inFlightCount(): number {
    return this.inFlight.size;
  }

  private tick(): void {
    this.cancelTimer = undefined;
    const schedule = this.schedule;
    if (this.stopped || !schedule) return;
    const now = this.opts.clock.now();
    const plan = planTick(schedule, now, this.lastFired);
    if (plan.fire !== null) {
      this.lastFired = plan.fire;
      this.summary = { ...this.summary, skippedSlots: this.summary.skippedSlots + plan.skipped };
      this.fire(now);
    }
    if (plan.nextAtMs === null) {
      this.stopped = true;
      this.maybeFinish();
      return;
    }
    this.cancelTimer = this.opts.clock.at(plan.nextAtMs, () => this.tick());
  }

  private fire(t: number): void {
    const p = this.opts
      .probe(t)
      .then(
        (record) => record,
        (error: unknown): ProbeRecord => ({
          t,
          ok: false,
          status: null,
          servedBy: null,
          latencyMs: this.opts.clock.now() - t,
          error: error instanceof Error ? error.message : String(error),
        }),
      )
      .then((record) => {
        this.summary = addToSummary(this.summary, record);
        this.opts.sink(record);
      })
      .finally(() => {
        this.inFlight.delete(p);
        this.maybeFinish();
      });
    this.inFlight.add(p);
  }

  private maybeFinish(): void {
    if (this.stopped && this.inFlight.size === 0) this.finish?.(this.summary);
  }
}
