import { analyzePcapFiles } from '../../../src/capture/analyze-files';
import { ethernetFrame, vrrpFrame } from '../../../src/capture/frame-builders';
import { observeFrame } from '../../../src/capture/frame';
import type { Observation } from '../../../src/capture/frame';
import { ETHERTYPE_IPV4, LINKTYPE_ETHERNET } from '../../../src/capture/link';
import { analyzeTimeline, livenessWindowSeconds } from '../../../src/capture/timeline';
import type { AnalysisResult } from '../../../src/capture/timeline';
import {
  IpIds,
  NODE_A,
  NODE_B,
  NODE_C,
  Rng,
  T0,
  VIP,
  advertFrame,
  advertSeries,
  dockerMac,
  garpBurst,
  observe,
  tempDir,
  vrrpPacket,
  writeCapture,
} from './builders';
import type { TimedFrame } from './builders';

function analyze(frames: TimedFrame[]): AnalysisResult {
  return analyzeTimeline(observe(frames));
}

/** Relative times make the tables readable. */
function rel(t: number): number {
  return Number((t - T0).toFixed(6));
}

describe('livenessWindowSeconds (3 x interval + skew)', () => {
  it.each([
    { version: 2 as const, priority: 100, intervalMs: 1000, w: 3 + 156 / 256 }, // 3.609375, the RFC bound
    { version: 2 as const, priority: 255, intervalMs: 1000, w: 3 + 1 / 256 },
    { version: 2 as const, priority: 100, intervalMs: 2000, w: 6 + 156 / 256 }, // v2 skew is not scaled
    { version: 3 as const, priority: 100, intervalMs: 100, w: 0.3 + (156 * 0.1) / 256 }, // 0.3609375
    { version: 3 as const, priority: 100, intervalMs: 0, w: 3 + 156 / 256 }, // interval 0 counts as 1 s
  ])('v$version prio $priority interval $intervalMs ms: $w s', ({ w, ...a }) => {
    expect(livenessWindowSeconds(a)).toBeCloseTo(w, 9);
  });
});

describe('switchovers', () => {
  it.each([
    {
      name: 'silence: master stops, backup takes over after 3 x 1 + 156/256 s',
      frames: (ids: IpIds) => [
        ...advertSeries(T0, T0 + 5, { src: NODE_A }, ids), // 0 1 2 3 4
        ...advertSeries(T0 + 7.609375, T0 + 12, { src: NODE_B }, ids),
      ],
      expected: {
        from: NODE_A,
        to: NODE_B,
        at: 7.609375,
        gap: 3.609375,
        reason: 'silence',
        fromPriority: 100,
      },
    },
    {
      name: 'priority-0: resigning master, backup follows after its skew',
      frames: (ids: IpIds) => [
        ...advertSeries(T0, T0 + 5, { src: NODE_A }, ids),
        advertFrame(T0 + 4.2, { src: NODE_A, priority: 0 }, ids.take(NODE_A)),
        ...advertSeries(T0 + 4.809375, T0 + 10, { src: NODE_B }, ids),
      ],
      expected: {
        from: NODE_A,
        to: NODE_B,
        at: 4.809375,
        gap: 0.609375,
        reason: 'priority-0',
        fromPriority: 0,
      },
    },
    {
      name: 'priority-0 twice (FAULT): the gap runs from the repeat, where the skew timer restarts',
      frames: (ids: IpIds) => [
        ...advertSeries(T0, T0 + 5, { src: NODE_A }, ids),
        advertFrame(T0 + 4.2, { src: NODE_A, priority: 0 }, ids.take(NODE_A)),
        advertFrame(T0 + 4.205, { src: NODE_A, priority: 0 }, ids.take(NODE_A)),
        ...advertSeries(T0 + 4.814375, T0 + 10, { src: NODE_B }, ids),
      ],
      expected: {
        from: NODE_A,
        to: NODE_B,
        at: 4.814375,
        gap: 0.609375,
        reason: 'priority-0',
        fromPriority: 0,
      },
    },
    {
      name: 'preempted: a higher priority router returns, the master steps down at once',
      frames: (ids: IpIds) => [
        ...advertSeries(T0, T0 + 10.5, { src: NODE_A }, ids), // 0..10
        ...advertSeries(T0 + 10.3, T0 + 20, { src: NODE_B, priority: 150 }, ids),
      ],
      expected: {
        from: NODE_A,
        to: NODE_B,
        at: 10.3,
        gap: 0.3,
        reason: 'preempted',
        fromPriority: 100,
      },
    },
    {
      name: 'preempted with one advert in flight: the overlap is not a split brain',
      frames: (ids: IpIds) => [
        ...advertSeries(T0, T0 + 10.5, { src: NODE_A }, ids),
        advertFrame(T0 + 10.3002, { src: NODE_A }, ids.take(NODE_A)),
        ...advertSeries(T0 + 10.3, T0 + 20, { src: NODE_B, priority: 150 }, ids),
      ],
      expected: {
        from: NODE_A,
        to: NODE_B,
        at: 10.3,
        gap: 0.3,
        reason: 'preempted',
        fromPriority: 100,
      },
    },
    {
      name: 'VRRPv3 at 0.1 s: sub-second takeover',
      frames: (ids: IpIds) => [
        ...advertSeries(T0, T0 + 2, { src: NODE_A, version: 3, interval: 10 }, ids, 0.1),
        ...advertSeries(
          T0 + 1.9 + 0.3609375,
          T0 + 4,
          { src: NODE_B, version: 3, interval: 10 },
          ids,
          0.1,
        ),
      ],
      expected: {
        from: NODE_A,
        to: NODE_B,
        at: 2.2609375,
        gap: 0.3609375,
        reason: 'silence',
        fromPriority: 100,
      },
    },
  ])('$name', ({ frames, expected }) => {
    const result = analyze(frames(new IpIds()));
    expect(result.errors).toEqual({});
    expect(result.splitBrain).toEqual([]);
    expect(result.switchovers).toHaveLength(1);
    const s = result.switchovers[0]!;
    // Absolute times near 1.8e9 s carry about 0.24 us of float resolution: compare to 1 us.
    expect({
      from: s.from,
      to: s.to,
      at: s.at - T0,
      gap: s.gapSeconds,
      reason: s.reason,
      fromPriority: s.fromPriority,
    }).toEqual({
      ...expected,
      at: expect.closeTo(expected.at, 6),
      gap: expect.closeTo(expected.gap, 6),
    });
  });

  it('a router that comes back after its own silence is not a switchover', () => {
    const ids = new IpIds();
    const result = analyze([
      ...advertSeries(T0, T0 + 3, { src: NODE_A }, ids),
      ...advertSeries(T0 + 20, T0 + 23, { src: NODE_A }, ids),
    ]);
    expect(result.switchovers).toEqual([]);
    expect(
      result.vrids[0]?.masterPeriods.map((p) => [rel(p.start), rel(p.end), p.adverts, p.endReason]),
    ).toEqual([
      [0, 2, 3, 'silence'],
      [20, 22, 3, 'capture-end'],
    ]);
  });

  it('a priority-0 advert from a router that was not master ends nothing', () => {
    const ids = new IpIds();
    const result = analyze([
      ...advertSeries(T0, T0 + 10, { src: NODE_A }, ids),
      advertFrame(T0 + 5.5, { src: NODE_B, priority: 0 }, ids.take(NODE_B)),
    ]);
    expect(result.switchovers).toEqual([]);
    expect(result.vrids[0]?.runs).toHaveLength(1);
    expect(result.priorityZero).toMatchObject([{ src: NODE_B, endedRun: false }]);
  });

  it('VRIDs are independent and switchovers are listed by time', () => {
    const ids = new IpIds();
    const result = analyze([
      ...advertSeries(T0, T0 + 5, { src: NODE_A, vrid: 51 }, ids),
      ...advertSeries(T0 + 7.609375, T0 + 10, { src: NODE_B, vrid: 51 }, ids),
      ...advertSeries(T0, T0 + 3, { src: NODE_B, vrid: 52, addresses: ['192.168.17.201'] }, ids),
      ...advertSeries(
        T0 + 5.609375,
        T0 + 10,
        { src: NODE_A, vrid: 52, addresses: ['192.168.17.201'] },
        ids,
      ),
    ]);
    expect(result.vrids.map((v) => [v.vrid, v.addresses, v.routers])).toEqual([
      [51, [VIP], [NODE_B, NODE_A]],
      [52, ['192.168.17.201'], [NODE_B, NODE_A]],
    ]);
    expect(result.switchovers.map((s) => [s.vrid, s.from, s.to, rel(s.at)])).toEqual([
      [52, NODE_B, NODE_A, 5.609375],
      [51, NODE_A, NODE_B, 7.609375],
    ]);
  });

  it('runs end by silence when the capture goes on, by capture-end otherwise', () => {
    const ids = new IpIds();
    const result = analyze([
      ...advertSeries(T0, T0 + 3, { src: NODE_A, vrid: 1 }, ids),
      ...advertSeries(T0, T0 + 10, { src: NODE_B, vrid: 2 }, ids),
    ]);
    expect(result.vrids.map((v) => v.runs.map((r) => r.endReason))).toEqual([
      ['silence'],
      ['capture-end'],
    ]);
  });
});

describe('split brain', () => {
  it.each([
    {
      name: 'the newcomer stops first (multicast blocked, then healed): no switchover',
      a: [0, 30],
      b: [10.5, 20.5],
      // [first advert of B, last advert of B]; A is master of record throughout
      interval: [10.5, 19.5],
      switchovers: [],
    },
    {
      name: 'the old master stops first: it hands over inside the split brain',
      a: [0, 30],
      b: [10.5, 40.5],
      interval: [10.5, 29],
      switchovers: [[NODE_A, NODE_B, 10.5, 0.5, 'preempted', true]],
    },
    {
      name: 'from the first frame to the last',
      a: [0, 20],
      b: [0.25, 20.25],
      interval: [0.25, 19],
      switchovers: [[NODE_A, NODE_B, 0.25, 0.25, 'preempted', true]],
    },
  ])('$name', ({ a, b, interval, switchovers }) => {
    const ids = new IpIds();
    const result = analyze([
      ...advertSeries(T0 + a[0]!, T0 + a[1]!, { src: NODE_A }, ids),
      ...advertSeries(T0 + b[0]!, T0 + b[1]!, { src: NODE_B }, ids),
    ]);
    expect(result.splitBrain).toHaveLength(1);
    const sb = result.splitBrain[0]!;
    expect(sb.vrid).toBe(51);
    expect(sb.masters).toEqual([NODE_B, NODE_A]);
    expect([rel(sb.start), rel(sb.end)]).toEqual(interval);
    expect(sb.durationSeconds).toBeCloseTo(interval[1]! - interval[0]!, 9);
    expect(
      result.switchovers.map((s) => [
        s.from,
        s.to,
        rel(s.at),
        Number(s.gapSeconds.toFixed(6)),
        s.reason,
        s.duringSplitBrain,
      ]),
    ).toEqual(switchovers);
  });

  it('three masters: one interval with all of them', () => {
    const ids = new IpIds();
    const result = analyze([
      ...advertSeries(T0, T0 + 30, { src: NODE_A }, ids),
      ...advertSeries(T0 + 5.25, T0 + 15, { src: NODE_B }, ids),
      ...advertSeries(T0 + 10.5, T0 + 20, { src: NODE_C }, ids),
    ]);
    expect(result.splitBrain.map((s) => [s.masters, rel(s.start), rel(s.end)])).toEqual([
      [[NODE_B, NODE_A, NODE_C], 5.25, 19.5],
    ]);
  });

  it.each([
    // B loses the adverts at 12.5 and 13.5: 3 s < W = 3.609 s, B is still master.
    { lost: [12.5, 13.5], intervals: [[10.5, 19.5]] },
    // B loses 12.5, 13.5 and 14.5: 4 s > W, B was not master in between.
    {
      lost: [12.5, 13.5, 14.5],
      intervals: [
        [10.5, 11.5],
        [15.5, 19.5],
      ],
    },
  ])('liveness window: B loses adverts $lost', ({ lost, intervals }) => {
    const ids = new IpIds();
    const b = advertSeries(T0 + 10.5, T0 + 20.5, { src: NODE_B }, ids).filter(
      (f) => !lost.includes(rel(f.time)),
    );
    const result = analyze([...advertSeries(T0, T0 + 30, { src: NODE_A }, ids), ...b]);
    expect(result.splitBrain.map((s) => [rel(s.start), rel(s.end)])).toEqual(intervals);
  });

  it('minSplitBrainSeconds drops shorter overlaps', () => {
    const ids = new IpIds();
    const frames = [
      ...advertSeries(T0, T0 + 30, { src: NODE_A }, ids),
      ...advertSeries(T0 + 10.5, T0 + 13, { src: NODE_B }, ids), // 10.5 11.5 12.5: 2 s overlap
    ];
    expect(analyzeTimeline(observe(frames)).splitBrain).toHaveLength(1);
    expect(analyzeTimeline(observe(frames), { minSplitBrainSeconds: 2.5 }).splitBrain).toHaveLength(
      0,
    );
  });
});

describe('merging captures', () => {
  /** What the node-A and node-B captures of one failover both see, with their clock offset. */
  function failover(offset: number): TimedFrame[] {
    const ids = new IpIds();
    return [
      ...advertSeries(T0, T0 + 5, { src: NODE_A }, ids),
      ...advertSeries(T0 + 7.609375, T0 + 12, { src: NODE_B }, ids),
      ...garpBurst(T0 + 7.6095, VIP, dockerMac(NODE_B)),
    ].map((f) => ({ ...f, time: f.time + offset }));
  }

  it('the same packets in two captures count once (same src, vrid, priority, IP id within 1 ms)', () => {
    const single = analyzeTimeline(observe(failover(0), 0));
    const merged = analyzeTimeline([...observe(failover(0), 0), ...observe(failover(0.0004), 1)]);
    expect(merged.packetCount).toBe(2 * single.packetCount);
    expect(merged.counts.adverts).toBe(single.counts.adverts);
    expect(merged.counts.duplicates).toBe(single.packetCount);
    expect(merged.switchovers).toEqual(single.switchovers);
    expect(merged.garps.map((g) => g.count)).toEqual([5]);
    expect(merged.vrids[0]?.adverts?.every((a) => a.source === 0)).toBe(true);
  });

  it('copies more than 1 ms apart are different packets', () => {
    const merged = analyzeTimeline([...observe(failover(0), 0), ...observe(failover(0.002), 1)]);
    expect(merged.counts.duplicates).toBe(0);
    expect(merged.counts.adverts).toBe(2 * 10);
    expect(merged.garps.map((g) => g.count)).toEqual([10]);
  });

  it('a burst of identical GARPs inside one capture is not de-duplicated', () => {
    const result = analyze(garpBurst(T0, VIP, dockerMac(NODE_B), 5, 0));
    expect(result.garps.map((g) => g.count)).toEqual([5]);
    expect(result.counts.duplicates).toBe(0);
  });

  it('each capture sees only part: the union is analysed (per-node captures, unicast peers)', () => {
    const ids = new IpIds();
    const a = advertSeries(T0, T0 + 5, { src: NODE_A }, ids);
    const b = advertSeries(T0 + 7.609375, T0 + 12, { src: NODE_B }, ids);
    const result = analyzeTimeline([...observe(b, 1), ...observe(a, 0)]);
    expect(result.switchovers.map((s) => [s.from, s.to, Number(s.gapSeconds.toFixed(6))])).toEqual([
      [NODE_A, NODE_B, 3.609375],
    ]);
  });

  it('order of the input does not matter', () => {
    const observations = [...observe(failover(0), 0), ...observe(failover(0.0004), 1)];
    const shuffled = [...observations];
    const rng = new Rng(7);
    for (let i = shuffled.length - 1; i > 0; i--) {
      const j = rng.int(0, i);
      [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
    }
    expect(analyzeTimeline(shuffled)).toEqual(analyzeTimeline(observations));
  });

  it('two pcap files through analyzePcapFiles', async () => {
    const tmp = tempDir('merge');
    try {
      const one = writeCapture(tmp.file('server01.pcap'), failover(0));
      const two = writeCapture(tmp.file('server03.pcap'), failover(0.0003));
      const result = await analyzePcapFiles([one, two]);
      expect(result.sources.map((s) => [s.index, s.packets])).toEqual([
        [0, 15],
        [1, 15],
      ]);
      expect(result.counts.duplicates).toBe(15);
      expect(result.switchovers).toHaveLength(1);
      expect(result.switchovers[0]?.gapSeconds).toBeCloseTo(3.609375, 6);
      expect(result.switchovers[0]?.garpCount).toBe(5);
    } finally {
      tmp.cleanup();
    }
  });
});

describe('gratuitous ARPs attached to switchovers', () => {
  function takeover(extra: TimedFrame[]): AnalysisResult {
    const ids = new IpIds();
    return analyze([
      ...advertSeries(T0, T0 + 5, { src: NODE_A }, ids),
      ...advertSeries(T0 + 7.609375, T0 + 12, { src: NODE_B }, ids),
      ...extra,
    ]);
  }

  it.each([
    {
      name: 'right after',
      extra: garpBurst(T0 + 7.6095, VIP, dockerMac(NODE_B)),
      after: 0.000125,
      count: 5,
    },
    {
      name: 'up to 0.1 s before',
      extra: garpBurst(T0 + 7.55, VIP, dockerMac(NODE_B), 3),
      after: -0.059375,
      count: 3,
    },
    {
      name: 'the new master MAC wins over an earlier burst from another MAC',
      extra: [
        ...garpBurst(T0 + 7.7, VIP, dockerMac(NODE_A), 2),
        ...garpBurst(T0 + 7.8, VIP, dockerMac(NODE_B), 4),
      ],
      after: 0.190625,
      count: 4,
    },
    {
      name: 'not for another address',
      extra: garpBurst(T0 + 7.7, '10.0.0.1', dockerMac(NODE_B)),
      after: null,
      count: 0,
    },
    {
      name: 'not before the switchover',
      extra: garpBurst(T0 + 6, VIP, dockerMac(NODE_B)),
      after: null,
      count: 0,
    },
  ])('$name', ({ extra, after, count }) => {
    const s = takeover(extra).switchovers[0]!;
    expect(s.garpCount).toBe(count);
    if (after === null) expect(s.garpAfterSeconds).toBeNull();
    else expect(s.garpAfterSeconds).toBeCloseTo(after, 6);
  });

  it('bursts split after a gap of more than 1 s', () => {
    const result = takeover([
      ...garpBurst(T0 + 7.61, VIP, dockerMac(NODE_B), 5, 0.2), // 0.8 s long: one burst
      ...garpBurst(T0 + 12.61, VIP, dockerMac(NODE_B)),
    ]);
    expect(result.garps.map((g) => [rel(g.time), g.count, g.switchoverIndex])).toEqual([
      [7.61, 5, 0],
      [12.61, 5, null],
    ]);
  });
});

describe('decode errors are counted, never thrown', () => {
  it('counts by code, keeps an example, and the analysis goes on', () => {
    const ids = new IpIds();
    const good = [
      ...advertSeries(T0, T0 + 5, { src: NODE_A }, ids),
      ...advertSeries(T0 + 7.609375, T0 + 10, { src: NODE_B }, ids),
    ];
    const badChecksum = vrrpFrame(vrrpPacket({ src: NODE_A }), { src: NODE_A, id: 99 });
    badChecksum[14 + 20 + 7]! ^= 0xff; // VRRP checksum low octet
    const v4InIp = vrrpFrame(vrrpPacket({ src: NODE_A }), { src: NODE_A });
    v4InIp[14 + 20] = 0x41; // VRRP version 4
    const observations: Observation[] = [
      ...observe(good),
      observeFrame(LINKTYPE_ETHERNET, badChecksum, T0 + 1.5, 0, 100),
      observeFrame(LINKTYPE_ETHERNET, badChecksum, T0 + 2.5, 0, 101),
      observeFrame(LINKTYPE_ETHERNET, v4InIp, T0 + 3.5, 0, 102),
      observeFrame(LINKTYPE_ETHERNET, new Uint8Array(10), T0 + 3.6, 0, 103),
      observeFrame(
        LINKTYPE_ETHERNET,
        ethernetFrame(new Uint8Array(40), {
          dst: 'ff:ff:ff:ff:ff:ff',
          src: dockerMac(NODE_A),
          etherType: 0x86dd,
        }),
        T0 + 3.7,
        0,
        104,
      ),
      observeFrame(
        LINKTYPE_ETHERNET,
        ethernetFrame(Uint8Array.of(0x45, 0, 0, 20, 0, 0, 0, 0, 64, 6), {
          dst: 'ff:ff:ff:ff:ff:ff',
          src: dockerMac(NODE_A),
          etherType: ETHERTYPE_IPV4,
        }),
        T0 + 3.8,
        0,
        105,
      ),
    ];
    const result = analyzeTimeline(observations);
    expect(result.errors).toEqual({
      VRRP_BAD_CHECKSUM: 2,
      VRRP_BAD_VERSION: 1,
      ETHERNET_TRUNCATED: 1,
    });
    expect(result.errorExamples[0]).toMatchObject({ code: 'VRRP_BAD_CHECKSUM', frame: 100 });
    // The broken adverts' VRID octet is still there to read: counted for their group; the cut
    // Ethernet frame has none.
    expect(result.errorsByVrid).toEqual({
      51: { VRRP_BAD_CHECKSUM: 2, VRRP_BAD_VERSION: 1 },
    });
    expect(result.counts).toMatchObject({ errors: 4, ignored: 2, adverts: good.length });
    expect(result.switchovers).toHaveLength(1);
  });

  it('an empty input gives an empty result', () => {
    expect(analyzeTimeline([])).toMatchObject({
      packetCount: 0,
      start: null,
      end: null,
      vrids: [],
      switchovers: [],
    });
  });
});
