import { DecodeError } from '../../../src/errors';
import {
  IPPROTO_VRRP,
  VRRP_MULTICAST,
  VRRP_TOS,
  VRRP_TTL,
  decodeIpv4,
  encodeIpv4,
  ipToNumber,
  isIpv4,
  isMulticast,
  numberToIp,
} from '../../../src/vrrp/ipv4';
import { decodeVrrpDatagram } from '../../../src/vrrp/packet';
import {
  catchDecodeError,
  hex,
  refIpv4HeaderChecksum,
  repairIpv4Checksum,
  toHex,
} from './builders';

/**
 * IPv4 datagram of poweroff-master.pcap frame 1 (`tshark -r ... -x -c 1`, Ethernet offset 14):
 * keepalived 2.2.7, 192.168.17.102 -> 224.0.0.18, VRRPv2 vrid 51 priority 100.
 */
const REFERENCE = hex(`
  45 c0 0028 0004 0000 ff 70 0881 c0a81166 e0000012
  21 33 64 01 01 01 44f7 c0a811c8 31313131 00000000`);

describe('decodeIpv4', () => {
  // tshark -V -o ip.check_checksum:TRUE: "Header Checksum: 0x0881 [correct]", status Good.
  it('decodes the reference header field by field', () => {
    const { header, payload } = decodeIpv4(REFERENCE);
    expect(header).toEqual({
      ihl: 5, // "Header Length: 20 bytes (5)"
      tos: 0xc0, // "Differentiated Services Field: 0xc0 (DSCP: CS6, ECN: Not-ECT)"
      totalLength: 40, // "Total Length: 40"
      id: 4, // "Identification: 0x0004 (4)"
      flags: 0, // "Flags: 0x0"
      fragmentOffset: 0, // "Fragment Offset: 0"
      ttl: 255, // "Time to Live: 255"
      protocol: 112, // "Protocol: VRRP (112)"
      checksum: 0x0881, // "Header Checksum: 0x0881 [correct]"
      src: '192.168.17.102',
      dst: '224.0.0.18',
    });
    expect(payload.length).toBe(20);
    expect(toHex(payload)).toBe('213364010101' + '44f7c0a811c83131313100000000');
    expect(refIpv4HeaderChecksum(REFERENCE.subarray(0, 20))).toBe(0x0881);
  });

  it('returns a payload view without copying and ignores trailing Ethernet padding', () => {
    const padded = new Uint8Array(46);
    padded.set(REFERENCE);
    padded.fill(0xee, 40);
    const { header, payload } = decodeIpv4(padded);
    expect(header.totalLength).toBe(40);
    expect(payload.length).toBe(20);
    expect(payload.buffer).toBe(padded.buffer);
    expect(payload.byteOffset).toBe(20);
  });

  it('skips IPv4 options (IHL 6)', () => {
    const withOption = new Uint8Array(44);
    withOption.set(REFERENCE.subarray(0, 20));
    withOption[0] = 0x46;
    withOption[3] = 44;
    withOption.set([0x94, 0x04, 0x00, 0x00], 20); // Router Alert
    withOption.set(REFERENCE.subarray(20), 24);
    repairIpv4Checksum(withOption);
    const { header, payload } = decodeIpv4(withOption);
    expect(header.ihl).toBe(6);
    expect(toHex(payload)).toBe(toHex(REFERENCE.subarray(20)));
  });

  it('decodes flags and fragment offset', () => {
    const d = REFERENCE.slice();
    d[6] = 0x5f; // 010 1 1111: flags 0b010 (DF), fragment offset high bits 1 1111
    d[7] = 0xff;
    repairIpv4Checksum(d);
    const { header } = decodeIpv4(d);
    expect(header.flags).toBe(0b010);
    expect(header.fragmentOffset).toBe(0x1fff);
  });

  function mutate(edit: (d: Uint8Array) => Uint8Array, repair = true): Uint8Array {
    const d = edit(REFERENCE.slice());
    return repair ? repairIpv4Checksum(d) : d;
  }

  it.each([
    {
      name: 'empty',
      input: new Uint8Array(0),
      code: 'IPV4_TRUNCATED',
      field: 'length',
      value: 0,
      message: 'IPv4 header truncated: 0 octets',
    },
    {
      name: 'truncated header (19 octets)',
      input: REFERENCE.slice(0, 19),
      code: 'IPV4_TRUNCATED',
      field: 'length',
      value: 19,
      message: 'IPv4 header truncated: 19 octets',
    },
    {
      name: 'version 6',
      input: mutate((d) => ((d[0] = 0x65), d)),
      code: 'IPV4_BAD_VERSION',
      field: 'version',
      value: 6,
      message: 'Invalid IP version: 6',
    },
    {
      name: 'version 0',
      input: mutate((d) => ((d[0] = 0x05), d)),
      code: 'IPV4_BAD_VERSION',
      field: 'version',
      value: 0,
      message: 'Invalid IP version: 0',
    },
    {
      name: 'IHL 4',
      input: mutate((d) => ((d[0] = 0x44), d), false),
      code: 'IPV4_BAD_IHL',
      field: 'ihl',
      value: 4,
      message: 'Invalid IPv4 header length: 4 words',
    },
    {
      name: 'IHL 0',
      input: mutate((d) => ((d[0] = 0x40), d), false),
      code: 'IPV4_BAD_IHL',
      field: 'ihl',
      value: 0,
      message: 'Invalid IPv4 header length: 0 words',
    },
    {
      name: 'IHL 15 beyond a 40-octet buffer',
      input: mutate((d) => ((d[0] = 0x4f), d), false),
      code: 'IPV4_TRUNCATED',
      field: 'length',
      value: 40,
      message: 'IPv4 header truncated: 40 of 60 octets',
    },
    {
      name: 'total length 19 < header 20',
      input: mutate((d) => ((d[3] = 19), d)),
      code: 'IPV4_BAD_LENGTH',
      field: 'totalLength',
      value: 19,
      message: 'Invalid IPv4 total length: 19 < header 20',
    },
    {
      name: 'total length 0',
      input: mutate((d) => ((d[3] = 0), d)),
      code: 'IPV4_BAD_LENGTH',
      field: 'totalLength',
      value: 0,
      message: 'Invalid IPv4 total length: 0 < header 20',
    },
    {
      name: 'total length 41 > buffer 40',
      input: mutate((d) => ((d[3] = 41), d)),
      code: 'IPV4_TRUNCATED',
      field: 'totalLength',
      value: 41,
      message: 'IPv4 datagram truncated: total length 41, have 40',
    },
    {
      name: 'datagram cut after the header',
      input: REFERENCE.slice(0, 30),
      code: 'IPV4_TRUNCATED',
      field: 'totalLength',
      value: 40,
      message: 'IPv4 datagram truncated: total length 40, have 30',
    },
    {
      name: 'bad header checksum (one bit of the TTL flipped)',
      input: mutate((d) => ((d[8]! ^= 0x01), d), false),
      code: 'IPV4_BAD_CHECKSUM',
      field: 'checksum',
      value: 0x0881,
      message: 'Invalid IPv4 header checksum: 0x0881',
    },
    {
      name: 'bad header checksum (checksum field changed)',
      input: mutate((d) => ((d[11] = 0x82), d), false),
      code: 'IPV4_BAD_CHECKSUM',
      field: 'checksum',
      value: 0x0882,
      message: 'Invalid IPv4 header checksum: 0x0882',
    },
  ])('rejects $name with $code', ({ input, code, field, value, message }) => {
    for (const decode of [() => decodeIpv4(input), () => decodeVrrpDatagram(input)]) {
      const err = catchDecodeError(decode);
      expect(err).toBeInstanceOf(DecodeError);
      expect(err.code).toBe(code);
      expect(err.field).toBe(field);
      expect(err.value).toBe(value);
      expect(err.message).toBe(`${message} (${code})`);
    }
  });

  it.each([
    { protocol: 17, name: 'UDP' },
    { protocol: 6, name: 'TCP' },
    { protocol: 51, name: 'AH' },
    { protocol: 0, name: 'HOPOPT' },
  ])('decodeVrrpDatagram rejects IP protocol $protocol ($name): VRRP_NOT_VRRP', ({ protocol }) => {
    const d = mutate((x) => ((x[9] = protocol), x));
    expect(decodeIpv4(d).header.protocol).toBe(protocol);
    const err = catchDecodeError(() => decodeVrrpDatagram(d));
    expect(err.code).toBe('VRRP_NOT_VRRP');
    expect(err.field).toBe('protocol');
    expect(err.value).toBe(protocol);
    expect(err.message).toBe(`Not a VRRP datagram: IP protocol ${protocol} (VRRP_NOT_VRRP)`);
  });
});

describe('encodeIpv4', () => {
  it('re-encodes the reference datagram byte for byte', () => {
    const out = encodeIpv4(REFERENCE.subarray(20), {
      src: '192.168.17.102',
      dst: VRRP_MULTICAST,
      protocol: IPPROTO_VRRP,
      ttl: VRRP_TTL,
      tos: VRRP_TOS,
      id: 4,
    });
    expect(toHex(out)).toBe(toHex(REFERENCE));
  });

  it('defaults to keepalived values: TOS 0xc0, TTL 255, protocol 112, id 0, no DF', () => {
    const out = encodeIpv4(new Uint8Array(4), { src: '10.0.0.1', dst: '10.0.0.2' });
    const { header } = decodeIpv4(out);
    expect(header).toMatchObject({ tos: 0xc0, ttl: 255, protocol: 112, id: 0, flags: 0 });
    expect(header.checksum).toBe(refIpv4HeaderChecksum(out.subarray(0, 20)));
  });

  it('sets DF when asked and round-trips every header field', () => {
    const out = encodeIpv4(hex('deadbeef'), {
      src: '255.255.255.255',
      dst: '0.0.0.0',
      protocol: 17,
      ttl: 1,
      tos: 0,
      id: 0xffff,
      dontFragment: true,
    });
    const { header, payload } = decodeIpv4(out);
    expect(header).toMatchObject({
      ihl: 5,
      totalLength: 24,
      id: 0xffff,
      flags: 0b010,
      fragmentOffset: 0,
      ttl: 1,
      tos: 0,
      protocol: 17,
      src: '255.255.255.255',
      dst: '0.0.0.0',
    });
    expect(toHex(payload)).toBe('deadbeef');
  });

  it('rejects a payload that does not fit in 65535 octets', () => {
    const err = catchDecodeError(() =>
      encodeIpv4(new Uint8Array(0xffff - 19), { src: '10.0.0.1', dst: '10.0.0.2' }),
    );
    expect(err.code).toBe('IPV4_TOO_LONG');
    expect(err.value).toBe(0x10000);
    expect(err.message).toContain('65536');
    expect(encodeIpv4(new Uint8Array(0xffff - 20), { src: '1.1.1.1', dst: '2.2.2.2' }).length).toBe(
      0xffff,
    );
  });

  it.each(['10.0.0', '10.0.0.256', '10.0.0.1.5', 'a.b.c.d', '', '10.0.0.-1', '1e1.0.0.1'])(
    'rejects the address %j with IPV4_BAD_ADDRESS',
    (address) => {
      const encode = () => encodeIpv4(new Uint8Array(0), { src: address, dst: '1.1.1.1' });
      const err = catchDecodeError(encode);
      expect(err.code).toBe('IPV4_BAD_ADDRESS');
      expect(err.field).toBe('address');
      expect(err.value).toBe(address);
      expect(err.message).toBe(`Invalid IPv4 address: ${address} (IPV4_BAD_ADDRESS)`);
    },
  );
});

describe('address helpers', () => {
  it.each([
    ['0.0.0.0', 0],
    ['192.168.17.200', 0xc0a811c8],
    ['224.0.0.18', 0xe0000012],
    ['255.255.255.255', 0xffffffff],
  ])('%s <-> %d', (ip, n) => {
    expect(ipToNumber(ip)).toBe(n);
    expect(numberToIp(n)).toBe(ip);
    expect(isIpv4(ip)).toBe(true);
  });

  it.each(['256.0.0.1', '1.2.3', '01.2.3.4', ' 1.2.3.4', '1.2.3.4 '])(
    'isIpv4(%j) is false',
    (ip) => {
      expect(isIpv4(ip)).toBe(false);
    },
  );

  it.each([
    ['224.0.0.18', true],
    ['239.255.255.255', true],
    ['223.255.255.255', false],
    ['240.0.0.1', false],
    ['192.168.17.101', false],
  ])('isMulticast(%s) is %s', (ip, expected) => {
    expect(isMulticast(ip)).toBe(expected);
  });
});
