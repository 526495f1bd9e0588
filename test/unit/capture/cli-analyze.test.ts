import fs from 'node:fs';
import { memoryIO } from '../../../src/cli/io';
import { runCli } from '../../../src/cli/program';
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

const tmp = tempDir('cli');
afterAll(() => tmp.cleanup());

async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const io = memoryIO();
  const code = await runCli(argv, io);
  return { code, out: io.out, err: io.err };
}

describe('chaos analyze', () => {
  it('prints the timeline of the poweroff reference capture', async () => {
    const { code, out, err } = await run('analyze', referencePcap('poweroff-master.pcap'));
    expect(err).toBe('');
    expect(code).toBe(0);
    expect(out).toMatchInlineSnapshot(`
"30 packets from 1 file, 2026-11-25 06:03:54.917 .. 06:04:07.529 UTC (12.612 s)
11 VRRP adverts, 19 ARP (15 gratuitous), 0 other, 0 duplicates, 0 decode errors

VRID 51  VRRPv2  interval 1 s  auth PASS "1111"  VIP 192.168.17.200
  06:03:54.917 .. 06:03:57.917  192.168.17.102   MASTER prio 100  (4 adverts)
  06:04:01.527 .. 06:04:07.529  192.168.17.101   MASTER prio 100  (7 adverts)
  #0 switchover 06:04:01.527  192.168.17.102 -> 192.168.17.101  gap 3.6096 s  (silence)  GARP +0.098 ms x5
  no split brain

Gratuitous ARPs:
  06:03:56.916  02:42:c0:a8:11:66  192.168.17.200   x5
  06:04:01.527  02:42:c0:a8:11:65  192.168.17.200   x5  after switchover #0 (+0.098 ms)
  06:04:06.527  02:42:c0:a8:11:65  192.168.17.200   x5
Decode errors: none
"
`);
  });

  it('prints the priority-0 advert and the split brain', async () => {
    const ids = new IpIds();
    const file = writeCapture(tmp.file('split.pcap'), [
      ...advertSeries(T0, T0 + 30, { src: NODE_A }, ids),
      ...advertSeries(T0 + 10.5, T0 + 20.5, { src: NODE_B }, ids),
    ]);
    const { code, out } = await run('analyze', file, referencePcap('graceful-stop.pcap'));
    expect(code).toBe(0);
    expect(out).toContain(
      '  split brain 06:00:10.500 .. 06:00:19.500  9.0000 s  192.168.17.101 + 192.168.17.102\n',
    );
    expect(out).toContain(
      '  06:04:19.784 .. 06:04:19.784  192.168.17.102   RESIGN prio 0    (1 advert)\n',
    );
    expect(out).toMatch(/gap 0\.6102 s {2}\(priority-0\)/);
  });

  it('one line per router and priority within a run; a resignation on a line of its own', async () => {
    const ids = new IpIds();
    const file = writeCapture(tmp.file('segments.pcap'), [
      ...advertSeries(T0, T0 + 4, { src: NODE_A }, ids),
      ...advertSeries(T0 + 4, T0 + 7, { src: NODE_A, priority: 150 }, ids),
      ...advertSeries(T0 + 6.5, T0 + 6.7, { src: NODE_A, priority: 0 }, ids, 0.1),
      ...advertSeries(T0 + 8, T0 + 8.1, { src: NODE_B, priority: 0 }, ids),
      ...advertSeries(T0 + 9.5, T0 + 12, { src: NODE_B, priority: 90 }, ids),
      ...advertSeries(T0 + 20, T0 + 23, { src: NODE_A }, ids),
    ]);
    const { code, out } = await run('analyze', file);
    expect(code).toBe(0);
    expect(out.split('\n').filter((line) => line.includes(' prio '))).toMatchInlineSnapshot(`
[
  "  06:00:00.000 .. 06:00:03.000  192.168.17.102   MASTER prio 100  (4 adverts)",
  "  06:00:04.000 .. 06:00:06.000  192.168.17.102   MASTER prio 150  (3 adverts)",
  "  06:00:06.500 .. 06:00:06.500  192.168.17.102   RESIGN prio 0    (1 advert)",
  "  06:00:06.600 .. 06:00:06.600  192.168.17.102   RESIGN prio 0    (1 advert)",
  "  06:00:08.000 .. 06:00:08.000  192.168.17.101   RESIGN prio 0    (1 advert)",
  "  06:00:09.500 .. 06:00:11.500  192.168.17.101   MASTER prio 90   (3 adverts)",
  "  06:00:20.000 .. 06:00:22.000  192.168.17.102   MASTER prio 100  (3 adverts)",
]
`);
  });

  it('--json gives the AnalysisResult', async () => {
    const { code, out } = await run('analyze', '--json', referencePcap('graceful-stop.pcap'));
    expect(code).toBe(0);
    const result = JSON.parse(out) as AnalysisResult;
    expect(result.switchovers).toEqual([
      expect.objectContaining({
        vrid: 51,
        from: NODE_A,
        to: NODE_B,
        at: expect.closeTo(1795586660.394974, 6),
        gapSeconds: expect.closeTo(0.6102, 3),
        reason: 'priority-0',
      }),
    ]);
    expect(result.splitBrain).toEqual([]);
    expect(result).toMatchObject({
      packetCount: 35,
      errors: {},
      sources: [{ index: 0, packets: 35 }],
    });
    // A summary: adverts counted per sender, not listed.
    expect(result.vrids[0]?.adverts).toBeUndefined();
    expect(result.vrids[0]?.senders).toEqual([
      { src: NODE_B, srcMac: '02:42:c0:a8:11:65', adverts: 11 },
      { src: NODE_A, srcMac: '02:42:c0:a8:11:66', adverts: 4 },
    ]);
    expect(result.vrids[0]?.receiveChecks).toEqual({ ttl: 0, interval: 0, auth: 0 });
  });

  it('--json --adverts lists every advert', async () => {
    const { code, out } = await run(
      'analyze',
      '--json',
      '--adverts',
      referencePcap('graceful-stop.pcap'),
    );
    expect(code).toBe(0);
    const result = JSON.parse(out) as AnalysisResult;
    expect(result.vrids[0]?.adverts).toHaveLength(15);
    expect(result.vrids[0]?.adverts?.filter((a) => a.priority === 0)).toHaveLength(1);
  });

  it('--follow prints each event, then the timeline', async () => {
    const { code, out } = await run('analyze', '--follow', referencePcap('poweroff-master.pcap'));
    expect(code).toBe(0);
    const [events, summary] = out.split('\n\n');
    expect(events!.split('\n')).toEqual([
      '06:03:54.917  VRID 51  master 192.168.17.102',
      '06:03:56.916  GARP burst  02:42:c0:a8:11:66  192.168.17.200  x5',
      '06:04:01.527  VRID 51  switchover 192.168.17.102 -> 192.168.17.101  gap 3.6096 s  (silence)',
      '06:04:01.527  GARP burst  02:42:c0:a8:11:65  192.168.17.200  x5',
      '06:04:06.527  GARP burst  02:42:c0:a8:11:65  192.168.17.200  x5',
    ]);
    expect(summary).toMatch(/^30 packets from 1 file/);
  });

  it('--json split brain: {vrid, masters, start, end, durationSeconds}', async () => {
    const ids = new IpIds();
    const file = writeCapture(tmp.file('split-json.pcap'), [
      ...advertSeries(T0, T0 + 30, { src: NODE_A }, ids),
      ...advertSeries(T0 + 10.5, T0 + 20.5, { src: NODE_B }, ids),
    ]);
    const result = JSON.parse((await run('analyze', file, '--json')).out) as AnalysisResult;
    expect(result.splitBrain).toEqual([
      { vrid: 51, masters: [NODE_B, NODE_A], start: T0 + 10.5, end: T0 + 19.5, durationSeconds: 9 },
    ]);
  });

  const reference = (): Buffer => fs.readFileSync(referencePcap('poweroff-master.pcap'));
  it.each([
    {
      name: 'not a pcap',
      make: () => Buffer.from('{"this": "is json"}\n'),
      code: 'PCAP_BAD_MAGIC',
    },
    { name: 'missing file', make: null, code: 'PCAP_NOT_FOUND' },
  ])('$name: exit 2 with $code naming the file', async ({ name, make, code }) => {
    const file = tmp.file(`${name.replace(/ /g, '-')}.pcap`);
    if (make) fs.writeFileSync(file, make());
    const result = await run('analyze', '--json', referencePcap('graceful-stop.pcap'), file);
    expect(result.code).toBe(2);
    expect(result.out).toBe('');
    expect(result.err).toContain(`(${code})`);
    expect(result.err).toContain(file);
  });

  it('a truncated capture: the rest analysed, exit 0, the cut record on stderr', async () => {
    const file = tmp.file('truncated.pcap');
    fs.writeFileSync(file, reference().subarray(0, 1000));
    const result = await run('analyze', file);
    expect(result.code).toBe(0);
    expect(result.out).toMatch(/^\d+ packets from 1 file/);
    expect(result.err).toMatch(
      /warning: .*truncated pcap file: ends inside record \d+ at offset \d+/,
    );
    expect(result.err).toContain('(PCAP_TRUNCATED)');
    expect(result.err).toContain(file);
  });

  it('no file: usage error, exit 2', async () => {
    const { code, err } = await run('analyze');
    expect(code).toBe(2);
    expect(err).toMatch(/missing required argument/);
  });
});
