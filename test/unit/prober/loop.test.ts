import { ProbeLoop, type ProbeClock, type ProbeFn } from '../../../src/prober/loop';
import type { ProbeRecord } from '../../../src/prober/record';

/** A clock the test advances by hand; timers run in time order. */
class ManualClock implements ProbeClock {
  private timers: { at: number; seq: number; fn: () => void }[] = [];
  private seq = 0;

  constructor(private t: number) {}

  now(): number {
    return this.t;
  }

  at(atMs: number, fn: () => void): () => void {
    const timer = { at: atMs, seq: this.seq++, fn };
    this.timers.push(timer);
    return () => {
      this.timers = this.timers.filter((x) => x !== timer);
    };
  }

  /** Runs every timer due up to `to` (settling promises between them), then sets now = to. */
  async advanceTo(to: number): Promise<void> {
    for (;;) {
      await flush();
      this.timers.sort((a, b) => a.at - b.at || a.seq - b.seq);
      const next = this.timers[0];
      if (!next || next.at > to) break;
      this.timers.shift();
      this.t = Math.max(this.t, next.at);
      next.fn();
    }
    this.t = to;
    await flush();
  }

  /** A frozen process: time passes, no timer runs. */
  freezeUntil(to: number): void {
    this.t = to;
  }

  get pending(): number {
    return this.timers.length;
  }
}

async function flush(): Promise<void> {
  for (let i = 0; i < 10; i++) await Promise.resolve();
}

/** Probes that answer after `latency(n)` virtual ms (null: never, until the test says). */
function virtualProbe(clock: ManualClock, latency: (n: number) => number) {
  const sent: number[] = [];
  const probe: ProbeFn = (t) => {
    const n = sent.length;
    sent.push(t);
    return new Promise<ProbeRecord>((resolve) => {
      clock.at(t + latency(n), () =>
        resolve({ t, ok: true, status: 200, servedBy: `n${n}`, latencyMs: clock.now() - t }),
      );
    });
  };
  return { probe, sent };
}

describe('ProbeLoop', () => {
  it('fires one probe per slot and slow answers do not shift the schedule', async () => {
    const clock = new ManualClock(10_000);
    // Every third request takes 150 ms: the others still go out every 20 ms.
    const { probe, sent } = virtualProbe(clock, (n) => (n % 3 === 0 ? 150 : 2));
    const records: ProbeRecord[] = [];
    const loop = new ProbeLoop({
      clock,
      probe,
      sink: (r) => records.push(r),
      intervalMs: 20,
      durationMs: 200,
    });
    const done = loop.run();
    await clock.advanceTo(10_199);
    expect(sent).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9].map((k) => 10_000 + 20 * k));
    await clock.advanceTo(10_400);
    const summary = await done;
    expect(summary).toMatchObject({ requests: 10, ok: 10, failed: 0, skippedSlots: 0 });
    expect(records).toHaveLength(10);
    // Written as they complete: the slow first answer comes after fast later ones.
    expect(records[0]?.t).toBe(10_020);
    expect(records.find((r) => r.t === 10_000)?.latencyMs).toBe(150);
    expect(clock.pending).toBe(0);
  });

  it('skips the slots it slept through instead of bursting', async () => {
    const clock = new ManualClock(0);
    const { probe, sent } = virtualProbe(clock, () => 1);
    const loop = new ProbeLoop({
      clock,
      probe,
      sink: () => undefined,
      intervalMs: 20,
      durationMs: 0,
    });
    void loop.run();
    await clock.advanceTo(20);
    expect(sent).toEqual([0, 20]);
    // Frozen for 100 ms: the next timer (40) runs at 125, slots 2..5 are missed.
    clock.freezeUntil(125);
    await clock.advanceTo(125);
    expect(sent).toEqual([0, 20, 125]);
    await clock.advanceTo(140);
    expect(sent).toEqual([0, 20, 125, 140]);
    const stopped = loop.stop();
    await clock.advanceTo(200);
    expect((await stopped).skippedSlots).toBe(4);
  });

  it('stop() ends the schedule and waits for the requests in flight', async () => {
    const clock = new ManualClock(0);
    const { probe, sent } = virtualProbe(clock, () => 100);
    const records: ProbeRecord[] = [];
    const loop = new ProbeLoop({
      clock,
      probe,
      sink: (r) => records.push(r),
      intervalMs: 20,
      durationMs: 0,
    });
    const done = loop.run();
    await clock.advanceTo(50);
    let finished = false;
    void loop.stop().then(() => (finished = true));
    await clock.advanceTo(120);
    expect(finished).toBe(false);
    expect(loop.inFlightCount).toBe(1);
    await clock.advanceTo(150);
    expect(finished).toBe(true);
    expect(sent).toEqual([0, 20, 40]);
    expect(records).toHaveLength(3);
    await expect(done).resolves.toMatchObject({ requests: 3 });
  });

  it('a probe that rejects is recorded as a failure, not lost', async () => {
    const clock = new ManualClock(0);
    const records: ProbeRecord[] = [];
    const loop = new ProbeLoop({
      clock,
      probe: () => Promise.reject(new Error('boom')),
      sink: (r) => records.push(r),
      intervalMs: 20,
      durationMs: 20,
    });
    await expect(loop.run()).resolves.toMatchObject({ requests: 1, failed: 1 });
    expect(records).toEqual([
      { t: 0, ok: false, status: null, servedBy: null, latencyMs: 0, error: 'boom' },
    ]);
  });
});
