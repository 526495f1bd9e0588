import { advertLateness } from '../../../src/capture/advert-lateness';
import { analyzeTimeline } from '../../../src/capture/timeline';
import { IpIds, NODE_A, NODE_B, T0, advertFrame, observe, type TimedFrame } from './builders';

/** server A's adverts at these offsets from T0 (1 s advertised), server B's every second. */
function capture(offsets: readonly number[], backup = false): TimedFrame[] {
  const ids = new IpIds();
  const frames = offsets.map((o) => advertFrame(T0 + o, { src: NODE_A }, ids.take(NODE_A)));
  if (backup)
    for (let k = 0; k < 3; k++)
      frames.push(advertFrame(T0 + 100 + k, { src: NODE_B, priority: 90 }, ids.take(NODE_B)));
  return frames;
}

const lateness = (frames: TimedFrame[], windows?: { start: number; end: number }[]) =>
  advertLateness(analyzeTimeline(observe(frames)), windows);

describe('advert lateness: interval minus the advertised interval, per sender', () => {
  test('on time: about 0; a starved master: whole CFS periods (median, p95, max)', () => {
    // 0 1 2 3 | then late by 100, 0, 300, 100, 800, 200 ms
    const offsets = [0, 1, 2, 3, 4.1, 5.1, 6.4, 7.5, 9.3, 10.5];
    expect(lateness(capture(offsets, true))).toEqual([
      { vrid: 51, src: NODE_B, advertisedMs: 1000, intervals: 2, medianMs: 0, p95Ms: 0, maxMs: 0 },
      {
        vrid: 51,
        src: NODE_A,
        advertisedMs: 1000,
        intervals: 9,
        medianMs: 100,
        p95Ms: 800,
        maxMs: 800,
      },
    ]);
  });

  test('only the intervals that end inside the windows (a fault applied); none: left out', () => {
    const offsets = [0, 1, 2, 3, 4.1, 5.1, 6.4, 7.5, 9.3, 10.5];
    const during = lateness(capture(offsets), [{ start: T0 + 4, end: T0 + 9.5 }]);
    expect(during).toEqual([
      expect.objectContaining({ src: NODE_A, intervals: 5, medianMs: 100, maxMs: 800 }),
    ]);
    const before = lateness(capture(offsets), [{ start: T0, end: T0 + 3.5 }]);
    expect(before).toEqual([expect.objectContaining({ intervals: 3, medianMs: 0, maxMs: 0 })]);
    expect(lateness(capture(offsets), [{ start: T0 + 50, end: T0 + 60 }])).toEqual([]);
  });

  test('a silence longer than the liveness window is a gap, not lateness', () => {
    // 3.609375 s for priority 100: 10 -> 14 ends the run.
    expect(lateness(capture([0, 1, 2, 10, 11]))).toEqual([
      expect.objectContaining({ src: NODE_A, intervals: 3, maxMs: 0 }),
    ]);
  });

  test('priority-0 adverts do not count; early adverts are negative', () => {
    const ids = new IpIds();
    const frames = [0, 1, 1.9].map((o) => advertFrame(T0 + o, { src: NODE_A }, ids.take(NODE_A)));
    frames.push(advertFrame(T0 + 2.2, { src: NODE_A, priority: 0 }, ids.take(NODE_A)));
    const [a] = lateness(frames);
    expect(a).toMatchObject({ intervals: 2, medianMs: -100, maxMs: 0 });
    expect(a!.p95Ms).toBeCloseTo(0, 3);
  });
});
