/**
 * The CLI's own output and its last line of defence: a reader that closes the pipe (EPIPE) is
 * left alone and the command goes on quietly; an unexpected error (a bug) is one line naming
 * it, its stack only with --debug; coded and system errors read as before.
 * test/e2e/cli-pipe.test.ts closes a real pipe on the built CLI.
 */
import { describeUnexpected, runProgram } from '../../../src/cli/cli-core';
import { memoryIO, processIO } from '../../../src/cli/io';
import { InputError } from '../../../src/errors';

function epipe(): NodeJS.ErrnoException {
  return Object.assign(new Error('write EPIPE'), { code: 'EPIPE' });
}

describe('processIO', () => {
  const listeners = { stdout: process.stdout.listeners('error'), stderr: [] as unknown[] };
  afterEach(() => {
    jest.restoreAllMocks();
    for (const l of process.stdout.listeners('error'))
      if (!listeners.stdout.includes(l)) process.stdout.off('error', l as () => void);
    for (const l of process.stderr.listeners('error')) process.stderr.off('error', l as () => void);
  });

  test('after EPIPE on stdout nothing more is written there; stderr still works', () => {
    const out = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const err = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const io = processIO();
    io.stdout('first');
    process.stdout.emit('error', epipe());
    io.stdout('second');
    io.stderr('still here');
    expect(out.mock.calls.map((c) => c[0])).toEqual(['first']);
    expect(err.mock.calls.map((c) => c[0])).toEqual(['still here']);
  });

  test('another write error is not swallowed', () => {
    processIO();
    const other = Object.assign(new Error('write EIO'), { code: 'EIO' });
    expect(() => process.stdout.emit('error', other)).toThrow('write EIO');
  });
});

describe('unexpected errors', () => {
  const bug = new TypeError("Cannot read properties of undefined (reading 'x')");

  test('a bug is one line naming its class; the stack only with --debug', () => {
    const line = describeUnexpected(bug, false);
    expect(line).toBe(
      "internal error (TypeError): Cannot read properties of undefined (reading 'x') (--debug prints its stack)",
    );
    expect(line).not.toContain('\n');
    const debug = describeUnexpected(bug, true);
    expect(debug.split('\n')[0]).toBe(
      "internal error (TypeError): Cannot read properties of undefined (reading 'x')",
    );
    expect(debug).toContain('at ');
  });

  test('coded and system errors read as their message', () => {
    expect(describeUnexpected(new InputError('X_BAD', 'bad thing'), false)).toBe(
      'bad thing (X_BAD)',
    );
    const enospc = Object.assign(new Error('ENOSPC: no space left on device, write'), {
      code: 'ENOSPC',
    });
    expect(describeUnexpected(enospc, false)).toBe('ENOSPC: no space left on device, write');
  });

  test('--debug is taken anywhere on the line; a bug exits 3 with its one line', async () => {
    for (const argv of [['--debug', 'boom'], ['boom', '--debug'], ['boom']]) {
      const io = memoryIO();
      const code = await runProgram(argv, io, (program) => {
        program.command('boom').action(() => {
          throw bug;
        });
      });
      expect(code).toBe(3);
      const lines = io.err.trimEnd().split('\n');
      expect(lines[0]).toMatch(/^chaos: internal error \(TypeError\): Cannot read/);
      if (argv.includes('--debug')) expect(lines.length).toBeGreaterThan(1);
      else expect(lines).toHaveLength(1);
    }
  });
});
