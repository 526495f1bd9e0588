import { planTick, slotCount, type Schedule } from '../../../src/prober/schedule';

const s: Schedule = { startMs: 1000, intervalMs: 20, durationMs: 100 };

describe('planTick', () => {
  it.each([
    // [now, lastFired, fire, skipped, nextAt]
    [1000, -1, 0, 0, 1020], // the first slot, on time
    [1005, -1, 0, 0, 1020], // a little late: still slot 0, next slot unchanged
    [1019, 0, null, 0, 1020], // woken early: nothing, same next slot
    [1020, 0, 1, 0, 1040],
    [1071, 1, 3, 1, 1080], // slept through slot 2: skip it, fire 3
    [1080, 3, 4, 0, null], // the last slot of 100 ms at 20 ms is #4
    [5000, 3, 4, 0, null], // far past the end: fire the last slot, no more
    [5000, 4, null, 0, null],
    [990, -1, null, 0, 1000], // before the start
  ])('at %d after slot %d: fire %p, skip %d, next %p', (now, last, fire, skipped, next) => {
    expect(planTick(s, now, last)).toEqual({ fire, skipped, nextAtMs: next });
  });

  it('never ends with duration 0', () => {
    const forever = { ...s, durationMs: 0 };
    expect(slotCount(forever)).toBe(Infinity);
    expect(planTick(forever, 1_000_000_000, 5)).toMatchObject({ skipped: 49_999_944 });
  });

  it('counts slots', () => {
    expect(slotCount(s)).toBe(5);
    expect(slotCount({ ...s, durationMs: 101 })).toBe(6);
  });
});
