import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { analyzePcapFiles } from '../../../src/capture/analyze-files';
import { sll2Frame, sllFrame } from '../../../src/capture/frame-builders';
import {
  ETHERTYPE_ARP,
  ETHERTYPE_IPV4,
  LINKTYPE_ETHERNET,
  LINKTYPE_IPV4,
  LINKTYPE_LINUX_SLL,
  LINKTYPE_LINUX_SLL2,
  LINKTYPE_RAW,
  SLL_PACKET_BROADCAST,
  SLL_PACKET_MULTICAST,
} from '../../../src/capture/link';
import { readPcapFile, streamPcapFile } from '../../../src/capture/pcap-file';
import {
  encodePcap,
  encodePcapGlobalHeader,
  encodePcapRecord,
  parsePcapHeader,
  splitTimestamp,
} from '../../../src/capture/pcap-format';
import { InputError } from '../../../src/errors';
import {
  IpIds,
  NODE_A,
  NODE_B,
  T0,
  VIP,
  advertSeries,
  dockerMac,
  garpBurst,
  hex,
  records,
  referencePcap,
  tempDir,
  writeCapture,
} from './builders';
import type { TimedFrame } from './builders';

const tmp = tempDir('pcap');
afterAll(() => tmp.cleanup());

const TSHARK = '/usr/bin/tshark';
// In CI (.ci/run installs tshark) a missing tshark fails; elsewhere the cross-checks are skipped.
const haveTshark = fs.existsSync(TSHARK) || process.env['CI'] === 'true';
const itWithTshark = haveTshark ? it : it.skip;
if (!haveTshark) console.log(`${TSHARK} missing: skipping the tshark cross-checks`);

/** A failover seen at the Ethernet layer: .102 stops, .101 takes over and sends 5 GARPs. */
function failover(): TimedFrame[] {
  const ids = new IpIds();
  return [
    ...advertSeries(T0 + 0.123456, T0 + 5, { src: NODE_A }, ids),
    ...advertSeries(T0 + 7.732831, T0 + 12, { src: NODE_B }, ids),
    ...garpBurst(T0 + 7.73294, VIP, dockerMac(NODE_B)),
  ];
}

async function inputError(promise: Promise<unknown>): Promise<InputError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof InputError) return error;
    throw error;
  }
  throw new Error('expected an InputError');
}

describe('pcap writer', () => {
  it('writes the libpcap global header: LE microsecond magic, 2.4, snaplen, link type', () => {
    expect(encodePcapGlobalHeader({ linkType: LINKTYPE_ETHERNET })).toEqual(
      Buffer.from(hex('d4c3b2a1 0200 0400 00000000 00000000 00000400 01000000')),
    );
    expect(
      encodePcapGlobalHeader({ linkType: LINKTYPE_LINUX_SLL2, snapLength: 65535 }).subarray(16),
    ).toEqual(Buffer.from(hex('ffff0000 14010000')));
  });

  it('writes a record header: ts_sec, ts_usec, incl_len, orig_len', () => {
    const record = encodePcapRecord({
      timestampSeconds: 1795586634.917371,
      data: hex('0102 03'),
      originalLength: 60,
    });
    // ts_sec and ts_usec as in poweroff-master.pcap record 1 (xxd -s 24 -l 8: 4a7a066b 7bff0d00).
    expect(record).toEqual(Buffer.from(hex('4a7a066b 7bff0d00 03000000 3c000000 010203')));
  });

  it.each([
    { t: 1795586634.917371, sec: 1795586634, usec: 917371 },
    { t: 10.9999996, sec: 11, usec: 0 }, // rounds up into the next second
    { t: 10.0000004, sec: 10, usec: 0 },
    { t: 0, sec: 0, usec: 0 },
  ])('splitTimestamp($t) = $sec s + $usec us', ({ t, sec, usec }) => {
    expect(splitTimestamp(t)).toEqual([sec, usec]);
  });

  it('round-trips through the reader', async () => {
    const frames = failover();
    const file = writeCapture(tmp.file('roundtrip.pcap'), frames);
    const { info, records: read } = await readPcapFile(file);
    expect(info).toMatchObject({ records: frames.length, bytes: fs.statSync(file).size });
    expect(info.header).toEqual({
      byteOrder: 'LE',
      nanosecond: false,
      versionMajor: 2,
      versionMinor: 4,
      snapLength: 262144,
      linkType: LINKTYPE_ETHERNET,
    });
    const expected = records(frames);
    read.forEach((r, i) => {
      expect(r.frame).toBe(i + 1);
      expect(r.timestampSeconds).toBeCloseTo(expected[i]!.timestampSeconds, 6);
      expect(new Uint8Array(r.data)).toEqual(expected[i]!.data);
    });
  });

  itWithTshark('tshark reads what we write, with the same times and fields', () => {
    const file = writeCapture(tmp.file('tshark.pcap'), failover());
    const out = execFileSync(
      TSHARK,
      [
        '-r',
        file,
        '-T',
        'fields',
        '-E',
        'separator=,',
        '-e',
        'frame.time_epoch',
        '-e',
        'ip.src',
        '-e',
        'vrrp.prio',
        '-e',
        'arp.src.proto_ipv4',
      ],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] },
    );
    const lines = out.trim().split('\n');
    expect(lines).toHaveLength(15);
    expect(lines[0]).toBe(`${T0}.123456000,${NODE_A},100,`);
    expect(lines[5]).toBe(`${T0 + 7}.732831000,${NODE_B},100,`);
    expect(lines[6]).toBe(`${T0 + 7}.732940000,,,${VIP}`);
  });
});

describe('pcap reader: byte orders, resolutions, link types', () => {
  /** A pcap file built by hand, to test what our writer never produces. */
  function handMade(
    byteOrder: 'LE' | 'BE',
    nanosecond: boolean,
    frames: { sec: number; frac: number; data: Uint8Array }[],
  ): Buffer {
    const le = byteOrder === 'LE';
    const header = Buffer.alloc(24);
    const u32 = (b: Buffer, v: number, o: number) =>
      le ? b.writeUInt32LE(v, o) : b.writeUInt32BE(v, o);
    const u16 = (b: Buffer, v: number, o: number) =>
      le ? b.writeUInt16LE(v, o) : b.writeUInt16BE(v, o);
    u32(header, nanosecond ? 0xa1b23c4d : 0xa1b2c3d4, 0);
    u16(header, 2, 4);
    u16(header, 4, 6);
    u32(header, 65535, 16);
    u32(header, LINKTYPE_ETHERNET, 20);
    const parts = [header];
    for (const f of frames) {
      const rh = Buffer.alloc(16);
      u32(rh, f.sec, 0);
      u32(rh, f.frac, 4);
      u32(rh, f.data.length, 8);
      u32(rh, f.data.length, 12);
      parts.push(rh, Buffer.from(f.data));
    }
    return Buffer.concat(parts);
  }

  it.each([
    { byteOrder: 'LE' as const, nanosecond: false, frac: 917371, expected: 0.917371 },
    { byteOrder: 'BE' as const, nanosecond: false, frac: 917371, expected: 0.917371 },
    { byteOrder: 'LE' as const, nanosecond: true, frac: 917371123, expected: 0.917371123 },
    { byteOrder: 'BE' as const, nanosecond: true, frac: 5, expected: 0.000000005 },
  ])('$byteOrder nanosecond=$nanosecond', async ({ byteOrder, nanosecond, frac, expected }) => {
    const data = failover()[0]!.data;
    const file = tmp.file(`hand-${byteOrder}-${nanosecond}.pcap`);
    fs.writeFileSync(
      file,
      handMade(byteOrder, nanosecond, [
        { sec: 100, frac, data },
        { sec: 101, frac, data },
      ]),
    );
    const { info, records: read } = await readPcapFile(file);
    expect(info.header).toMatchObject({
      byteOrder,
      nanosecond,
      linkType: LINKTYPE_ETHERNET,
      snapLength: 65535,
    });
    expect(read.map((r) => r.timestampSeconds - 100)).toEqual([
      expect.closeTo(expected, 9),
      expect.closeTo(1 + expected, 9),
    ]);
    expect(new Uint8Array(read[0]!.data)).toEqual(data);
  });

  /** Re-wrap the Ethernet failover in another link layer. */
  function relink(linkType: number, frames: TimedFrame[]): TimedFrame[] {
    return frames.map(({ time, data }) => {
      const etherType = (data[12]! << 8) | data[13]!;
      const payload = data.subarray(14);
      const src = dockerMac(
        etherType === ETHERTYPE_ARP ? NODE_B : data[29] === 102 ? NODE_A : NODE_B,
      );
      const packetType = etherType === ETHERTYPE_ARP ? SLL_PACKET_BROADCAST : SLL_PACKET_MULTICAST;
      switch (linkType) {
        case LINKTYPE_LINUX_SLL:
          return { time, data: sllFrame(payload, { src, etherType, packetType }) };
        case LINKTYPE_LINUX_SLL2:
          return { time, data: sll2Frame(payload, { src, etherType, packetType }) };
        default:
          return { time, data: payload };
      }
    });
  }

  it.each([
    { name: 'Linux cooked (SLL, tcpdump -i any)', linkType: LINKTYPE_LINUX_SLL, garps: 5 },
    { name: 'Linux cooked v2 (SLL2)', linkType: LINKTYPE_LINUX_SLL2, garps: 5 },
    // Raw IP captures carry no ARP: those frames are not IPv4 and are ignored.
    { name: 'raw IP (101)', linkType: LINKTYPE_RAW, garps: 0 },
    { name: 'raw IPv4 (228)', linkType: LINKTYPE_IPV4, garps: 0 },
  ])('$name: the same switchover as Ethernet', async ({ linkType, garps }) => {
    const frames = failover();
    const relinked =
      linkType === LINKTYPE_RAW || linkType === LINKTYPE_IPV4
        ? relink(
            linkType,
            frames.filter((f) => ((f.data[12]! << 8) | f.data[13]!) === ETHERTYPE_IPV4),
          )
        : relink(linkType, frames);
    const file = writeCapture(tmp.file(`link-${linkType}.pcap`), relinked, linkType);
    const result = await analyzePcapFiles([file]);
    expect(result.errors).toEqual({});
    expect(result.switchovers).toHaveLength(1);
    expect(result.switchovers[0]).toMatchObject({ from: NODE_A, to: NODE_B, garpCount: garps });
    expect(result.switchovers[0]!.gapSeconds).toBeCloseTo(7.732831 - 4.123456, 6);
    expect(result.vrids[0]?.adverts?.[0]?.srcMac).toBe(
      linkType === LINKTYPE_RAW || linkType === LINKTYPE_IPV4 ? null : dockerMac(NODE_A),
    );
  });

  it('a file with a header and no records is empty, not an error', async () => {
    const file = tmp.file('empty-records.pcap');
    fs.writeFileSync(file, encodePcap([], { linkType: LINKTYPE_ETHERNET }));
    const result = await analyzePcapFiles([file]);
    expect(result).toMatchObject({ packetCount: 0, switchovers: [], start: null });
  });
});

describe('pcap reader: bad files are InputErrors naming the file', () => {
  const reference = fs.readFileSync(referencePcap('poweroff-master.pcap'));
  const write = (name: string, data: Uint8Array | string): string => {
    const file = tmp.file(name);
    fs.writeFileSync(file, data);
    return file;
  };

  it.each([
    {
      name: 'missing file',
      file: () => tmp.file('no-such.pcap'),
      code: 'PCAP_NOT_FOUND',
      message: /no such pcap file/,
    },
    { name: 'empty path', file: () => '', code: 'PCAP_NOT_FOUND', message: /empty pcap file path/ },
    {
      name: 'a directory',
      file: () => tmp.dir,
      code: 'PCAP_NOT_A_FILE',
      message: /not a regular file/,
    },
    {
      name: 'a text file',
      file: () => write('notes.pcap', 'hello, this is not a capture\n'),
      code: 'PCAP_BAD_MAGIC',
      message: /not a pcap or pcapng file: magic 0x68656c6c/,
    },
    {
      name: 'an empty file',
      file: () => write('empty.pcap', ''),
      code: 'PCAP_TRUNCATED',
      message: /0 octets, the global header needs 24/,
    },
    {
      name: 'half a global header',
      file: () => write('half.pcap', reference.subarray(0, 12)),
      code: 'PCAP_TRUNCATED',
      message: /12 octets/,
    },
    {
      name: 'a record longer than any snapshot',
      file: () =>
        write(
          'huge.pcap',
          Buffer.concat([
            reference.subarray(0, 24),
            hex('00000000 00000000 00000040 00000040'),
            Buffer.alloc(64),
          ]),
        ),
      code: 'PCAP_BAD_RECORD',
      message: /record 1 at offset 24 claims 1073741824 octets/,
    },
    {
      name: 'pcap version 1.0',
      file: () =>
        write('v1.pcap', Buffer.concat([hex('d4c3b2a1 0100 0000'), reference.subarray(8)])),
      code: 'PCAP_BAD_VERSION',
      message: /unsupported pcap version 1.0/,
    },
    {
      name: 'an unsupported link type (802.11)',
      file: () =>
        write(
          'wifi.pcap',
          encodePcap([{ timestampSeconds: T0, data: new Uint8Array(30) }], { linkType: 105 }),
        ),
      code: 'PCAP_UNSUPPORTED_LINKTYPE',
      message: /unsupported link type 105/,
    },
  ])('$name: $code', async ({ file, code, message }) => {
    const path = file();
    const error = await inputError(analyzePcapFiles([path]));
    expect(error.code).toBe(code);
    expect(error.message).toMatch(message);
    if (path !== '') expect(error.message).toContain(path);
  });

  it.each([
    {
      name: 'cut in the middle of record 3',
      // 24 + (16 + 54) + (16 + 42) = 152: record 3 starts there; cut 30 octets into it.
      cut: 182,
      message:
        /truncated pcap file: ends inside record 3 at offset 152: its 16-octet header announces 42 octets of data, only 14 left/,
    },
    {
      name: 'cut in a record header',
      cut: 152 + 10,
      message: /ends inside record 3 at offset 152: a record header needs 16 octets, only 10 left/,
    },
  ])('$name: reported, the records before it analysed', async ({ name, cut, message }) => {
    const path = write(`${name.replace(/ /g, '-')}.pcap`, reference.subarray(0, cut));
    const result = await analyzePcapFiles([path]);
    expect(result.packetCount).toBe(2);
    expect(result.sources[0]?.packets).toBe(2);
    expect(result.sources[0]?.truncated).toMatch(message);
    expect(result.sources[0]?.truncated).toContain(path);
    await expect(streamPcapFile(path, () => undefined)).rejects.toThrow(/PCAP_TRUNCATED/);
  });

  it('a pcapng section header alone is an empty capture, not an error', async () => {
    const path = write(
      'ng.pcapng',
      hex('0a0d0d0a 1c000000 4d3c2b1a 0100 0000 ffffffffffffffff 1c000000'),
    );
    const result = await analyzePcapFiles([path]);
    expect(result.packetCount).toBe(0);
    expect(result.sources[0]).toMatchObject({ format: 'pcapng', truncated: null });
  });

  it('no file at all', async () => {
    expect((await inputError(analyzePcapFiles([]))).code).toBe('PCAP_NO_FILES');
  });

  it('parsePcapHeader alone: short input that is not pcap is bad magic, not truncated', () => {
    expect(() => parsePcapHeader(Buffer.from('GET / HTTP'), 'x')).toThrow(/PCAP_BAD_MAGIC/);
  });

  it('an exception in the callback stops the read and rejects with it', async () => {
    await expect(
      streamPcapFile(referencePcap('poweroff-master.pcap'), (r) => {
        if (r.frame === 2) throw new Error('stop here');
      }),
    ).rejects.toThrow('stop here');
  });
});
