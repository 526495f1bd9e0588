import { parseProberArgs } from '../../../src/prober/args';

describe('parseProberArgs', () => {
  it('reads the lab command line', () => {
    const a = parseProberArgs([
      '--url',
      'http://192.168.17.200/',
      '--interval-ms',
      '20',
      '--timeout-ms',
      '200',
      '--duration-s',
      '30',
      '--out',
      '/evidence/prober.jsonl',
    ]);
    expect(a).toEqual({
      url: new URL('http://192.168.17.200/'),
      intervalMs: 20,
      timeoutMs: 200,
      durationS: 30,
      out: '/evidence/prober.jsonl',
      quiet: false,
    });
  });

  it('defaults: 20 ms, 200 ms, until SIGTERM, stdout', () => {
    expect(parseProberArgs(['--url', 'http://10.0.0.1/health'])).toMatchObject({
      intervalMs: 20,
      timeoutMs: 200,
      durationS: 0,
      out: '-',
    });
  });

  it.each([
    [[], /--url/],
    [['--url', 'nope'], /is not a URL/],
    [['--url', 'https://x/'], /only http/],
    [['--url', 'http://x/', '--interval-ms', '0'], /--interval-ms "0"/],
    [['--url', 'http://x/', '--duration-s', '-1'], /--duration-s "-1"/],
  ])('rejects %j with PROBER_BAD_ARG', (argv, message) => {
    expect(() => parseProberArgs(argv)).toThrow(message);
    expect(() => parseProberArgs(argv)).toThrow(/PROBER_BAD_ARG/);
  });
});
