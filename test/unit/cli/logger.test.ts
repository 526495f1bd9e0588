import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { memoryIO } from '../../../src/cli/io';
import { createLogger, formatLogLine, type LogFormat } from '../../../src/cli/logger';
import { runCli } from '../../../src/cli/program';

const ROOT = path.join(__dirname, '../../..');
const POWEROFF = path.join(ROOT, 'scenarios/poweroff-master.yaml');
const T = new Date('2026-12-02T00:03:10.117Z');

let tmp: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'chaos-log-'));
});
afterAll(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe('formatLogLine', () => {
  test('text: the human line, warnings marked', () => {
    expect(formatLogLine('text', T, 'info', 'run.out', 'report in runs/x', { dir: 'x' })).toBe(
      'chaos: report in runs/x\n',
    );
    expect(formatLogLine('text', T, 'warn', 'analyze.truncated', 'cut short')).toBe(
      'chaos: warning: cut short\n',
    );
  });

  test('json: one object on one line with time, level, event, message and fields', () => {
    const line = formatLogLine('json', T, 'warn', 'analyze.truncated', 'cut\nshort', {
      packets: 3,
    });
    expect(line.endsWith('\n')).toBe(true);
    expect(line.slice(0, -1)).not.toContain('\n');
    expect(JSON.parse(line)).toEqual({
      time: '2026-12-02T00:03:10.117Z',
      level: 'warn',
      event: 'analyze.truncated',
      message: 'cut\nshort',
      fields: { packets: 3 },
    });
  });
});

test('createLogger reads the format at each line (it is known once options are parsed)', () => {
  let format: LogFormat = 'text';
  let out = '';
  const log = createLogger({ write: (t) => (out += t), format: () => format, now: () => T });
  log.info('a', 'first');
  format = 'json';
  log.error('b', 'second', { code: 'X' });
  const [first, second] = out.trimEnd().split('\n');
  expect(first).toBe('chaos: first');
  expect(JSON.parse(second!)).toMatchObject({ level: 'error', event: 'b', fields: { code: 'X' } });
  expect(log.format()).toBe('json');
});

describe('chaos --log-format', () => {
  async function cli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
    const io = memoryIO();
    const code = await runCli(args, io);
    return { code, out: io.out, err: io.err };
  }
  const jsonLines = (err: string): Record<string, unknown>[] =>
    err
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);

  test('json: every stderr line of a run is a JSON object; stdout unchanged', async () => {
    const out = path.join(tmp, 'run');
    const text = await cli('run', POWEROFF, '--driver', 'sim', '--out', out);
    const json = await cli(
      'run',
      POWEROFF,
      '--driver',
      'sim',
      '--out',
      out,
      '--log-format',
      'json',
    );
    expect(json.code).toBe(0);
    expect(json.out).toBe(text.out);
    expect(text.err).toBe(`chaos: report and evidence in ${out}\n`);
    const lines = jsonLines(json.err);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      level: 'info',
      event: 'run.out',
      message: `report and evidence in ${out}`,
      fields: { dir: out },
    });
    expect(Number.isFinite(Date.parse(lines[0]!['time'] as string))).toBe(true);
  });

  test('json, given before the command: an error is one error event with its code', async () => {
    const missing = path.join(tmp, 'nope.yaml');
    const { code, err } = await cli('--log-format', 'json', 'run', missing, '--driver', 'sim');
    expect(code).toBe(2);
    expect(jsonLines(err)).toEqual([
      {
        time: expect.any(String) as unknown,
        level: 'error',
        event: 'error',
        message: `${missing}:1:1: no such scenario file (SCENARIO_INVALID)`,
        fields: { code: 'SCENARIO_INVALID', exitCode: 2 },
      },
    ]);
  });

  test('a format other than text or json is a usage error (exit 2)', async () => {
    const { code, err } = await cli('run', POWEROFF, '--log-format', 'yaml');
    expect(code).toBe(2);
    expect(err).toContain('the log format is text or json');
  });
});
