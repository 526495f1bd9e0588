import { CAPTURE_FILTER, captureCommand } from '../../../src/lab/capture';
import { PROBER_MAIN, proberCommand } from '../../../src/lab/prober-command';

describe('captureCommand', () => {
  test('tcpdump itself: VRRP and ARP on eth0, packet-buffered, into the file', () => {
    expect(CAPTURE_FILTER).toBe('ip proto 112 or arp');
    expect(captureCommand({ file: '/tmp/wire.pcap' })).toEqual([
      'tcpdump',
      '-i',
      'eth0',
      '--immediate-mode',
      '-U',
      '-n',
      '-Z',
      'root',
      '-w',
      '/tmp/wire.pcap',
      'ip proto 112 or arp',
    ]);
    expect(captureCommand({ file: 'f', filter: 'arp' }).at(-1)).toBe('arp');
  });

  test("with a log file: the Docker driver's sh -c line, folders created first", () => {
    const dir = '/var/log/chaos/captures-ab12';
    expect(
      captureCommand({ file: `${dir}/server01-1.pcap`, logFile: `${dir}/tcpdump.log` }),
    ).toEqual([
      'sh',
      '-c',
      `mkdir -p ${dir} && exec tcpdump -i eth0 --immediate-mode -U -n -Z root -w ${dir}/server01-1.pcap 'ip proto 112 or arp' 2>>${dir}/tcpdump.log`,
    ]);
    expect(captureCommand({ file: '/a/x.pcap', logFile: '/b/t.log' })[2]).toMatch(
      /^mkdir -p \/a \/b && exec tcpdump /,
    );
  });
});

describe('proberCommand', () => {
  const probe = { url: 'http://10.9.0.200/', intervalMs: 10, timeoutMs: 200, durationS: 120 };

  test('node itself, quiet or not', () => {
    expect(proberCommand({ ...probe, out: '/tmp/p.jsonl', quiet: true })).toEqual([
      'node',
      PROBER_MAIN,
      '--url',
      'http://10.9.0.200/',
      '--interval-ms',
      '10',
      '--timeout-ms',
      '200',
      '--duration-s',
      '120',
      '--out',
      '/tmp/p.jsonl',
      '-q',
    ]);
    expect(proberCommand({ ...probe, out: '/dev/null' }).at(-1)).toBe('/dev/null');
  });

  test("with a log file: the Docker driver's sh -c line", () => {
    expect(proberCommand({ ...probe, out: '/l/p.jsonl', logFile: '/l/p.log' })).toEqual([
      'sh',
      '-c',
      `exec node ${PROBER_MAIN} --url 'http://10.9.0.200/' --interval-ms 10 --timeout-ms 200 --duration-s 120 --out /l/p.jsonl 2>>/l/p.log`,
    ]);
  });
});
