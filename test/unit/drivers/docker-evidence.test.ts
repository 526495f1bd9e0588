import { tarArchive } from '../../../src/lab/tar';
import {
  completePcapLength,
  defaultOutDir,
  evidenceFolder,
  parseProbeChunk,
  proberDurationS,
  sampledState,
  untar,
} from '../../../src/drivers/docker/evidence';
import { rogueConfigText } from '../../../src/faults';
import type { Scenario } from '../../../src/scenario/types';

describe('parseProbeChunk', () => {
  test('whole lines become records in ms since the origin; a partial line is carried', () => {
    const a = parseProbeChunk(
      '',
      '{"t":1000.5,"ok":true,"status":200,"servedBy":"server01","latencyMs":2}\n{"t":1020,"ok":fa',
      1000,
    );
    expect(a.records).toEqual([
      { t: 0.5, ok: true, status: 200, servedBy: 'server01', latencyMs: 2 },
    ]);
    expect(a.rest).toBe('{"t":1020,"ok":fa');
    const b = parseProbeChunk(
      a.rest,
      'lse,"status":null,"servedBy":null,"latencyMs":500,"error":"timeout"}\nnot json\n',
      1000,
    );
    expect(b.records).toEqual([
      { t: 20, ok: false, status: null, servedBy: null, latencyMs: 500, error: 'timeout' },
    ]);
    expect(b.bad).toBe(1);
    expect(b.rest).toBe('');
  });
});

describe('completePcapLength', () => {
  const header = Buffer.alloc(24);
  header.writeUInt32LE(0xa1b2c3d4, 0);
  const record = (len: number): Buffer => {
    const h = Buffer.alloc(16 + len);
    h.writeUInt32LE(len, 8);
    h.writeUInt32LE(len, 12);
    return h;
  };
  test('keeps whole records, drops a torn last one', () => {
    const whole = Buffer.concat([header, record(60), record(42)]);
    expect(completePcapLength(whole)).toBe(whole.length);
    expect(completePcapLength(whole.subarray(0, whole.length - 5))).toBe(24 + 76);
    expect(completePcapLength(header.subarray(0, 10))).toBe(0);
    expect(completePcapLength(Buffer.alloc(24))).toBe(0);
  });
});

test('untar reads what tarArchive writes', () => {
  const tar = tarArchive([
    { name: 'chaos/a.pcap', content: 'abc', mtime: 0 },
    { name: 'chaos/b.jsonl', content: new Uint8Array(700).fill(7), mtime: 0 },
  ]);
  const files = untar(tar);
  expect(files.map((f) => [f.name, f.data.length])).toEqual([
    ['chaos/a.pcap', 3],
    ['chaos/b.jsonl', 700],
  ]);
  expect(files[0]?.data.toString()).toBe('abc');
});

test('sampledState', () => {
  expect(sampledState(false, null)).toBe('STOPPED');
  expect(sampledState(true, { running: false, state: null })).toBe('STOPPED');
  expect(sampledState(true, { running: true, state: null })).toBe('INIT');
  expect(sampledState(true, { running: true, state: 'MASTER' })).toBe('MASTER');
});

test('rogue config: BACKUP, the given priority and password, the VIP', () => {
  const text = rogueConfigText(
    {
      name: 'rogue',
      address: '192.168.17.66',
      priority: 254,
      password: '1111',
      vrid: 51,
      advertIntervalMs: 1000,
      vip: null,
    },
    '192.168.17.200',
  );
  expect(text).toMatch(/state BACKUP/);
  expect(text).toMatch(/priority 254/);
  expect(text).toMatch(/auth_pass 1111/);
  expect(text).toMatch(/192\.168\.17\.200/);
});

test('prober duration bounds the scenario', () => {
  const scenario = {
    steps: [
      { kind: 'wait', ms: 5000 },
      { kind: 'expect', expect: { kind: 'no-owner' }, withinMs: 3000 },
      { kind: 'fault', fault: { kind: 'power-off', nodes: ['server01'] } },
    ],
  } as unknown as Scenario;
  expect(proberDurationS(scenario, 30000)).toBe(30 + 120 + 5 + 3 + 5 + 60);
});

test('out dir and evidence folder names', () => {
  const t = Date.UTC(2024, 4, 1, 12, 30, 5, 123);
  expect(defaultOutDir(t, ['poweroff-master'])).toBe('runs/2024-05-01T12-30-05Z-poweroff-master');
  expect(defaultOutDir(t, ['a', 'b', 'c'])).toBe('runs/2024-05-01T12-30-05Z-a-and-2-more');
  expect(evidenceFolder('x y', new Set())).toBe('x-y');
  expect(evidenceFolder('x', new Set(['x', 'x-2']))).toBe('x-3');
});
