import { DecodeError } from '../../../src/errors';
import type { V3ChecksumMode } from '../../../src/vrrp/config';
import { VRRP_MULTICAST, encodeIpv4 } from '../../../src/vrrp/ipv4';
import {
  AUTH_SIMPLE_TEXT,
  V3_MAX_INTERVAL_CS,
  advertIntervalMs,
  authPassword,
  decodeVrrp,
  decodeVrrpDatagram,
  encodeVrrp,
  encodeVrrpDatagram,
  passwordAuthData,
  vrrpChecksum,
  vrrpLength,
  type VrrpV2Packet,
  type VrrpV3Packet,
} from '../../../src/vrrp/packet';
import {
  LAB,
  Rng,
  catchDecodeError,
  ethernetPayload,
  hex,
  randomAddressed,
  refIpv4HeaderChecksum,
  refVrrpChecksum,
  setVrrpChecksum,
  toHex,
  v2Packet,
  v3Packet,
} from './builders';

const hex16 = (n: number) => `0x${n.toString(16).padStart(4, '0')}`;

// =============================================================================================
// VRRPv2 (RFC 3768): real keepalived 2.2.7 adverts from test/fixtures/reference/keepalived/.
// `frame` is `tshark -r FILE -x` of the frame; the IPv4 datagram starts at Ethernet offset 14.
// `tshark` holds what `tshark -r FILE -V -o ip.check_checksum:TRUE` (Wireshark 4.0.17) showed.

interface V2Vector {
  name: string;
  frame: string;
  ip: { id: number; checksum: number; src: string };
  vrrp: { priority: number; checksum: number };
  tshark: {
    headerChecksum: string;
    headerStatus: 'Good';
    vrrpChecksum: string;
    vrrpStatus: 'Good';
  };
}

const V2_VECTORS: V2Vector[] = [
  {
    name: 'poweroff-master.pcap frame 1: last advert of the master .102',
    frame: `01005e000012 0242c0a81166 0800
      45 c0 0028 0004 0000 ff 70 0881 c0a81166 e0000012
      21 33 64 01 01 01 44f7 c0a811c8 3131313100000000`,
    ip: { id: 4, checksum: 0x0881, src: '192.168.17.102' },
    vrrp: { priority: 100, checksum: 0x44f7 },
    tshark: {
      headerChecksum: '0x0881 [correct]',
      headerStatus: 'Good',
      vrrpChecksum: '0x44f7 [correct]',
      vrrpStatus: 'Good',
    },
  },
  {
    name: 'poweroff-master.pcap frame 12: first advert of the new master .101',
    frame: `01005e000012 0242c0a81165 0800
      45 c0 0028 0001 0000 ff 70 0885 c0a81165 e0000012
      21 33 64 01 01 01 44f7 c0a811c8 3131313100000000`,
    ip: { id: 1, checksum: 0x0885, src: '192.168.17.101' },
    vrrp: { priority: 100, checksum: 0x44f7 },
    tshark: {
      headerChecksum: '0x0885 [correct]',
      headerStatus: 'Good',
      vrrpChecksum: '0x44f7 [correct]',
      vrrpStatus: 'Good',
    },
  },
  {
    name: 'graceful-stop.pcap frame 11: priority-0 advert of the stopping master .102',
    frame: `01005e000012 0242c0a81166 0800
      45 c0 0028 0008 0000 ff 70 087d c0a81166 e0000012
      21 33 00 01 01 01 a8f7 c0a811c8 3131313100000000`,
    ip: { id: 8, checksum: 0x087d, src: '192.168.17.102' },
    vrrp: { priority: 0, checksum: 0xa8f7 },
    tshark: {
      headerChecksum: '0x087d [correct]',
      headerStatus: 'Good',
      vrrpChecksum: '0xa8f7 [correct]',
      vrrpStatus: 'Good',
    },
  },
];

describe.each(V2_VECTORS)('VRRPv2 reference vector: $name', (v) => {
  const datagram = ethernetPayload(hex(v.frame));

  it('decodes every field of the IPv4 header and the VRRP message', () => {
    const d = decodeVrrpDatagram(datagram);
    expect(d.ip).toEqual({
      ihl: 5,
      tos: 0xc0, // DSCP CS6 (keepalived's IPTOS_PREC_INTERNETCONTROL)
      totalLength: 40,
      id: v.ip.id,
      flags: 0,
      fragmentOffset: 0,
      ttl: 255,
      protocol: 112,
      checksum: v.ip.checksum,
      src: v.ip.src,
      dst: '224.0.0.18',
    });
    const vrrp = d.vrrp as VrrpV2Packet;
    expect(vrrp.version).toBe(2);
    expect(vrrp.vrid).toBe(51);
    expect(vrrp.priority).toBe(v.vrrp.priority);
    expect(vrrp.addresses).toEqual(['192.168.17.200']);
    expect(vrrp.authType).toBe(AUTH_SIMPLE_TEXT);
    expect(vrrp.advertIntervalSec).toBe(1);
    expect(vrrp.checksum).toBe(v.vrrp.checksum);
    expect(toHex(vrrp.authData)).toBe('3131313100000000');
    expect(authPassword(vrrp)).toBe('1111');
    expect(advertIntervalMs(vrrp)).toBe(1000);
    expect(Object.keys(d)).toEqual(['ip', 'vrrp']); // no checksumMode for v2
  });

  it('agrees with tshark on both checksums', () => {
    // tshark said "Header checksum: <x> [correct]" and "Checksum: <x> [correct]", status Good.
    expect(v.tshark.headerStatus).toBe('Good');
    expect(v.tshark.vrrpStatus).toBe('Good');
    expect(v.tshark.headerChecksum).toBe(`${hex16(v.ip.checksum)} [correct]`);
    expect(v.tshark.vrrpChecksum).toBe(`${hex16(v.vrrp.checksum)} [correct]`);
    expect(refIpv4HeaderChecksum(datagram.subarray(0, 20))).toBe(v.ip.checksum);
    const message = datagram.subarray(20);
    expect(refVrrpChecksum(message, 'v2')).toBe(v.vrrp.checksum);
    expect(vrrpChecksum(message, 2, { src: v.ip.src, dst: VRRP_MULTICAST })).toBe(v.vrrp.checksum);
  });

  it('re-encodes byte for byte (IP id taken from the decoded header)', () => {
    const d = decodeVrrpDatagram(datagram);
    const again = encodeVrrpDatagram(
      { ...d.vrrp, checksum: 0 },
      {
        src: d.ip.src,
        dst: d.ip.dst,
        id: d.ip.id,
      },
    );
    expect(toHex(again)).toBe(toHex(datagram));
    const message = encodeVrrp(d.vrrp, { src: d.ip.src, dst: d.ip.dst });
    expect(toHex(message)).toBe(toHex(datagram.subarray(20)));
  });

  it('builds the same bytes from the lab builder', () => {
    const p = v2Packet({ priority: v.vrrp.priority });
    const out = encodeVrrpDatagram(p, { src: v.ip.src, dst: VRRP_MULTICAST, id: v.ip.id });
    expect(toHex(out)).toBe(toHex(datagram));
  });
});

// =============================================================================================
// VRRPv3 (RFC 5798) vectors. Checksums confirmed by tshark 4.0.17: each datagram was written by
// an independent Node script (its own RFC 1071 sum) into an Ethernet pcap and read with
// `tshark -V -o ip.check_checksum:TRUE -o vrrp.v3_checksum_as_in_v2:FALSE` (pseudo-header) or
// `... :TRUE` (vrrp-only): "Checksum: 0x.... [correct]", "[Checksum Status: Good]", header
// checksum Good; with the other preference each was "Bad". IP id 0, TOS 0xc0, TTL 255.

interface V3Vector {
  name: string;
  packet: VrrpV3Packet;
  src: string;
  dst: string;
  mode: V3ChecksumMode;
  /** Confirmed by tshark (see above). */
  checksum: number;
  datagram: string;
}

const LAB_V3 = v3Packet(); // vrid 51, priority 100, 192.168.17.200, 100 cs
const OWNER_MAX = v3Packet({
  vrid: 255,
  priority: 255,
  addresses: ['10.0.0.100', '10.0.0.101', '10.0.0.102'],
  maxAdvertIntervalCs: 4095,
});
const STOP_FAST = v3Packet({ vrid: 1, priority: 0, addresses: [], maxAdvertIntervalCs: 10 });

const V3_VECTORS: V3Vector[] = [
  {
    name: 'lab, multicast, pseudo-header',
    packet: LAB_V3,
    src: LAB.master,
    dst: VRRP_MULTICAST,
    mode: 'pseudo-header',
    checksum: 0xe558, // confirmed by tshark
    datagram: '45c0002000000000ff70088dc0a81166e0000012 313364010064e558c0a811c8',
  },
  {
    name: 'lab, multicast, vrrp-only',
    packet: LAB_V3,
    src: LAB.master,
    dst: VRRP_MULTICAST,
    mode: 'vrrp-only',
    checksum: 0x97f6, // confirmed by tshark
    datagram: '45c0002000000000ff70088dc0a81166e0000012 31336401006497f6c0a811c8',
  },
  {
    name: 'lab, unicast to the backup, pseudo-header',
    packet: LAB_V3,
    src: LAB.master,
    dst: LAB.backup,
    mode: 'pseudo-header',
    checksum: 0xf35d, // confirmed by tshark
    datagram: '45c0002000000000ff701692c0a81166c0a81165 313364010064f35dc0a811c8',
  },
  {
    name: 'lab, unicast to the backup, vrrp-only',
    packet: LAB_V3,
    src: LAB.master,
    dst: LAB.backup,
    mode: 'vrrp-only',
    checksum: 0x97f6, // confirmed by tshark
    datagram: '45c0002000000000ff701692c0a81166c0a81165 31336401006497f6c0a811c8',
  },
  {
    name: 'owner, 3 addresses, max interval 4095 cs, pseudo-header',
    packet: OWNER_MAX,
    src: '10.0.0.1',
    dst: VRRP_MULTICAST,
    mode: 'pseudo-header',
    checksum: 0xb536, // confirmed by tshark
    datagram:
      '45c0002800000000ff70d0920a000001e0000012 31ffff030fffb536 0a000064 0a000065 0a000066',
  },
  {
    name: 'owner, 3 addresses, max interval 4095 cs, vrrp-only',
    packet: OWNER_MAX,
    src: '10.0.0.1',
    dst: VRRP_MULTICAST,
    mode: 'vrrp-only',
    checksum: 0x9fce, // confirmed by tshark
    datagram:
      '45c0002800000000ff70d0920a000001e0000012 31ffff030fff9fce 0a000064 0a000065 0a000066',
  },
  {
    name: 'stopping, no addresses, 10 cs, pseudo-header',
    packet: STOP_FAST,
    src: '172.16.0.2',
    dst: VRRP_MULTICAST,
    mode: 'pseudo-header',
    checksum: 0x4257, // confirmed by tshark
    datagram: '45c0001c00000000ff702e8dac100002e0000012 31010000000a4257',
  },
  {
    name: 'stopping, no addresses, 10 cs, vrrp-only',
    packet: STOP_FAST,
    src: '172.16.0.2',
    dst: VRRP_MULTICAST,
    mode: 'vrrp-only',
    checksum: 0xcef4, // confirmed by tshark
    datagram: '45c0001c00000000ff702e8dac100002e0000012 31010000000acef4',
  },
];

describe.each(V3_VECTORS)('VRRPv3 vector: $name', (v) => {
  const datagram = hex(v.datagram);
  const message = datagram.subarray(20);
  const other: V3ChecksumMode = v.mode === 'pseudo-header' ? 'vrrp-only' : 'pseudo-header';

  it('encodes to the tshark-confirmed bytes', () => {
    const out = encodeVrrpDatagram(v.packet, { src: v.src, dst: v.dst, v3Checksum: v.mode });
    expect(toHex(out)).toBe(toHex(datagram));
    expect((out[26]! << 8) | out[27]!).toBe(v.checksum);
  });

  it('matches the independent reference checksum', () => {
    expect(refVrrpChecksum(message, v.mode, v.src, v.dst)).toBe(v.checksum);
    expect(vrrpChecksum(message, 3, { src: v.src, dst: v.dst }, v.mode)).toBe(v.checksum);
    expect(vrrpChecksum(message, 3, { src: v.src, dst: v.dst, v3Checksum: v.mode })).toBe(
      v.checksum,
    );
  });

  it('decodes field by field in its own mode and in "either", reporting the mode', () => {
    for (const wanted of [v.mode, 'either'] as const) {
      const d = decodeVrrpDatagram(datagram, { v3Checksum: wanted });
      expect(d.checksumMode).toBe(v.mode);
      expect(d.ip).toMatchObject({ src: v.src, dst: v.dst, protocol: 112, ttl: 255, id: 0 });
      expect(d.vrrp).toEqual({ ...v.packet, checksum: v.checksum });
      expect(advertIntervalMs(d.vrrp)).toBe(v.packet.maxAdvertIntervalCs * 10);
      const direct = decodeVrrp(message, { src: v.src, dst: v.dst, v3Checksum: wanted });
      expect(direct).toEqual({ packet: d.vrrp, checksumMode: v.mode });
    }
  });

  it('is rejected in the other mode with VRRP_BAD_CHECKSUM naming both values', () => {
    const expected = refVrrpChecksum(message, other, v.src, v.dst);
    const err = catchDecodeError(() => decodeVrrpDatagram(datagram, { v3Checksum: other }));
    expect(err.code).toBe('VRRP_BAD_CHECKSUM');
    expect(err.field).toBe('checksum');
    expect(err.value).toBe(v.checksum);
    expect(err.message).toBe(
      `Invalid VRRP checksum: ${hex16(v.checksum)} (expected ${hex16(expected)})` +
        ' (VRRP_BAD_CHECKSUM)',
    );
  });

  it('decodes with skipChecksum in any mode, without a checksumMode', () => {
    const d = decodeVrrpDatagram(datagram, { v3Checksum: other, skipChecksum: true });
    expect(d.vrrp.checksum).toBe(v.checksum);
    expect(d.checksumMode).toBeUndefined();
  });
});

describe('VRRPv3 checksum modes', () => {
  it('pseudo-header is the default on encode and decode', () => {
    const out = encodeVrrpDatagram(LAB_V3, { src: LAB.master, dst: VRRP_MULTICAST });
    expect(toHex(out)).toBe(toHex(hex(V3_VECTORS[0]!.datagram)));
    expect(decodeVrrpDatagram(out).checksumMode).toBe('pseudo-header');
  });

  it('a unicast destination changes the pseudo-header checksum but not the vrrp-only one', () => {
    const sum = (dst: string, v3Checksum: V3ChecksumMode) =>
      encodeVrrp(LAB_V3, { src: LAB.master, dst, v3Checksum }).subarray(6, 8);
    expect(toHex(sum(VRRP_MULTICAST, 'pseudo-header'))).toBe('e558');
    expect(toHex(sum(LAB.backup, 'pseudo-header'))).toBe('f35d');
    expect(toHex(sum(VRRP_MULTICAST, 'vrrp-only'))).toBe('97f6');
    expect(toHex(sum(LAB.backup, 'vrrp-only'))).toBe('97f6');
    // The source is in the pseudo-header too.
    expect(toHex(sum(VRRP_MULTICAST, 'pseudo-header'))).not.toBe(
      toHex(encodeVrrp(LAB_V3, { src: LAB.backup, dst: VRRP_MULTICAST }).subarray(6, 8)),
    );
  });

  it('a pseudo-header checksum made for another destination does not verify', () => {
    const message = encodeVrrp(LAB_V3, { src: LAB.master, dst: LAB.backup });
    const err = catchDecodeError(() =>
      decodeVrrp(message, { src: LAB.master, dst: VRRP_MULTICAST }),
    );
    expect(err.code).toBe('VRRP_BAD_CHECKSUM');
    expect(err.message).toContain('0xf35d (expected 0xe558)');
  });

  it.each([
    { opts: {}, what: 'default (pseudo-header)' },
    { opts: { v3Checksum: 'pseudo-header' as const }, what: 'pseudo-header' },
    { opts: { v3Checksum: 'either' as const }, what: 'either' },
    { opts: { v3Checksum: 'either' as const, src: LAB.master }, what: 'either, src only' },
  ])('needs the IPv4 addresses: $what -> VRRP_NO_ADDRESSES', ({ opts }) => {
    const message = hex(V3_VECTORS[0]!.datagram).subarray(20);
    const err = catchDecodeError(() => decodeVrrp(message, opts));
    expect(err.code).toBe('VRRP_NO_ADDRESSES');
    expect(err.field).toBe('checksum');
    expect(err.value).toBe(0xe558);
    expect(err.message).toBe(
      'VRRPv3 checksum needs the IPv4 source and destination (VRRP_NO_ADDRESSES)',
    );
  });

  it('vrrp-only and skipChecksum need no addresses', () => {
    const vrrpOnly = hex(V3_VECTORS[1]!.datagram).subarray(20);
    expect(decodeVrrp(vrrpOnly, { v3Checksum: 'vrrp-only' }).checksumMode).toBe('vrrp-only');
    const pseudo = hex(V3_VECTORS[0]!.datagram).subarray(20);
    expect(decodeVrrp(pseudo, { skipChecksum: true })).toEqual({
      packet: { ...LAB_V3, checksum: 0xe558 },
    });
  });

  it('v2 ignores the v3 checksum options and needs no addresses', () => {
    const message = encodeVrrp(v2Packet(), { src: LAB.master, dst: VRRP_MULTICAST });
    for (const v3Checksum of ['pseudo-header', 'vrrp-only', 'either'] as const) {
      expect(decodeVrrp(message, { v3Checksum }).packet.checksum).toBe(0x44f7);
    }
    // ... and encoding v2 with a v3 mode or another address changes nothing.
    const other = encodeVrrp(v2Packet(), {
      src: '1.2.3.4',
      dst: '5.6.7.8',
      v3Checksum: 'pseudo-header',
    });
    expect(toHex(other)).toBe(toHex(message));
  });
});

// =============================================================================================
// Intervals and authentication

describe('VRRPv3 Max Adver Int: 12 bits of centiseconds (RFC 5798 5.2.7)', () => {
  it.each([
    { cs: 0, bytes: '0000', ms: 0 },
    { cs: 1, bytes: '0001', ms: 10 },
    { cs: 10, bytes: '000a', ms: 100 }, // 0.1 s
    { cs: 100, bytes: '0064', ms: 1000 }, // keepalived's advert_int 1
    { cs: 255, bytes: '00ff', ms: 2550 },
    { cs: 256, bytes: '0100', ms: 2560 },
    { cs: V3_MAX_INTERVAL_CS, bytes: '0fff', ms: 40950 },
  ])('$cs cs is on the wire as $bytes and means $ms ms', ({ cs, bytes, ms }) => {
    const p = v3Packet({ maxAdvertIntervalCs: cs });
    const message = encodeVrrp(p, { src: LAB.master, dst: VRRP_MULTICAST });
    expect(toHex(message.subarray(4, 6))).toBe(bytes);
    const back = decodeVrrp(message, { src: LAB.master, dst: VRRP_MULTICAST }).packet;
    expect(back).toMatchObject({ version: 3, maxAdvertIntervalCs: cs });
    expect(advertIntervalMs(back)).toBe(ms);
  });

  it.each([4096, 0xffff, -1, 1.5, Number.NaN])(
    'rejects %p on encode with VRRP_BAD_INTERVAL',
    (cs) => {
      const err = catchDecodeError(() =>
        encodeVrrp(v3Packet({ maxAdvertIntervalCs: cs }), { src: LAB.master, dst: VRRP_MULTICAST }),
      );
      expect(err.code).toBe('VRRP_BAD_INTERVAL');
      expect(err.field).toBe('advert interval');
      expect(err.value).toBe(cs);
      expect(err.message).toBe(
        `Invalid VRRP advert interval: ${cs} (must be 0..4095) (VRRP_BAD_INTERVAL)`,
      );
    },
  );

  it('ignores the 4 reserved bits on decode', () => {
    for (const cs of [0, 10, 100, 0x0abc, 4095]) {
      for (let reserved = 1; reserved <= 15; reserved++) {
        const message = encodeVrrp(v3Packet({ maxAdvertIntervalCs: cs }), {
          src: LAB.master,
          dst: VRRP_MULTICAST,
        });
        message[4] = (reserved << 4) | message[4]!;
        setVrrpChecksum(message, 'pseudo-header', LAB.master, VRRP_MULTICAST);
        const p = decodeVrrp(message, { src: LAB.master, dst: VRRP_MULTICAST }).packet;
        expect(p).toMatchObject({ version: 3, maxAdvertIntervalCs: cs });
        // ... and encode writes them as zero again.
        expect(encodeVrrp(p, { src: LAB.master, dst: VRRP_MULTICAST })[4]).toBe(cs >>> 8);
      }
    }
  });

  it('v2 Adver Int is whole seconds, 0..255; 256 is rejected', () => {
    const message = encodeVrrp(v2Packet({ advertIntervalSec: 255 }), {
      src: LAB.master,
      dst: VRRP_MULTICAST,
    });
    expect(message[5]).toBe(255);
    expect(advertIntervalMs(decodeVrrp(message).packet)).toBe(255000);
    const err = catchDecodeError(() =>
      encodeVrrp(v2Packet({ advertIntervalSec: 256 }), { src: LAB.master, dst: VRRP_MULTICAST }),
    );
    expect(err.code).toBe('VRRP_BAD_INTERVAL');
    expect(err.message).toBe(
      'Invalid VRRP advert interval: 256 (must be 0..255) (VRRP_BAD_INTERVAL)',
    );
  });
});

describe('VRRPv2 simple text authentication (RFC 3768 5.3.6, 5.3.10)', () => {
  it.each([
    { password: '1111', data: '3131313100000000', back: '1111' },
    { password: '', data: '0000000000000000', back: '' },
    { password: 'a', data: '6100000000000000', back: 'a' },
    { password: 'abcdefgh', data: '6162636465666768', back: 'abcdefgh' },
    { password: 'abcdefghi', data: '6162636465666768', back: 'abcdefgh' }, // truncated
    { password: 'longpassword!', data: '6c6f6e6770617373', back: 'longpass' }, // truncated
    { password: 'caf\u00e9', data: '636166e900000000', back: 'caf\u00e9' }, // latin1
  ])('$password -> 8 octets $data -> $back', ({ password, data, back }) => {
    const authData = passwordAuthData(password);
    expect(authData).toBeInstanceOf(Uint8Array);
    expect(toHex(authData)).toBe(data);
    const p = v2Packet({ authData });
    expect(authPassword(p)).toBe(back);
    const message = encodeVrrp(p, { src: LAB.master, dst: VRRP_MULTICAST });
    expect(message.length).toBe(vrrpLength(2, 1));
    expect(toHex(message.subarray(12, 20))).toBe(data);
    const decoded = decodeVrrp(message).packet as VrrpV2Packet;
    expect(toHex(decoded.authData)).toBe(data);
    expect(authPassword(decoded)).toBe(back);
  });

  it('authPassword stops at the first zero octet', () => {
    expect(authPassword(v2Packet({ authData: hex('6162006364000000') }))).toBe('ab');
    expect(authPassword(v2Packet({ authData: hex('0061626364656667') }))).toBe('');
  });
});

// =============================================================================================
// Malformed VRRP messages. Each row is checked through decodeVrrp and, wrapped in a valid
// IPv4 header, through decodeVrrpDatagram.

const GOOD_V2 = encodeVrrp(v2Packet(), { src: LAB.master, dst: VRRP_MULTICAST }); // 20 octets
const GOOD_V3 = encodeVrrp(v3Packet(), { src: LAB.master, dst: VRRP_MULTICAST }); // 12 octets

/** A copy of a good message, edited, with a valid checksum again (unless `keepChecksum`). */
function edit(
  base: Uint8Array,
  change: (m: Uint8Array) => Uint8Array | void,
  keepChecksum = false,
): Uint8Array {
  const copy = base.slice();
  const m = change(copy) ?? copy;
  if (!keepChecksum && m.length >= 8) {
    const mode = m[0]! >>> 4 === 3 ? 'pseudo-header' : 'v2';
    setVrrpChecksum(m, mode, LAB.master, VRRP_MULTICAST);
  }
  return m;
}

interface MalformedRow {
  name: string;
  input: Uint8Array;
  code: string;
  field: string;
  value: unknown;
  message: string;
}

const MALFORMED: MalformedRow[] = [
  ...[0, 1, 7].map((n) => ({
    name: `truncated to ${n} octets`,
    input: GOOD_V2.slice(0, n),
    code: 'VRRP_TRUNCATED',
    field: 'length',
    value: n,
    message: `VRRP message truncated: ${n} octets (need at least 8)`,
  })),
  ...[0, 1, 4, 15].map((version) => ({
    name: `version ${version}`,
    input: edit(GOOD_V2, (m) => void (m[0] = (version << 4) | 1)),
    code: 'VRRP_BAD_VERSION',
    field: 'version',
    value: version,
    message: `Invalid VRRP version: ${version}`,
  })),
  ...[0, 2, 15].map((type) => ({
    name: `v2 type ${type}`,
    input: edit(GOOD_V2, (m) => void (m[0] = 0x20 | type)),
    code: 'VRRP_BAD_TYPE',
    field: 'type',
    value: type,
    message: `Invalid VRRP type: ${type}`,
  })),
  {
    name: 'v3 type 2',
    input: edit(GOOD_V3, (m) => void (m[0] = 0x32)),
    code: 'VRRP_BAD_TYPE',
    field: 'type',
    value: 2,
    message: 'Invalid VRRP type: 2',
  },
  {
    name: 'v2 vrid 0',
    input: edit(GOOD_V2, (m) => void (m[1] = 0)),
    code: 'VRRP_BAD_VRID',
    field: 'vrid',
    value: 0,
    message: 'Invalid VRRP vrid: 0',
  },
  {
    name: 'v3 vrid 0',
    input: edit(GOOD_V3, (m) => void (m[1] = 0)),
    code: 'VRRP_BAD_VRID',
    field: 'vrid',
    value: 0,
    message: 'Invalid VRRP vrid: 0',
  },
  {
    name: 'v2 count 2 with one address',
    input: edit(GOOD_V2, (m) => void (m[3] = 2)),
    code: 'VRRP_BAD_LENGTH',
    field: 'length',
    value: 20,
    message: 'Invalid VRRP length: 20 octets for v2 with 2 addresses (expected 24)',
  },
  {
    name: 'v2 count 0 with one address',
    input: edit(GOOD_V2, (m) => void (m[3] = 0)),
    code: 'VRRP_BAD_LENGTH',
    field: 'length',
    value: 20,
    message: 'Invalid VRRP length: 20 octets for v2 with 0 addresses (expected 16)',
  },
  {
    name: 'v2 without its auth data (v3-sized)',
    input: edit(GOOD_V2, (m) => m.slice(0, 12)),
    code: 'VRRP_BAD_LENGTH',
    field: 'length',
    value: 12,
    message: 'Invalid VRRP length: 12 octets for v2 with 1 addresses (expected 20)',
  },
  {
    name: 'v2 with a trailing octet',
    input: edit(GOOD_V2, (m) => Uint8Array.from([...m, 0])),
    code: 'VRRP_BAD_LENGTH',
    field: 'length',
    value: 21,
    message: 'Invalid VRRP length: 21 octets for v2 with 1 addresses (expected 20)',
  },
  {
    name: 'v3 with auth data (v2-sized)',
    input: edit(GOOD_V3, (m) => Uint8Array.from([...m, 0, 0, 0, 0, 0, 0, 0, 0])),
    code: 'VRRP_BAD_LENGTH',
    field: 'length',
    value: 20,
    message: 'Invalid VRRP length: 20 octets for v3 with 1 addresses (expected 12)',
  },
  {
    name: 'v3 count 255 with one address',
    input: edit(GOOD_V3, (m) => void (m[3] = 255)),
    code: 'VRRP_BAD_LENGTH',
    field: 'length',
    value: 12,
    message: 'Invalid VRRP length: 12 octets for v3 with 255 addresses (expected 1028)',
  },
  {
    name: 'v2 priority bit flipped (100 -> 101)',
    input: edit(GOOD_V2, (m) => void (m[2]! ^= 0x01), true),
    code: 'VRRP_BAD_CHECKSUM',
    field: 'checksum',
    value: 0x44f7,
    message: 'Invalid VRRP checksum: 0x44f7 (expected 0x43f7)',
  },
  {
    name: 'v2 checksum bit flipped',
    input: edit(GOOD_V2, (m) => void (m[7]! ^= 0x01), true),
    code: 'VRRP_BAD_CHECKSUM',
    field: 'checksum',
    value: 0x44f6,
    message: 'Invalid VRRP checksum: 0x44f6 (expected 0x44f7)',
  },
  {
    name: 'v2 password bit flipped',
    input: edit(GOOD_V2, (m) => void (m[19]! ^= 0x80), true),
    code: 'VRRP_BAD_CHECKSUM',
    field: 'checksum',
    value: 0x44f7,
    message: 'Invalid VRRP checksum: 0x44f7 (expected 0x4477)',
  },
  {
    name: 'v3 address bit flipped',
    input: edit(GOOD_V3, (m) => void (m[11]! ^= 0x01), true),
    code: 'VRRP_BAD_CHECKSUM',
    field: 'checksum',
    value: 0xe558,
    message: 'Invalid VRRP checksum: 0xe558 (expected 0xe557)',
  },
];

describe('malformed VRRP messages', () => {
  it('the good messages decode (the rows below differ by one thing)', () => {
    expect(toHex(GOOD_V2)).toBe('21336401010144f7c0a811c83131313100000000');
    expect(toHex(GOOD_V3)).toBe('313364010064e558c0a811c8');
    expect(decodeVrrp(GOOD_V2).packet.checksum).toBe(0x44f7);
    expect(decodeVrrp(GOOD_V3, { src: LAB.master, dst: VRRP_MULTICAST }).packet.checksum).toBe(
      0xe558,
    );
  });

  it.each(MALFORMED)('$name -> $code', ({ input, code, field, value, message }) => {
    const before = toHex(input);
    const viaDatagram = () =>
      decodeVrrpDatagram(encodeIpv4(input, { src: LAB.master, dst: VRRP_MULTICAST }));
    const direct = () => decodeVrrp(input, { src: LAB.master, dst: VRRP_MULTICAST });
    for (const decode of [direct, viaDatagram]) {
      const err = catchDecodeError(decode);
      expect(err).toBeInstanceOf(DecodeError);
      expect(err.name).toBe('DecodeError');
      expect(err.code).toBe(code);
      expect(err.field).toBe(field);
      expect(err.value).toEqual(value);
      expect(err.message).toBe(`${message} (${code})`);
    }
    expect(toHex(input)).toBe(before); // decoding never writes to its input
  });

  it('skipChecksum accepts a bad checksum and reports the wire value', () => {
    const bad = edit(GOOD_V2, (m) => void (m[7]! ^= 0x01), true);
    expect(decodeVrrp(bad, { skipChecksum: true }).packet.checksum).toBe(0x44f6);
  });

  // Regression: Buffer#slice is a view, and vrrpChecksum zeroed the checksum of its input.
  it('a failed checksum leaves a Buffer input untouched', () => {
    const frame = Buffer.from(hex(V2_VECTORS[0]!.frame));
    frame[14 + 20 + 2] = 0x65; // priority 100 -> 101, checksum now wrong
    const datagram = frame.subarray(14);
    const before = datagram.toString('hex');
    expect(catchDecodeError(() => decodeVrrpDatagram(datagram)).code).toBe('VRRP_BAD_CHECKSUM');
    expect(datagram.toString('hex')).toBe(before);
    const v3 = Buffer.from(hex(V3_VECTORS[0]!.datagram));
    expect(catchDecodeError(() => decodeVrrpDatagram(v3, { v3Checksum: 'vrrp-only' })).code).toBe(
      'VRRP_BAD_CHECKSUM',
    );
    expect(v3.toString('hex')).toBe(V3_VECTORS[0]!.datagram.replace(/\s/g, ''));
    expect(vrrpChecksum(v3.subarray(20), 3, { src: LAB.master, dst: VRRP_MULTICAST })).toBe(0xe558);
    expect(v3.toString('hex')).toBe(V3_VECTORS[0]!.datagram.replace(/\s/g, ''));
  });

  it('auth data decoded from a Buffer is a copy, not a view of the input', () => {
    const datagram = Buffer.from(ethernetPayload(hex(V2_VECTORS[0]!.frame)));
    const p = decodeVrrpDatagram(datagram).vrrp as VrrpV2Packet;
    datagram.fill(0);
    expect(toHex(p.authData)).toBe('3131313100000000');
    expect(authPassword(p)).toBe('1111');
  });
});

describe('encode rejects out-of-range fields', () => {
  const addressing = { src: LAB.master, dst: VRRP_MULTICAST };
  const many = (n: number) => Array.from({ length: n }, (_, i) => `10.0.${i >> 8}.${i & 255}`);

  it.each([
    {
      name: 'vrid 0',
      packet: v2Packet({ vrid: 0 }),
      code: 'VRRP_BAD_VRID',
      field: 'vrid',
      value: 0,
      message: 'Invalid VRRP vrid: 0 (must be 1..255)',
    },
    {
      name: 'vrid 256',
      packet: v3Packet({ vrid: 256 }),
      code: 'VRRP_BAD_VRID',
      field: 'vrid',
      value: 256,
      message: 'Invalid VRRP vrid: 256 (must be 1..255)',
    },
    {
      name: 'vrid -1',
      packet: v2Packet({ vrid: -1 }),
      code: 'VRRP_BAD_VRID',
      field: 'vrid',
      value: -1,
      message: 'Invalid VRRP vrid: -1 (must be 1..255)',
    },
    {
      name: 'vrid 1.5',
      packet: v3Packet({ vrid: 1.5 }),
      code: 'VRRP_BAD_VRID',
      field: 'vrid',
      value: 1.5,
      message: 'Invalid VRRP vrid: 1.5 (must be 1..255)',
    },
    {
      name: 'priority -1',
      packet: v2Packet({ priority: -1 }),
      code: 'VRRP_BAD_PRIORITY',
      field: 'priority',
      value: -1,
      message: 'Invalid VRRP priority: -1 (must be 0..255)',
    },
    {
      name: 'priority 256',
      packet: v3Packet({ priority: 256 }),
      code: 'VRRP_BAD_PRIORITY',
      field: 'priority',
      value: 256,
      message: 'Invalid VRRP priority: 256 (must be 0..255)',
    },
    {
      name: 'priority NaN',
      packet: v3Packet({ priority: Number.NaN }),
      code: 'VRRP_BAD_PRIORITY',
      field: 'priority',
      value: Number.NaN,
      message: 'Invalid VRRP priority: NaN (must be 0..255)',
    },
    {
      name: '256 addresses (v3)',
      packet: v3Packet({ addresses: many(256) }),
      code: 'VRRP_BAD_COUNT',
      field: 'address count',
      value: 256,
      message: 'Invalid VRRP address count: 256 (must be 0..255)',
    },
    {
      name: '300 addresses (v2)',
      packet: v2Packet({ addresses: many(300) }),
      code: 'VRRP_BAD_COUNT',
      field: 'address count',
      value: 300,
      message: 'Invalid VRRP address count: 300 (must be 0..255)',
    },
    {
      name: 'auth data of 7 octets',
      packet: v2Packet({ authData: new Uint8Array(7) }),
      code: 'VRRP_BAD_AUTH_DATA',
      field: 'auth data',
      value: 7,
      message: 'Invalid VRRP auth data length: 7 (must be 8)',
    },
    {
      name: 'auth data of 9 octets',
      packet: v2Packet({ authData: new Uint8Array(9) }),
      code: 'VRRP_BAD_AUTH_DATA',
      field: 'auth data',
      value: 9,
      message: 'Invalid VRRP auth data length: 9 (must be 8)',
    },
    {
      name: 'auth data of 0 octets',
      packet: v2Packet({ authData: new Uint8Array(0) }),
      code: 'VRRP_BAD_AUTH_DATA',
      field: 'auth data',
      value: 0,
      message: 'Invalid VRRP auth data length: 0 (must be 8)',
    },
    {
      name: 'auth type 256',
      packet: v2Packet({ authType: 256 }),
      code: 'VRRP_BAD_AUTH_TYPE',
      field: 'auth type',
      value: 256,
      message: 'Invalid VRRP auth type: 256 (must be 0..255)',
    },
    {
      name: 'a bad address',
      packet: v3Packet({ addresses: ['10.0.0.1', '10.0.0.256'] }),
      code: 'IPV4_BAD_ADDRESS',
      field: 'address',
      value: '10.0.0.256',
      message: 'Invalid IPv4 address: 10.0.0.256',
    },
  ])('$name -> $code', ({ packet, code, field, value, message }) => {
    for (const encode of [
      () => encodeVrrp(packet, addressing),
      () => encodeVrrpDatagram(packet, addressing),
    ]) {
      const err = catchDecodeError(encode);
      expect(err.code).toBe(code);
      expect(err.field).toBe(field);
      expect(err.value).toEqual(value);
      expect(err.message).toBe(`${message} (${code})`);
    }
  });

  it('accepts the extremes: vrid 1 and 255, priority 0 and 255, 0 and 255 addresses', () => {
    for (const p of [
      v2Packet({ vrid: 1, priority: 0, addresses: [] }),
      v2Packet({ vrid: 255, priority: 255, addresses: many(255) }),
      v3Packet({ vrid: 1, priority: 0, addresses: [] }),
      v3Packet({ vrid: 255, priority: 255, addresses: many(255) }),
    ]) {
      const message = encodeVrrp(p, addressing);
      expect(message.length).toBe(vrrpLength(p.version, p.addresses.length));
      const checksum = (message[6]! << 8) | message[7]!;
      expect(decodeVrrp(message, addressing).packet).toEqual({ ...p, checksum });
    }
  });

  it('ignores the checksum given in the packet', () => {
    const a = encodeVrrp(v2Packet({ checksum: 0x1234 }), addressing);
    expect(toHex(a)).toBe(toHex(GOOD_V2));
  });
});

// =============================================================================================
// Round trips over seeded random packets

describe('round trips (seeded mulberry32)', () => {
  it('encodeVrrpDatagram then decodeVrrpDatagram gives the same packet, 3000 cases', () => {
    const rng = new Rng(0xc0ffee);
    const seen = { v2: 0, v3: 0, unicast: 0, vrrpOnly: 0, truncatedPassword: 0 };
    for (let i = 0; i < 3000; i++) {
      const c = randomAddressed(rng);
      const p = c.packet;
      const opts = { src: c.src, dst: c.dst, v3Checksum: c.v3Checksum, id: c.id };
      const bytes = encodeVrrpDatagram(p, opts);
      expect(bytes.length).toBe(20 + vrrpLength(p.version, p.addresses.length));
      const message = bytes.subarray(20);
      const checksum = (message[6]! << 8) | message[7]!;
      const mode = p.version === 3 ? c.v3Checksum : 'v2';
      expect(checksum).toBe(refVrrpChecksum(message, mode, c.src, c.dst));

      const d = decodeVrrpDatagram(bytes, { v3Checksum: c.v3Checksum });
      expect(d.vrrp).toEqual({ ...p, checksum });
      expect(d.ip).toMatchObject({ src: c.src, dst: c.dst, id: c.id, protocol: 112, ttl: 255 });
      expect(d.ip.tos).toBe(0xc0);
      expect(d.ip.checksum).toBe(refIpv4HeaderChecksum(bytes.subarray(0, 20)));
      expect(encodeVrrpDatagram(d.vrrp, opts)).toEqual(bytes);

      if (p.version === 3) {
        expect(d.checksumMode).toBe(c.v3Checksum);
        // 'either' prefers the pseudo-header; both verify only if the pseudo-header sums to 0.
        const pseudoOk = refVrrpChecksum(message, 'pseudo-header', c.src, c.dst) === checksum;
        const either = decodeVrrpDatagram(bytes, { v3Checksum: 'either' });
        expect(either.checksumMode).toBe(pseudoOk ? 'pseudo-header' : 'vrrp-only');
        expect(either.vrrp).toEqual(d.vrrp);
        seen.v3++;
        if (c.v3Checksum === 'vrrp-only') seen.vrrpOnly++;
      } else {
        expect(d.checksumMode).toBeUndefined();
        if (p.authType === AUTH_SIMPLE_TEXT) {
          const password = authPassword(p);
          expect(authPassword(d.vrrp as VrrpV2Packet)).toBe(password);
          if (password.length === 8) seen.truncatedPassword++;
        }
        seen.v2++;
      }
      if (c.dst !== VRRP_MULTICAST) seen.unicast++;
    }
    // The generator covered what it should.
    expect(seen.v2).toBeGreaterThan(1000);
    expect(seen.v3).toBeGreaterThan(1000);
    expect(seen.unicast).toBeGreaterThan(500);
    expect(seen.vrrpOnly).toBeGreaterThan(200);
    expect(seen.truncatedPassword).toBeGreaterThan(50);
  });

  it('password round trip: authPassword(passwordAuthData(p)) is p cut at 8, 2000 cases', () => {
    const rng = new Rng(7);
    for (let i = 0; i < 2000; i++) {
      const password = rng.password();
      const p = v2Packet({ authData: passwordAuthData(password) });
      const message = encodeVrrp(p, { src: LAB.master, dst: VRRP_MULTICAST });
      expect(authPassword(decodeVrrp(message).packet as VrrpV2Packet)).toBe(password.slice(0, 8));
    }
  });
});
