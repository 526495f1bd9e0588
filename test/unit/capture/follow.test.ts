/**
 * `chaos analyze --follow` as a library call: the events come as the records are read, in the
 * order they happen, and the analysis at the end is the one analyzePcapFiles gives.
 */
import { Readable } from 'node:stream';
import fs from 'node:fs';
import { analyzePcapFiles, followPcapFiles } from '../../../src/capture/analyze-files';
import type { TimelineEvent } from '../../../src/capture/timeline';
import {
  IpIds,
  NODE_A,
  NODE_B,
  T0,
  VIP,
  advertSeries,
  dockerMac,
  garpBurst,
  tempDir,
  writeCapture,
} from './builders';

const tmp = tempDir('follow');
afterAll(() => tmp.cleanup());

function brief(e: TimelineEvent): string {
  switch (e.kind) {
    case 'master':
      return `master ${e.router} at ${e.time - T0}`;
    case 'switchover':
      return `switchover ${e.switchover.from} -> ${e.switchover.to} at ${e.switchover.at - T0}`;
    case 'split-brain-begins':
      return `split brain begins at ${e.time - T0}: ${e.masters.join(' + ')}`;
    case 'split-brain-ends':
      return `split brain ends ${e.start - T0} .. ${e.end - T0}`;
    case 'garp-burst':
      return `GARP x${e.burst.count} at ${(e.burst.time - T0).toFixed(2)}`;
  }
}

describe('followPcapFiles', () => {
  it('tells the first master, a split brain beginning and ending, a switchover and its GARPs', async () => {
    const ids = new IpIds();
    const file = writeCapture(tmp.file('live.pcap'), [
      ...advertSeries(T0, T0 + 30, { src: NODE_A }, ids),
      ...advertSeries(T0 + 10.5, T0 + 20.5, { src: NODE_B }, ids),
      ...advertSeries(T0 + 33.5, T0 + 40, { src: NODE_B }, ids),
      ...garpBurst(T0 + 33.5001, VIP, dockerMac(NODE_B)),
    ]);
    const events: string[] = [];
    const data = fs.readFileSync(file);
    const result = await followPcapFiles(['-'], {
      stdin: Readable.from([data.subarray(0, 500), data.subarray(500)]),
      onEvent: (e) => events.push(brief(e)),
      now: () => 0,
    });
    expect(events).toEqual([
      `master ${NODE_A} at 0`,
      `split brain begins at 10.5: ${NODE_B} + ${NODE_A}`,
      'split brain ends 10.5 .. 19.5',
      `switchover ${NODE_A} -> ${NODE_B} at 33.5`,
      'GARP x5 at 33.50',
    ]);
    const batch = await analyzePcapFiles([file]);
    expect({ ...result, sources: [] }).toEqual({ ...batch, sources: [] });
    expect(result.splitBrain).toEqual([
      { vrid: 51, masters: [NODE_B, NODE_A], start: T0 + 10.5, end: T0 + 19.5, durationSeconds: 9 },
    ]);
  });

  it('moves capture time on with the clock while no packet comes: a silent master is decided', async () => {
    const ids = new IpIds();
    const frames = [
      ...advertSeries(T0, T0 + 5, { src: NODE_A }, ids),
      // B's one advert comes while A's liveness window (3.6 s after 4) is still open.
      ...advertSeries(T0 + 6, T0 + 6.5, { src: NODE_B }, ids),
    ];
    const file = writeCapture(tmp.file('silent.pcap'), frames);
    const data = fs.readFileSync(file);
    // The records, then an open stream that sends nothing until the signal ends the read.
    const controller = new AbortController();
    const stdin = new Readable({ read: () => undefined });
    stdin.push(data);
    const events: string[] = [];
    let clock = 1000;
    const done = followPcapFiles(['-'], {
      stdin,
      onEvent: (e) => {
        events.push(brief(e));
        if (e.kind === 'switchover') controller.abort();
      },
      now: () => (clock += 5), // each tick: 5 s later
      tickMs: 5,
      signal: controller.signal,
    });
    const result = await done;
    stdin.destroy();
    // No packet after B's: only the clock's ticks can tell A's window has passed.
    expect(events).toEqual([`master ${NODE_A} at 0`, `switchover ${NODE_A} -> ${NODE_B} at 6`]);
    expect(result.switchovers).toHaveLength(1);
  });
});
