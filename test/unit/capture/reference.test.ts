/**
 * The two captures of real keepalived 2.2.7 (../shared/reference/keepalived): every VRRP
 * packet decoded field by field, and the analysis must find exactly one switchover each with
 * the measured gaps (3.6096 s and 0.6102 s, to 1 ms) and the gratuitous ARPs after it.
 */
import { analyzePcapFiles } from '../../../src/capture/analyze-files';
import { decodeFrame } from '../../../src/capture/frame';
import { LINKTYPE_ETHERNET } from '../../../src/capture/link';
import { readPcapFile } from '../../../src/capture/pcap-file';
import type { PcapRecord } from '../../../src/capture/pcap-file';
import { VRRP_MULTICAST } from '../../../src/vrrp/ipv4';
import { authPassword, vrrpChecksum } from '../../../src/vrrp/packet';
import { NODE_A, NODE_B, VIP, referencePcap } from './builders';

const files = {
  poweroff: referencePcap('poweroff-master.pcap'),
  graceful: referencePcap('graceful-stop.pcap'),
};

describe('reference captures: frames', () => {
  it.each([
    // tshark -r FILE -Y vrrp | wc -l, and -Y arp
    { name: 'poweroff', file: files.poweroff, frames: 30, vrrp: 11, arp: 19, priorityZero: 0 },
    { name: 'graceful', file: files.graceful, frames: 35, vrrp: 15, arp: 20, priorityZero: 1 },
  ])(
    '$name: decodes every VRRP advert field by field',
    async ({ file, frames, vrrp, arp, priorityZero }) => {
      const { info, records } = await readPcapFile(file);
      expect(info.header).toMatchObject({
        linkType: LINKTYPE_ETHERNET,
        nanosecond: false,
        byteOrder: 'LE',
      });
      expect(info.records).toBe(frames);
      let adverts = 0;
      let arps = 0;
      let zeros = 0;
      for (const record of records) {
        const decoded = decodeFrame(record.linkType, record.data);
        if (decoded.kind === 'arp') {
          arps++;
          continue;
        }
        expect(decoded.kind).toBe('vrrp');
        if (decoded.kind !== 'vrrp') continue;
        adverts++;
        const { ip, vrrp: p } = decoded.datagram;
        expect(ip.ttl).toBe(255);
        expect(ip.tos).toBe(0xc0);
        expect(ip.protocol).toBe(112);
        expect(ip.dst).toBe(VRRP_MULTICAST);
        expect([NODE_A, NODE_B]).toContain(ip.src);
        expect(decoded.link.srcMac).toBe(
          ip.src === NODE_A ? '02:42:c0:a8:11:66' : '02:42:c0:a8:11:65',
        );
        expect(decoded.link.dstMac).toBe('01:00:5e:00:00:12');
        // Version (4 bits) and type (4 bits) straight from the octet after the IPv4 header.
        expect(record.data[14 + 20]).toBe(0x21);
        expect(p.version).toBe(2);
        if (p.version !== 2) continue;
        expect(p.vrid).toBe(51);
        expect([100, 0]).toContain(p.priority);
        if (p.priority === 0) zeros++;
        expect(p.addresses).toEqual([VIP]); // count 1
        expect(p.authType).toBe(1);
        expect(p.advertIntervalSec).toBe(1);
        expect(authPassword(p)).toBe('1111');
        // Checksum good: decoding verified it; the recomputed one equals the one on the wire.
        const message = record.data.subarray(34, 34 + 20);
        expect(vrrpChecksum(message, 2, { src: ip.src, dst: ip.dst })).toBe(p.checksum);
      }
      expect(adverts).toBe(vrrp);
      expect(arps).toBe(arp);
      expect(zeros).toBe(priorityZero);
    },
  );

  it('reads timestamps to the microsecond (tshark frame.time_epoch)', async () => {
    const { records } = await readPcapFile(files.poweroff);
    const times = (rs: PcapRecord[], n: number): number => rs[n - 1]!.timestampSeconds;
    expect(times(records, 1)).toBeCloseTo(1795586634.917371, 6);
    expect(times(records, 11)).toBeCloseTo(1795586637.917842, 6);
    expect(times(records, 12)).toBeCloseTo(1795586641.527429, 6);
  });
});

describe('reference captures: analysis', () => {
  it.each([
    {
      name: 'poweroff-master (docker kill server01)',
      file: files.poweroff,
      // frame 11 (last .102 advert) 1795586637.917842 -> frame 12 (first .101) 1795586641.527429
      gap: 3.609587,
      rounded: 3.6096,
      reason: 'silence',
      lastAdvertAt: 1795586637.917842,
      at: 1795586641.527429,
      garpAfter: 0.000098,
      fromPriority: 100,
    },
    {
      name: 'graceful-stop (docker stop server01)',
      file: files.graceful,
      // frame 11 (.102 priority 0) 1795586659.784732 -> frame 13 (first .101) 1795586660.394974
      gap: 0.610242,
      rounded: 0.6102,
      reason: 'priority-0',
      lastAdvertAt: 1795586659.784732,
      at: 1795586660.394974,
      garpAfter: 0.000096,
      fromPriority: 0,
    },
  ])('$name: one switchover .102 -> .101, gap $rounded s', async (c) => {
    const result = await analyzePcapFiles([c.file]);
    expect(result.errors).toEqual({});
    expect(result.switchovers).toHaveLength(1);
    const s = result.switchovers[0]!;
    expect(s).toMatchObject({
      vrid: 51,
      from: NODE_A,
      to: NODE_B,
      reason: c.reason,
      fromPriority: c.fromPriority,
    });
    expect(s.gapSeconds).toBeCloseTo(c.rounded, 3); // the README's figure, to 1 ms
    expect(s.gapSeconds).toBeCloseTo(c.gap, 6); // the exact microsecond difference
    expect(s.at).toBeCloseTo(c.at, 6);
    expect(s.lastAdvertAt).toBeCloseTo(c.lastAdvertAt, 6);
    expect(s.duringSplitBrain).toBe(false);
    // keepalived's 5 gratuitous ARPs for the VIP right after the new master's first advert.
    expect(s.garpCount).toBe(5);
    expect(s.garpMac).toBe('02:42:c0:a8:11:65');
    expect(s.garpAfterSeconds).toBeCloseTo(c.garpAfter, 6);
    expect(result.splitBrain).toEqual([]);
    const [vrid] = result.vrids;
    expect(vrid?.masterPeriods.map((p) => [p.router, p.endReason])).toEqual([
      [NODE_A, c.reason],
      [NODE_B, 'capture-end'],
    ]);
  });

  it('poweroff: GARP bursts, the one after the switchover has 5', async () => {
    const result = await analyzePcapFiles([files.poweroff]);
    expect(
      result.garps.map((g) => [g.senderMac, g.ip, g.count, g.switchoverIndex, g.vrid]),
    ).toEqual([
      ['02:42:c0:a8:11:66', VIP, 5, null, 51], // .102's delayed GARPs while master
      ['02:42:c0:a8:11:65', VIP, 5, 0, 51], // .101 takes over
      ['02:42:c0:a8:11:65', VIP, 5, null, 51], // .101's repeat 5 s later
    ]);
    expect(result.counts).toEqual({
      adverts: 11,
      arp: 19,
      gratuitousArp: 15,
      ignored: 0,
      duplicates: 0,
      errors: 0,
    });
  });

  it('graceful: the priority-0 advert ends .102 run and is reported', async () => {
    const result = await analyzePcapFiles([files.graceful]);
    expect(result.priorityZero).toEqual([
      {
        vrid: 51,
        src: NODE_A,
        time: expect.closeTo(1795586659.784732, 6),
        source: 0,
        frame: 11,
        endedRun: true,
      },
    ]);
    expect(result.vrids[0]?.runs.map((r) => [r.src, r.adverts, r.endReason])).toEqual([
      [NODE_A, 4, 'priority-0'],
      [NODE_B, 11, 'capture-end'],
    ]);
  });

  it('both captures merged: three switchovers, the reference ones keep their gaps', async () => {
    const result = await analyzePcapFiles([files.graceful, files.poweroff]);
    expect(result.sources.map((s) => s.packets)).toEqual([35, 30]);
    expect(
      result.switchovers.map((s) => [s.from, s.to, s.reason, Number(s.gapSeconds.toFixed(4))]),
    ).toEqual([
      [NODE_A, NODE_B, 'silence', 3.6096],
      [NODE_B, NODE_A, 'silence', 10.1361], // the 10 s between the two captures
      [NODE_A, NODE_B, 'priority-0', 0.6102],
    ]);
  });
});
