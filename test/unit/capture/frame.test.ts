import {
  ARP_OP_REPLY,
  ARP_OP_REQUEST,
  decodeArp,
  encodeArp,
  isGratuitousArp,
} from '../../../src/capture/arp';
import type { ArpPacket } from '../../../src/capture/arp';
import { decodeFrame, observeFrame } from '../../../src/capture/frame';
import {
  ethernetFrame,
  gratuitousArpFrame,
  multicastMac,
  sll2Frame,
  sllFrame,
  vrrpFrame,
} from '../../../src/capture/frame-builders';
import {
  ETHERTYPE_ARP,
  ETHERTYPE_IPV4,
  ETHERTYPE_IPV6,
  LINKTYPE_ETHERNET,
  LINKTYPE_IPV4,
  LINKTYPE_LINUX_SLL,
  LINKTYPE_LINUX_SLL2,
  LINKTYPE_RAW,
  decodeLink,
  formatMac,
  parseMac,
} from '../../../src/capture/link';
import { DecodeError } from '../../../src/errors';
import { encodeVrrpDatagram } from '../../../src/vrrp/packet';
import { NODE_A, T0, VIP, dockerMac, hex, vrrpPacket } from './builders';

/** poweroff-master.pcap frame 1 (`tshark -x`): .102 advertises VRID 51 priority 100. */
const REFERENCE_ADVERT = hex(`
  01005e000012 024 2c0a81166 0800
  45c0 0028 0004 0000 ff70 0881 c0a81166 e0000012
  21 33 64 01 01 01 44f7 c0a811c8 3131313100000000`);
/** poweroff-master.pcap frame 13: .101's gratuitous ARP for the VIP. */
const REFERENCE_GARP = hex(`
  ffffffffffff 0242c0a81165 0806
  0001 0800 06 04 0001 0242c0a81165 c0a811c8 ffffffffffff c0a811c8`);

const DATAGRAM = REFERENCE_ADVERT.subarray(14);
const MAC = '02:42:c0:a8:11:66';

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    if (error instanceof DecodeError) return error.code;
    throw error;
  }
  return 'no error';
}

describe('link layers', () => {
  it.each([
    {
      name: 'Ethernet II (reference frame 1)',
      linkType: LINKTYPE_ETHERNET,
      frame: REFERENCE_ADVERT,
      expected: {
        etherType: ETHERTYPE_IPV4,
        srcMac: MAC,
        dstMac: '01:00:5e:00:00:12',
        broadcast: false,
        vlan: null,
      },
    },
    {
      name: 'Ethernet + 802.1Q VLAN 17',
      linkType: LINKTYPE_ETHERNET,
      frame: hex(`01005e000012 0242c0a81166 8100 6011 0800`),
      expected: {
        etherType: ETHERTYPE_IPV4,
        srcMac: MAC,
        dstMac: '01:00:5e:00:00:12',
        broadcast: false,
        vlan: 17,
      },
    },
    {
      name: 'Ethernet + 802.1ad QinQ 100/17 (the outer VLAN is reported)',
      linkType: LINKTYPE_ETHERNET,
      frame: hex(`ffffffffffff 0242c0a81166 88a8 0064 8100 0011 0806`),
      expected: {
        etherType: ETHERTYPE_ARP,
        srcMac: MAC,
        dstMac: 'ff:ff:ff:ff:ff:ff',
        broadcast: true,
        vlan: 100,
      },
    },
    {
      name: 'Linux cooked SLL, multicast in',
      linkType: LINKTYPE_LINUX_SLL,
      frame: hex(`0002 0001 0006 0242c0a81166 0000 0800`),
      expected: {
        etherType: ETHERTYPE_IPV4,
        srcMac: MAC,
        dstMac: null,
        broadcast: false,
        vlan: null,
      },
    },
    {
      name: 'Linux cooked SLL with a VLAN tag kept',
      linkType: LINKTYPE_LINUX_SLL,
      frame: hex(`0001 0001 0006 0242c0a81166 0000 8100 0011 0806`),
      expected: { etherType: ETHERTYPE_ARP, srcMac: MAC, dstMac: null, broadcast: true, vlan: 17 },
    },
    {
      name: 'Linux cooked SLL on a non-Ethernet device (no MAC)',
      linkType: LINKTYPE_LINUX_SLL,
      frame: hex(`0000 0304 0000 0000000000000000 0800`),
      expected: {
        etherType: ETHERTYPE_IPV4,
        srcMac: null,
        dstMac: null,
        broadcast: false,
        vlan: null,
      },
    },
    {
      name: 'Linux cooked SLL2, broadcast in',
      linkType: LINKTYPE_LINUX_SLL2,
      frame: hex(`0806 0000 00000003 0001 01 06 0242c0a81166 0000`),
      expected: {
        etherType: ETHERTYPE_ARP,
        srcMac: MAC,
        dstMac: null,
        broadcast: true,
        vlan: null,
      },
    },
    {
      name: 'Linux cooked SLL2 with a VLAN tag',
      linkType: LINKTYPE_LINUX_SLL2,
      frame: hex(`8100 0000 00000003 0001 04 06 0242c0a81166 0000 2011 0800`),
      expected: {
        etherType: ETHERTYPE_IPV4,
        srcMac: MAC,
        dstMac: null,
        broadcast: false,
        vlan: 17,
      },
    },
    {
      name: 'raw IP (101), IPv4',
      linkType: LINKTYPE_RAW,
      frame: DATAGRAM,
      expected: {
        etherType: ETHERTYPE_IPV4,
        srcMac: null,
        dstMac: null,
        broadcast: null,
        vlan: null,
      },
    },
    {
      name: 'raw IP (101), IPv6',
      linkType: LINKTYPE_RAW,
      frame: hex('6000000000000000'),
      expected: {
        etherType: ETHERTYPE_IPV6,
        srcMac: null,
        dstMac: null,
        broadcast: null,
        vlan: null,
      },
    },
    {
      name: 'raw IPv4 (228)',
      linkType: LINKTYPE_IPV4,
      frame: DATAGRAM,
      expected: {
        etherType: ETHERTYPE_IPV4,
        srcMac: null,
        dstMac: null,
        broadcast: null,
        vlan: null,
      },
    },
  ])('$name', ({ linkType, frame, expected }) => {
    const { payload, ...link } = decodeLink(linkType, frame);
    expect(link).toEqual(expected);
    expect(frame.length - payload.length).toBeGreaterThanOrEqual(0);
  });

  it.each([
    {
      name: 'Ethernet shorter than 14',
      linkType: LINKTYPE_ETHERNET,
      frame: hex('ffffffffffff0242c0a8'),
      code: 'ETHERNET_TRUNCATED',
    },
    {
      name: 'VLAN tag cut',
      linkType: LINKTYPE_ETHERNET,
      frame: hex('ffffffffffff 0242c0a81166 8100 00'),
      code: 'VLAN_TRUNCATED',
    },
    {
      name: 'five VLAN tags',
      linkType: LINKTYPE_ETHERNET,
      frame: hex(
        'ffffffffffff 0242c0a81166 88a8 0001 88a8 0002 9100 0003 8100 0004 8100 0005 0800',
      ),
      code: 'VLAN_TOO_DEEP',
    },
    {
      name: 'SLL shorter than 16',
      linkType: LINKTYPE_LINUX_SLL,
      frame: hex('0000 0001 0006 0242c0a8'),
      code: 'SLL_TRUNCATED',
    },
    {
      name: 'SLL2 shorter than 20',
      linkType: LINKTYPE_LINUX_SLL2,
      frame: hex('0800 0000 00000001 0001'),
      code: 'SLL2_TRUNCATED',
    },
    {
      name: 'empty raw IP',
      linkType: LINKTYPE_RAW,
      frame: new Uint8Array(0),
      code: 'RAW_IP_TRUNCATED',
    },
    {
      name: 'unknown link type',
      linkType: 105,
      frame: new Uint8Array(30),
      code: 'LINKTYPE_UNSUPPORTED',
    },
  ])('$name: $code', ({ linkType, frame, code }) => {
    expect(codeOf(() => decodeLink(linkType, frame))).toBe(code);
  });

  it('formats and parses MAC addresses', () => {
    expect(formatMac(REFERENCE_ADVERT, 6)).toBe(MAC);
    expect(parseMac('02-42-C0-A8-11-66')).toEqual(REFERENCE_ADVERT.subarray(6, 12));
    expect(codeOf(() => parseMac('02:42:c0:a8:11'))).toBe('MAC_BAD_ADDRESS');
    expect(multicastMac('224.0.0.18')).toBe('01:00:5e:00:00:12');
    expect(dockerMac('192.168.17.101')).toBe('02:42:c0:a8:11:65');
  });

  it('the builders produce the reference bytes', () => {
    const built = vrrpFrame(vrrpPacket({ src: NODE_A }), { src: NODE_A, id: 4 });
    expect(Buffer.from(built).toString('hex')).toBe(Buffer.from(REFERENCE_ADVERT).toString('hex'));
    expect(Buffer.from(gratuitousArpFrame('02:42:c0:a8:11:65', VIP)).toString('hex')).toBe(
      Buffer.from(REFERENCE_GARP).toString('hex'),
    );
  });

  it('SLL and SLL2 builders round-trip through decodeLink', () => {
    for (const [linkType, frame] of [
      [
        LINKTYPE_LINUX_SLL,
        sllFrame(DATAGRAM, { src: MAC, etherType: ETHERTYPE_IPV4, packetType: 2 }),
      ],
      [
        LINKTYPE_LINUX_SLL2,
        sll2Frame(DATAGRAM, { src: MAC, etherType: ETHERTYPE_IPV4, packetType: 2 }),
      ],
    ] as const) {
      const link = decodeLink(linkType, frame);
      expect(link).toMatchObject({ etherType: ETHERTYPE_IPV4, srcMac: MAC });
      expect(link.payload).toEqual(DATAGRAM);
    }
  });
});

describe('ARP', () => {
  it('decodes the reference gratuitous ARP (frame 13) field by field', () => {
    const frame = decodeFrame(LINKTYPE_ETHERNET, REFERENCE_GARP);
    expect(frame).toMatchObject({
      kind: 'arp',
      gratuitous: true,
      arp: {
        op: ARP_OP_REQUEST,
        senderMac: '02:42:c0:a8:11:65',
        senderIp: VIP,
        targetMac: 'ff:ff:ff:ff:ff:ff',
        targetIp: VIP,
      },
    });
  });

  it('ignores Ethernet padding and round-trips', () => {
    const arp: ArpPacket = {
      op: ARP_OP_REPLY,
      senderMac: MAC,
      senderIp: VIP,
      targetMac: '02:42:c0:a8:11:32',
      targetIp: '192.168.17.50',
    };
    const padded = new Uint8Array(46);
    padded.set(encodeArp(arp));
    expect(decodeArp(padded)).toEqual(arp);
  });

  const req = (senderIp: string, targetIp: string, targetMac = '00:00:00:00:00:00'): ArpPacket => ({
    op: ARP_OP_REQUEST,
    senderMac: MAC,
    senderIp,
    targetMac,
    targetIp,
  });
  it.each([
    {
      name: 'request, sender IP = target IP (keepalived, arping -U)',
      arp: req(VIP, VIP),
      broadcast: true,
      garp: true,
    },
    {
      name: 'reply, sender IP = target IP (arping -A)',
      arp: { ...req(VIP, VIP), op: ARP_OP_REPLY },
      broadcast: true,
      garp: true,
    },
    {
      name: 'reply to broadcast announcing',
      arp: { ...req(VIP, '192.168.17.50'), op: ARP_OP_REPLY },
      broadcast: true,
      garp: true,
    },
    {
      name: 'reply with target MAC broadcast, link unknown',
      arp: { ...req(VIP, '0.0.0.0', 'ff:ff:ff:ff:ff:ff'), op: ARP_OP_REPLY },
      broadcast: null,
      garp: true,
    },
    { name: 'ordinary who-has', arp: req('192.168.17.50', VIP), broadcast: true, garp: false },
    {
      name: 'ordinary unicast reply',
      arp: { ...req(VIP, '192.168.17.50'), op: ARP_OP_REPLY },
      broadcast: false,
      garp: false,
    },
    {
      name: 'RFC 5227 probe (sender 0.0.0.0)',
      arp: req('0.0.0.0', VIP),
      broadcast: true,
      garp: false,
    },
    { name: 'RARP request (op 3)', arp: { ...req(VIP, VIP), op: 3 }, broadcast: true, garp: false },
  ])('gratuitous? $name: $garp', ({ arp, broadcast, garp }) => {
    expect(isGratuitousArp(arp, broadcast)).toBe(garp);
  });

  it.each([
    { name: 'shorter than 8', bytes: hex('0001 0800 06'), code: 'ARP_TRUNCATED' },
    { name: 'token ring', bytes: hex('0006 0800 06 04 0001'), code: 'ARP_UNSUPPORTED' },
    { name: 'IPv6 protocol type', bytes: hex('0001 86dd 06 10 0001'), code: 'ARP_UNSUPPORTED' },
    { name: 'hardware length 8', bytes: hex('0001 0800 08 04 0001'), code: 'ARP_BAD_HLEN' },
    { name: 'protocol length 16', bytes: hex('0001 0800 06 10 0001'), code: 'ARP_BAD_PLEN' },
    {
      name: 'cut after the sender',
      bytes: REFERENCE_GARP.subarray(14, 14 + 20),
      code: 'ARP_TRUNCATED',
    },
    {
      name: 'operation 0',
      bytes: hex('0001 0800 06 04 0000 0242c0a81165 c0a811c8 ffffffffffff c0a811c8'),
      code: 'ARP_BAD_OP',
    },
  ])('$name: $code', ({ bytes, code }) => {
    expect(codeOf(() => decodeArp(bytes))).toBe(code);
  });
});

describe('decodeFrame / observeFrame', () => {
  it('observes the reference advert with every field the timeline uses', () => {
    expect(observeFrame(LINKTYPE_ETHERNET, REFERENCE_ADVERT, T0, 2, 7)).toEqual({
      kind: 'advert',
      time: T0,
      source: 2,
      frame: 7,
      src: NODE_A,
      dst: '224.0.0.18',
      srcMac: MAC,
      vlan: null,
      vrid: 51,
      version: 2,
      priority: 100,
      intervalMs: 1000,
      authType: 1,
      password: '1111',
      addresses: [VIP],
      ipId: 4,
      ttl: 255,
      tos: 0xc0,
      checksum: 0x44f7,
      checksumMode: null,
    });
  });

  it.each([{ mode: 'pseudo-header' as const }, { mode: 'vrrp-only' as const }])(
    'VRRPv3 with a $mode checksum is accepted and reported',
    ({ mode }) => {
      const datagram = encodeVrrpDatagram(vrrpPacket({ src: NODE_A, version: 3, interval: 10 }), {
        src: NODE_A,
        dst: '224.0.0.18',
        v3Checksum: mode,
      });
      const frame = ethernetFrame(datagram, {
        dst: '01:00:5e:00:00:12',
        src: MAC,
        etherType: ETHERTYPE_IPV4,
      });
      expect(observeFrame(LINKTYPE_ETHERNET, frame, T0, 0, 1)).toMatchObject({
        kind: 'advert',
        version: 3,
        intervalMs: 100,
        authType: null,
        password: null,
        checksumMode: mode,
      });
    },
  );

  it.each([
    {
      name: 'IPv6',
      frame: ethernetFrame(hex('60000000'), { dst: MAC, src: MAC, etherType: ETHERTYPE_IPV6 }),
      kind: 'ignored',
    },
    {
      name: 'TCP over IPv4',
      frame: ethernetFrame(hex('4500 0028 0000 0000 4006 0000 0a000001 0a000002'), {
        dst: MAC,
        src: MAC,
        etherType: ETHERTYPE_IPV4,
      }),
      kind: 'ignored',
    },
    {
      name: '802.3 LLC (length field)',
      frame: ethernetFrame(hex('424203'), { dst: MAC, src: MAC, etherType: 3 }),
      kind: 'ignored',
    },
  ])('$name is ignored, not an error', ({ frame, kind }) => {
    expect(observeFrame(LINKTYPE_ETHERNET, frame, T0, 0, 1).kind).toBe(kind);
  });

  const mutate = (at: number, value: number): Uint8Array => {
    const copy = REFERENCE_ADVERT.slice();
    copy[at] = value;
    return copy;
  };
  it.each([
    { name: 'IPv4 header checksum', frame: mutate(14 + 10, 0), code: 'IPV4_BAD_CHECKSUM' },
    {
      name: 'IPv4 cut to 12 octets',
      frame: REFERENCE_ADVERT.subarray(0, 14 + 12),
      code: 'IPV4_TRUNCATED',
    },
    {
      name: 'IPv4 cut to 8 octets',
      frame: REFERENCE_ADVERT.subarray(0, 14 + 8),
      code: 'IPV4_TRUNCATED',
    },
    { name: 'VRRP checksum', frame: mutate(34 + 7, 0), code: 'VRRP_BAD_CHECKSUM' },
    { name: 'VRRP type 2', frame: mutate(34, 0x22), code: 'VRRP_BAD_TYPE' },
    { name: 'VRRP cut', frame: REFERENCE_ADVERT.subarray(0, 14 + 20 + 12), code: 'IPV4_TRUNCATED' },
  ])('$name: an error observation with code $code', ({ frame, code }) => {
    expect(observeFrame(LINKTYPE_ETHERNET, frame, T0, 0, 9)).toMatchObject({
      kind: 'error',
      code,
      frame: 9,
    });
  });
});
