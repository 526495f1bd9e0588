/**
 * FrameObserver answers repeats from a cache: it must give exactly observeFrame's observation
 * for every frame, repeats, near-repeats (one octet changed anywhere, the IPv4 checksum broken,
 * another IPv4 id) and noise alike.
 */
import { gratuitousArpFrame, sll2Frame, vrrpFrame } from '../../../src/capture/frame-builders';
import { observeFrame } from '../../../src/capture/frame';
import { FrameObserver } from '../../../src/capture/frame-observer';
import {
  ETHERTYPE_IPV4,
  LINKTYPE_ETHERNET,
  LINKTYPE_LINUX_SLL2,
  LINKTYPE_RAW,
  SLL_PACKET_MULTICAST,
} from '../../../src/capture/link';
import { NODE_A, NODE_B, Rng, T0, VIP, dockerMac, vrrpPacket } from './builders';

function frames(rng: Rng): { linkType: number; data: Uint8Array }[] {
  const out: { linkType: number; data: Uint8Array }[] = [];
  for (let i = 0; i < 3000; i++) {
    const src = rng.pick([NODE_A, NODE_B]);
    const packet = vrrpPacket({
      src,
      priority: rng.pick([100, 100, 100, 0, 150]),
      version: rng.pick([2, 3]),
    });
    const ether = vrrpFrame(packet, { src, id: rng.int(0, 0xffff) });
    const kind = rng.int(0, 9);
    if (kind === 0)
      out.push({ linkType: LINKTYPE_ETHERNET, data: gratuitousArpFrame(dockerMac(src), VIP) });
    else if (kind === 1) out.push({ linkType: LINKTYPE_RAW, data: ether.subarray(14) });
    else if (kind === 2)
      out.push({
        linkType: LINKTYPE_LINUX_SLL2,
        data: sll2Frame(ether.subarray(14), {
          src: dockerMac(src),
          etherType: ETHERTYPE_IPV4,
          packetType: SLL_PACKET_MULTICAST,
        }),
      });
    else if (kind === 3) {
      // One octet changed anywhere: a near-repeat that must not be taken for the original.
      const bad = Uint8Array.from(ether);
      const at = rng.int(0, bad.length - 1);
      bad[at] = bad[at]! ^ (1 << rng.int(0, 7));
      out.push({ linkType: LINKTYPE_ETHERNET, data: bad });
    } else if (kind === 4)
      out.push({ linkType: LINKTYPE_ETHERNET, data: rng.bytes(rng.int(0, 80)) });
    else out.push({ linkType: LINKTYPE_ETHERNET, data: ether });
  }
  return out;
}

describe('FrameObserver', () => {
  it('gives observeFrame’s observation for every frame of a mixed, damaged stream', () => {
    const rng = new Rng(0x0b5e7);
    const observer = new FrameObserver();
    let adverts = 0;
    let errors = 0;
    frames(rng).forEach(({ linkType, data }, i) => {
      const expected = observeFrame(linkType, data, T0 + i, 0, i + 1);
      expect(observer.observe(linkType, data, T0 + i, 0, i + 1)).toEqual(expected);
      if (expected.kind === 'advert') adverts++;
      if (expected.kind === 'error') errors++;
    });
    // The stream did exercise both paths: many good adverts (repeats) and some errors.
    expect(adverts).toBeGreaterThan(1500);
    expect(errors).toBeGreaterThan(100);
  });

  it('a repeat with a broken IPv4 header checksum is an error, as observeFrame says', () => {
    const observer = new FrameObserver();
    const good = vrrpFrame(vrrpPacket({ src: NODE_A }), { src: NODE_A, id: 7 });
    expect(observer.observe(LINKTYPE_ETHERNET, good, T0, 0, 1).kind).toBe('advert');
    const bad = Uint8Array.from(good);
    bad[14 + 10] = bad[14 + 10]! ^ 0xff; // the IPv4 header checksum: skipped by the cache key, checked anew
    expect(observer.observe(LINKTYPE_ETHERNET, bad, T0 + 1, 0, 2)).toMatchObject({
      kind: 'error',
      code: 'IPV4_BAD_CHECKSUM',
    });
    const other = vrrpFrame(vrrpPacket({ src: NODE_A }), { src: NODE_A, id: 8 });
    expect(observer.observe(LINKTYPE_ETHERNET, other, T0 + 2, 0, 3)).toMatchObject({
      kind: 'advert',
      ipId: 8,
      frame: 3,
    });
  });
});
