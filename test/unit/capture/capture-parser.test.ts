/**
 * CaptureParser and the input edge on hand-made files: pcapng sections with several
 * interfaces (link types, `if_tsresol`, `if_tsoffset`), both byte orders, simple and obsolete
 * packet blocks, unknown blocks skipped; any chunking gives the same records; a cut last record
 * is reported and the rest read; bad blocks and gzip streams are coded errors naming the offset.
 */
import fs from 'node:fs';
import { Readable } from 'node:stream';
import zlib from 'node:zlib';
import { analyzePcapFiles } from '../../../src/capture/analyze-files';
import { CaptureParser } from '../../../src/capture/capture-parser';
import type { CaptureRecord } from '../../../src/capture/capture-parser';
import { sll2Frame } from '../../../src/capture/frame-builders';
import {
  ETHERTYPE_IPV4,
  LINKTYPE_ETHERNET,
  LINKTYPE_LINUX_SLL2,
  SLL_PACKET_MULTICAST,
} from '../../../src/capture/link';
import { readCapture } from '../../../src/capture/pcap-file';
import { encodePcapng } from '../../../src/capture/pcapng-format';
import type { PcapngWriteInterface, PcapngWriteRecord } from '../../../src/capture/pcapng-format';
import { InputError } from '../../../src/errors';
import {
  IpIds,
  NODE_A,
  NODE_B,
  T0,
  advertSeries,
  dockerMac,
  referencePcap,
  tempDir,
} from './builders';

const tmp = tempDir('parser');
afterAll(() => tmp.cleanup());

function parseAll(
  data: Buffer,
  chunk: number,
): {
  records: { t: number; link: number; len: number; frame: number }[];
  truncated: string | null;
} {
  const records: { t: number; link: number; len: number; frame: number }[] = [];
  const parser = new CaptureParser('x', (r: CaptureRecord) =>
    records.push({ t: r.timestampSeconds, link: r.linkType, len: r.data.length, frame: r.frame }),
  );
  for (let at = 0; at < data.length; at += chunk) parser.push(data.subarray(at, at + chunk));
  return { records, truncated: parser.end().truncated?.message ?? null };
}

/** A block of an unknown type (and a Name Resolution Block): both must be skipped. */
function block(type: number, body: Buffer, le: boolean): Buffer {
  const out = Buffer.alloc(12 + body.length);
  if (le) {
    out.writeUInt32LE(type, 0);
    out.writeUInt32LE(out.length, 4);
    out.writeUInt32LE(out.length, out.length - 4);
  } else {
    out.writeUInt32BE(type, 0);
    out.writeUInt32BE(out.length, 4);
    out.writeUInt32BE(out.length, out.length - 4);
  }
  body.copy(out, 8);
  return out;
}

/** Two interfaces: Ethernet in microseconds, SLL2 in 2^-20 s with an offset of 1000 s. */
function twoInterfaces(byteOrder: 'LE' | 'BE'): { data: Buffer; adverts: number } {
  const ids = new IpIds();
  const interfaces: PcapngWriteInterface[] = [
    { linkType: LINKTYPE_ETHERNET, tsresol: 6 },
    { linkType: LINKTYPE_LINUX_SLL2, tsresol: 0x80 | 20, tsoffset: 1000 },
  ];
  const a = advertSeries(T0, T0 + 5, { src: NODE_A }, ids).map((f) => ({ ...f, interfaceId: 0 }));
  const b = advertSeries(T0 + 8.5, T0 + 12, { src: NODE_B }, ids).map((f) => ({
    time: f.time,
    interfaceId: 1,
    data: sll2Frame(f.data.subarray(14), {
      src: dockerMac(NODE_B),
      etherType: ETHERTYPE_IPV4,
      packetType: SLL_PACKET_MULTICAST,
    }),
  }));
  const records: PcapngWriteRecord[] = [...a, ...b].map((f) => ({
    timestampSeconds: f.time,
    data: f.data,
    interfaceId: f.interfaceId,
  }));
  const file = encodePcapng(interfaces, records, byteOrder);
  const le = byteOrder === 'LE';
  // Skipped blocks right after the interfaces: a Name Resolution Block and a custom one.
  const head = file.subarray(0, 28 + 2 * 44);
  const rest = file.subarray(28 + 2 * 44);
  const extra = [block(4, Buffer.alloc(4), le), block(0x40000bad, Buffer.from('skip me!'), le)];
  return { data: Buffer.concat([head, ...extra, rest]), adverts: a.length + b.length };
}

describe('pcapng', () => {
  it.each(['LE', 'BE'] as const)(
    '%s: two interfaces, their resolutions and offsets, unknown blocks skipped',
    async (order) => {
      const { data, adverts } = twoInterfaces(order);
      const file = tmp.file(`two-${order}.pcapng`);
      fs.writeFileSync(file, data);
      const result = await analyzePcapFiles([file]);
      expect(result.errors).toEqual({});
      expect(result.counts.adverts).toBe(adverts);
      expect(result.sources[0]).toMatchObject({
        format: 'pcapng',
        linkTypes: [LINKTYPE_ETHERNET, LINKTYPE_LINUX_SLL2],
      });
      expect(result.switchovers).toEqual([
        expect.objectContaining({ from: NODE_A, to: NODE_B, at: expect.closeTo(T0 + 8.5, 5) }),
      ]);
      // 2^-20 s units: within a microsecond of the time written.
      expect(result.switchovers[0]!.gapSeconds).toBeCloseTo(4.5, 5);
    },
  );

  it('any chunking gives the same records', () => {
    const { data } = twoInterfaces('BE');
    const whole = parseAll(data, data.length);
    expect(whole.records.length).toBeGreaterThan(5);
    for (const size of [1, 3, 7, 64, 333]) expect(parseAll(data, size)).toEqual(whole);
  });

  it('a simple packet block gets the previous record’s time; an obsolete packet block its own', () => {
    const frame = advertSeries(T0, T0 + 1, { src: NODE_A }, new IpIds())[0]!.data;
    const ng = encodePcapng(
      [{ linkType: LINKTYPE_ETHERNET }],
      [{ timestampSeconds: T0 + 1, data: frame }],
    );
    const spb = Buffer.alloc(4 + ((frame.length + 3) & ~3));
    spb.writeUInt32LE(frame.length, 0);
    Buffer.from(frame).copy(spb, 4);
    // Obsolete PB: interface (2), drops (2), timestamp high (4) and low (4), lengths (4 + 4).
    const pb = Buffer.alloc(20 + ((frame.length + 3) & ~3));
    const us = BigInt(T0 + 2) * 1_000_000n;
    pb.writeUInt32LE(Number(us >> 32n), 4);
    pb.writeUInt32LE(Number(us & 0xffffffffn), 8);
    pb.writeUInt32LE(frame.length, 12);
    pb.writeUInt32LE(frame.length, 16);
    Buffer.from(frame).copy(pb, 20);
    const data = Buffer.concat([ng, block(3, spb, true), block(2, pb, true)]);
    const { records } = parseAll(data, data.length);
    expect(records.map((r) => [r.t - T0, r.len, r.frame])).toEqual([
      [1, frame.length, 1],
      [1, frame.length, 2],
      [2, frame.length, 3],
    ]);
  });

  it('a cut last block is reported and the rest read', () => {
    const { data } = twoInterfaces('LE');
    const { records, truncated } = parseAll(data.subarray(0, data.length - 30), 100);
    expect(records.length).toBe(parseAll(data, data.length).records.length - 1);
    expect(truncated).toMatch(
      /truncated pcapng file: ends inside block \d+ at offset \d+: its header announces \d+ octets, only \d+ left/,
    );
  });

  it.each([
    {
      name: 'a block length not a multiple of 4',
      patch: (d: Buffer) => d.writeUInt32LE(30, 28 + 4),
      code: 'PCAPNG_BAD_BLOCK',
      message: /pcapng block 2 at offset 28: bad block length 30/,
    },
    {
      name: 'a packet of an interface never described',
      patch: (d: Buffer) => d.writeUInt32LE(7, 28 + 2 * 44 + 8),
      code: 'PCAPNG_BAD_INTERFACE',
      message: /at offset 116: interface 7 not described \(2 in this section\)/,
    },
  ])('$name: $code with the offset', async ({ patch, code, message }) => {
    const data = Buffer.from(
      encodePcapng(
        [{ linkType: LINKTYPE_ETHERNET }, { linkType: LINKTYPE_ETHERNET }],
        [
          {
            timestampSeconds: T0,
            data: advertSeries(T0, T0 + 1, { src: NODE_A }, new IpIds())[0]!.data,
          },
        ],
      ),
    );
    patch(data);
    const file = tmp.file(`${code}.pcapng`);
    fs.writeFileSync(file, data);
    const error = await analyzePcapFiles([file]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).code).toBe(code);
    expect((error as InputError).message).toMatch(message);
    expect((error as InputError).message).toContain(file);
  });
});

describe('pcapng packet blocks too short for their fields (found by npm run fuzz)', () => {
  // SHB (28) + IDB (20), then an EPB whose total length says 12: no room for its 20 octets of
  // fixed fields. Read whole, the next octets were taken for them; pushed so that the block
  // ends the chunk, the fields lay outside the buffer and a RangeError escaped.
  const header = encodePcapng([{ linkType: LINKTYPE_ETHERNET }], []);
  const shortBlock = (type: number, length: number): Buffer => {
    const b = Buffer.alloc(length);
    b.writeUInt32LE(type, 0);
    b.writeUInt32LE(length, 4);
    b.writeUInt32LE(length, length - 4);
    return b;
  };
  it.each([
    ['an EPB of 12 octets', 6, 12, 'packet block of 12 octets (at least 32)'],
    ['an EPB of 28 octets', 6, 28, 'packet block of 28 octets (at least 32)'],
    ['a PB of 16 octets', 2, 16, 'packet block of 16 octets (at least 32)'],
    ['an SPB of 12 octets', 3, 12, 'packet block of 12 octets (at least 16)'],
  ])(
    '%s: PCAPNG_BAD_BLOCK, in one chunk and in chunks ending with the block',
    (_, type, length, why) => {
      const data = Buffer.concat([header, shortBlock(type, length)]);
      for (const chunk of [data.length, header.length + length, 7]) {
        let error: unknown;
        try {
          parseAll(data, chunk);
        } catch (e) {
          error = e;
        }
        expect(error).toBeInstanceOf(InputError);
        expect((error as InputError).code).toBe('PCAPNG_BAD_BLOCK');
        expect((error as InputError).message).toContain(why);
      }
    },
  );
});

describe('gzip and standard input', () => {
  const reference = fs.readFileSync(referencePcap('poweroff-master.pcap'));

  it('a gzipped capture on standard input, in small chunks', async () => {
    const gz = zlib.gzipSync(reference);
    const chunks = Array.from({ length: Math.ceil(gz.length / 50) }, (_, i) =>
      gz.subarray(i * 50, i * 50 + 50),
    );
    const result = await analyzePcapFiles(['-'], { stdin: Readable.from(chunks) });
    expect(result.packetCount).toBe(30);
    expect(result.switchovers.map((s) => Number(s.gapSeconds.toFixed(4)))).toEqual([3.6096]);
    expect(result.sources[0]).toMatchObject({ path: '-', truncated: null });
  });

  it('a gzip stream that stops early: the records it holds are read, the cut one reported', async () => {
    const gz = zlib.gzipSync(reference);
    const file = tmp.file('cut.pcap.gz');
    fs.writeFileSync(file, gz.subarray(0, gz.length - 200));
    const result = await analyzePcapFiles([file]);
    // zlib gives out what it could inflate: three records and part of the fourth.
    expect(result.packetCount).toBe(3);
    expect(result.sources[0]?.truncated).toMatch(
      /cut\.pcap\.gz: truncated pcap file: ends inside record 4 at offset 210: its 16-octet header announces 54 octets of data, only \d+ left/,
    );
  });

  it('gzip magic followed by garbage: PCAP_BAD_GZIP naming the file', async () => {
    const file = tmp.file('bad.gz');
    fs.writeFileSync(file, Buffer.concat([Buffer.from([0x1f, 0x8b]), Buffer.alloc(64, 7)]));
    const error = await readCapture(file, () => undefined).catch((e: unknown) => e);
    expect((error as InputError).code).toBe('PCAP_BAD_GZIP');
    expect((error as InputError).message).toContain(file);
  });
});
