/**
 * The reference keepalived captures in every form `chaos analyze` reads, built here from the
 * classic files: each link type (Ethernet, 802.1Q, QinQ, three stacked 802.1ad tags, Linux
 * cooked v1 and v2, raw IP 101 and 228) as classic pcap, as pcapng (`editcap -F pcapng`, and
 * our writer big-endian with nanosecond timestamps), gzipped, and on standard input. Every
 * form must give the classic Ethernet file's switchovers, gaps (to 0.1 ms) and split brains,
 * and tshark must count the same adverts.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { Readable } from 'node:stream';
import zlib from 'node:zlib';
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
import { readPcapFile } from '../../../src/capture/pcap-file';
import type { PcapRecord } from '../../../src/capture/pcap-file';
import { encodePcap } from '../../../src/capture/pcap-format';
import { encodePcapng } from '../../../src/capture/pcapng-format';
import type { AnalysisResult } from '../../../src/capture/timeline';
import {
  IpIds,
  NODE_A,
  NODE_B,
  T0,
  advertSeries,
  referencePcap,
  tempDir,
  writeCapture,
} from './builders';

const tmp = tempDir('forms');
afterAll(() => tmp.cleanup());

const TSHARK = '/usr/bin/tshark';
const EDITCAP = '/usr/bin/editcap';
// In CI a missing tool fails (the test runs and cannot spawn it); elsewhere it is skipped.
const ci = process.env['CI'] === 'true';
const haveTshark = fs.existsSync(TSHARK) || ci;
const haveEditcap = fs.existsSync(EDITCAP) || ci;
if (!haveTshark) console.log(`${TSHARK} missing: skipping the tshark advert counts`);
if (!haveEditcap) console.log(`${EDITCAP} missing: skipping the editcap pcapng forms`);

interface LinkVariant {
  name: string;
  linkType: number;
  /** The Ethernet frame in this link layer, or null when it cannot carry it (ARP in raw IP). */
  wrap: (frame: Buffer) => Uint8Array | null;
}

const etherTypeOf = (f: Buffer): number => f.readUInt16BE(12);
const withTags = (tags: string) => (f: Buffer) =>
  Buffer.concat([f.subarray(0, 12), Buffer.from(tags.replace(/ /g, ''), 'hex'), f.subarray(12)]);
const cooked =
  (make: typeof sllFrame) =>
  (f: Buffer): Uint8Array => {
    const etherType = etherTypeOf(f);
    return make(f.subarray(14), {
      src: [...f.subarray(6, 12)].map((b) => b.toString(16).padStart(2, '0')).join(':'),
      etherType,
      packetType: etherType === ETHERTYPE_ARP ? SLL_PACKET_BROADCAST : SLL_PACKET_MULTICAST,
    });
  };
const rawIp = (f: Buffer): Uint8Array | null =>
  etherTypeOf(f) === ETHERTYPE_IPV4 ? f.subarray(14) : null;

const LINKS: LinkVariant[] = [
  { name: 'Ethernet', linkType: LINKTYPE_ETHERNET, wrap: (f) => f },
  { name: '802.1Q', linkType: LINKTYPE_ETHERNET, wrap: withTags('8100 0011') },
  { name: 'QinQ', linkType: LINKTYPE_ETHERNET, wrap: withTags('88a8 0064 8100 0011') },
  {
    name: '3 x 802.1ad',
    linkType: LINKTYPE_ETHERNET,
    wrap: withTags('88a8 0001 88a8 0002 88a8 0003'),
  },
  { name: 'SLL', linkType: LINKTYPE_LINUX_SLL, wrap: cooked(sllFrame) },
  { name: 'SLL2', linkType: LINKTYPE_LINUX_SLL2, wrap: cooked(sll2Frame) },
  { name: 'raw IP', linkType: LINKTYPE_RAW, wrap: rawIp },
  { name: 'raw IPv4', linkType: LINKTYPE_IPV4, wrap: rawIp },
];

interface Form {
  name: string;
  needs: 'editcap' | null;
  /** Write the form of a classic file; returns the path to analyse and whether it goes on stdin. */
  make: (pcap: string, records: PcapRecord[], linkType: number) => { file: string; stdin: boolean };
}

const FORMS: Form[] = [
  { name: 'pcap', needs: null, make: (pcap) => ({ file: pcap, stdin: false }) },
  {
    name: 'pcapng (editcap)',
    needs: 'editcap',
    make: (pcap) => {
      const out = `${pcap}.editcap.pcapng`;
      execFileSync(EDITCAP, ['-F', 'pcapng', pcap, out]);
      return { file: out, stdin: false };
    },
  },
  {
    name: 'pcapng (big-endian, nanoseconds)',
    needs: null,
    make: (pcap, records, linkType) => {
      const out = `${pcap}.be.pcapng`;
      const data = encodePcapng(
        [{ linkType, tsresol: 9 }],
        records.map((r) => ({ timestampSeconds: r.timestampSeconds, data: r.data })),
        'BE',
      );
      fs.writeFileSync(out, data);
      return { file: out, stdin: false };
    },
  },
  {
    name: 'pcap.gz',
    needs: null,
    make: (pcap) => {
      const out = `${pcap}.gz`;
      fs.writeFileSync(out, zlib.gzipSync(fs.readFileSync(pcap)));
      return { file: out, stdin: false };
    },
  },
  { name: 'stdin', needs: null, make: (pcap) => ({ file: pcap, stdin: true }) },
];

/** The classic file rewritten in another link layer. */
async function relinked(
  source: string,
  link: LinkVariant,
): Promise<{ file: string; records: PcapRecord[] }> {
  const { records } = await readPcapFile(source);
  const frames = records.flatMap((r) => {
    const data = link.wrap(r.data);
    return data === null ? [] : [{ timestampSeconds: r.timestampSeconds, data }];
  });
  const file = tmp.file(`${source.split('/').pop()}-${link.name.replace(/[^a-z0-9]/gi, '_')}.pcap`);
  fs.writeFileSync(file, encodePcap(frames, { linkType: link.linkType }));
  return { file, records: (await readPcapFile(file)).records };
}

async function analyse(form: { file: string; stdin: boolean }): Promise<AnalysisResult> {
  if (!form.stdin) return analyzePcapFiles([form.file]);
  const data = fs.readFileSync(form.file);
  // Odd chunk sizes, so records straddle chunk boundaries.
  const chunks = [data.subarray(0, 7), data.subarray(7, 100), data.subarray(100)];
  return analyzePcapFiles(['-'], { stdin: Readable.from(chunks) });
}

/** What must not change between forms. */
function verdict(r: AnalysisResult) {
  return {
    switchovers: r.switchovers.map((s) => ({
      vrid: s.vrid,
      from: s.from,
      to: s.to,
      reason: s.reason,
      gap: Number(s.gapSeconds.toFixed(4)),
    })),
    splitBrain: r.splitBrain.map((b) => ({
      ...b,
      durationSeconds: Number(b.durationSeconds.toFixed(4)),
    })),
    adverts: r.counts.adverts,
    errors: r.errors,
  };
}

function tsharkAdverts(file: string): number {
  const out = execFileSync(
    TSHARK,
    ['-r', file, '-Y', 'vrrp', '-T', 'fields', '-e', 'frame.number'],
    {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    },
  );
  return out.split('\n').filter((l) => l !== '').length;
}

/** A split brain the reference captures do not have: .101 advertises 9 s while .102 does. */
function splitBrainPcap(): string {
  const ids = new IpIds();
  return writeCapture(tmp.file('split.pcap'), [
    ...advertSeries(T0, T0 + 30, { src: NODE_A }, ids),
    ...advertSeries(T0 + 10.5, T0 + 20.5, { src: NODE_B }, ids),
  ]);
}

const SOURCES = [
  { name: 'poweroff-master', file: () => referencePcap('poweroff-master.pcap'), switchovers: 1 },
  { name: 'graceful-stop', file: () => referencePcap('graceful-stop.pcap'), switchovers: 1 },
  { name: 'split brain', file: splitBrainPcap, switchovers: 0 },
];

const forms = FORMS.filter((f) => f.needs !== 'editcap' || haveEditcap);
const cases = SOURCES.flatMap((source) =>
  LINKS.flatMap((link) =>
    forms.map((form) => ({
      source,
      link,
      form,
      label: `${source.name}, ${link.name}, ${form.name}`,
    })),
  ),
);

describe('every form of the reference captures gives the classic file’s timeline', () => {
  const expected = new Map<string, ReturnType<typeof verdict>>();
  beforeAll(async () => {
    for (const s of SOURCES) expected.set(s.name, verdict(await analyzePcapFiles([s.file()])));
    // The classic Ethernet analysis itself: the figures the README of the references gives.
    expect(expected.get('poweroff-master')?.switchovers).toEqual([
      { vrid: 51, from: NODE_A, to: NODE_B, reason: 'silence', gap: 3.6096 },
    ]);
    expect(expected.get('graceful-stop')?.switchovers).toEqual([
      { vrid: 51, from: NODE_A, to: NODE_B, reason: 'priority-0', gap: 0.6102 },
    ]);
    expect(expected.get('split brain')?.splitBrain).toHaveLength(1);
  });

  it.each(cases)('$label', async ({ source, link, form }) => {
    const { file, records } = await relinked(source.file(), link);
    const made = form.make(file, records, link.linkType);
    const result = await analyse(made);
    const want = expected.get(source.name)!;
    expect(verdict(result)).toEqual(want);
    expect(result.switchovers).toHaveLength(source.switchovers);
    expect(result.sources[0]).toMatchObject({
      path: made.stdin ? '-' : made.file,
      truncated: null,
    });
  });
});

// The file forms tshark reads itself (gzip is the pcap's octets again, so it is left out).
const tsharkCases = cases.filter(
  (c) => c.source.name !== 'split brain' && !['stdin', 'pcap.gz'].includes(c.form.name),
);
(haveTshark ? describe : describe.skip)('tshark counts the same adverts', () => {
  it.each(tsharkCases)('$label', async ({ source, link, form }) => {
    const { file, records } = await relinked(source.file(), link);
    const made = form.make(file, records, link.linkType);
    const result = await analyse(made);
    expect(result.counts.adverts).toBeGreaterThan(10);
    expect(tsharkAdverts(made.file)).toBe(result.counts.adverts);
  });
});
