/**
 * Fuzz-ish: random and mutated frames never throw out of the analysis, and random but valid
 * advert streams always give a self-consistent result. Seeded, so failures reproduce.
 */
import fs from 'node:fs';
import { LINK_TYPES } from '../../../bench/fuzz/capture-cases';
import { analyzePcapFiles } from '../../../src/capture/analyze-files';
import { gratuitousArpFrame, vrrpFrame } from '../../../src/capture/frame-builders';
import { observeFrame } from '../../../src/capture/frame';
import type { Observation } from '../../../src/capture/frame';
import { LINKTYPE_ETHERNET } from '../../../src/capture/link';
import { encodePcapGlobalHeader } from '../../../src/capture/pcap-format';
import { analyzeTimeline } from '../../../src/capture/timeline';
import type { AnalysisResult } from '../../../src/capture/timeline';
import { InputError } from '../../../src/errors';
import { NODE_A, NODE_B, NODE_C, Rng, T0, VIP, dockerMac, tempDir, vrrpPacket } from './builders';

function checkInvariants(result: AnalysisResult): void {
  expect(result.counts.errors).toBe(Object.values(result.errors).reduce((a, b) => a + b, 0));
  for (const s of result.switchovers) {
    expect(s.gapSeconds).toBeGreaterThan(0);
    expect(s.from).not.toBe(s.to);
    expect(s.at).toBeGreaterThanOrEqual(result.start!);
    expect(s.at).toBeLessThanOrEqual(result.end!);
  }
  for (const sb of result.splitBrain) {
    expect(sb.durationSeconds).toBeGreaterThan(0);
    expect(sb.masters.length).toBeGreaterThanOrEqual(2);
  }
  for (const v of result.vrids) {
    for (let i = 1; i < v.masterPeriods.length; i++) {
      expect(v.masterPeriods[i]!.start).toBeGreaterThanOrEqual(v.masterPeriods[i - 1]!.end);
    }
    for (const p of v.masterPeriods) expect(p.adverts).toBeGreaterThan(0);
  }
}

describe('fuzz', () => {
  it('random bytes as frames of every link type never throw out of the analysis', () => {
    const rng = new Rng(0xc4a05);
    const observations: Observation[] = [];
    for (let i = 0; i < 5000; i++) {
      const linkType = rng.pick(LINK_TYPES);
      const data = rng.bytes(rng.int(0, 120));
      observations.push(observeFrame(linkType, data, T0 + i * 0.01, rng.int(0, 2), i + 1));
    }
    const result = analyzeTimeline(observations);
    expect(result.packetCount).toBe(5000);
    expect(
      result.counts.errors +
        result.counts.ignored +
        result.counts.adverts +
        result.counts.arp +
        result.counts.duplicates,
    ).toBe(5000);
    checkInvariants(result);
  });

  it('mutated VRRP and ARP frames never throw; checksums catch the mutations', () => {
    const rng = new Rng(51);
    const valid = [
      vrrpFrame(vrrpPacket({ src: NODE_A }), { src: NODE_A, id: 7 }),
      vrrpFrame(vrrpPacket({ src: NODE_B, version: 3, interval: 10 }), { src: NODE_B, id: 8 }),
      vrrpFrame(vrrpPacket({ src: NODE_B, version: 3 }), {
        src: NODE_B,
        v3Checksum: 'vrrp-only',
        vlan: 17,
      }),
      gratuitousArpFrame(dockerMac(NODE_B), VIP),
    ];
    const observations: Observation[] = [];
    for (let i = 0; i < 5000; i++) {
      const frame = rng.pick(valid).slice();
      for (let k = rng.int(1, 3); k > 0; k--) frame[rng.int(0, frame.length - 1)] = rng.int(0, 255);
      const cut = rng.int(0, 4) === 0 ? frame.subarray(0, rng.int(0, frame.length)) : frame;
      observations.push(observeFrame(LINKTYPE_ETHERNET, cut, T0 + i * 0.05, 0, i + 1));
    }
    const result = analyzeTimeline(observations);
    expect(result.counts.errors).toBeGreaterThan(1000);
    checkInvariants(result);
  });

  it('random valid advert streams give self-consistent results', () => {
    const rng = new Rng(3609375);
    const routers = [NODE_A, NODE_B, NODE_C];
    for (let round = 0; round < 50; round++) {
      const observations: Observation[] = [];
      let t = T0;
      for (let i = 0; i < 300; i++) {
        t += rng.pick([0.001, 0.1, 0.5, 1, 1, 1, 2, 4, 5]);
        const src = rng.pick(routers);
        const version = rng.pick([2, 3] as const);
        const packet = vrrpPacket({
          src,
          vrid: rng.int(1, 3),
          priority: rng.pick([0, 50, 100, 100, 150, 255]),
          version,
          interval: version === 2 ? rng.int(0, 3) : rng.int(0, 200),
        });
        const frame = vrrpFrame(packet, { src, id: rng.int(0, 3) });
        observations.push(observeFrame(LINKTYPE_ETHERNET, frame, t, rng.int(0, 1), i + 1));
      }
      const result = analyzeTimeline(observations);
      expect(result.errors).toEqual({});
      checkInvariants(result);
    }
  });

  it('random files: an analysis or an InputError, nothing else', async () => {
    const tmp = tempDir('fuzz');
    const rng = new Rng(0xbadf11e);
    try {
      for (let i = 0; i < 40; i++) {
        const file = tmp.file(`random-${i}.pcap`);
        const body = rng.bytes(rng.int(0, 400));
        const withHeader = rng.int(0, 1) === 1;
        fs.writeFileSync(
          file,
          withHeader
            ? Buffer.concat([encodePcapGlobalHeader({ linkType: LINKTYPE_ETHERNET }), body])
            : body,
        );
        try {
          checkInvariants(await analyzePcapFiles([file]));
        } catch (error) {
          expect(error).toBeInstanceOf(InputError);
        }
      }
    } finally {
      tmp.cleanup();
    }
  });
});
