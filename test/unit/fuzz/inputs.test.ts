/**
 * The fuzz contract on a few thousand cases per target (npm run fuzz runs 100,000 each): every
 * mutated or generated scenario, lab file, keepalived.conf and capture parses or throws a coded
 * error, and the CLI's output on some of them holds no stack trace. Timing is the fuzz script's
 * business, not an assertion here.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { STACK_FRAME, cliProblem, fuzz, uncoded } from '../../../bench/fuzz/runner';
import type { FuzzOptions } from '../../../bench/fuzz/runner';
import { caseRng } from '../../../bench/fuzz/rng';
import { loadSeeds } from '../../../bench/fuzz/seeds';
import {
  captureTarget,
  keepalivedTarget,
  labTarget,
  scenarioTarget,
} from '../../../bench/fuzz/targets';
import type { FuzzTarget } from '../../../bench/fuzz/targets';
import { ChaosError, InputError } from '../../../src/errors';

const ROOT = path.join(__dirname, '..', '..', '..');
const seeds = loadSeeds(ROOT);
let scratch: string;

beforeAll(() => {
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'chaos-fuzz-test-'));
});
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

function options(cases: number, cliEvery: number): FuzzOptions {
  let tick = 0;
  return { seed: 14, cases, cliEvery, scratch, now: () => tick++ };
}

describe('fuzzing the input parsers', () => {
  test.each([
    ['scenario', () => scenarioTarget(seeds), 2000, 100],
    ['lab', () => labTarget(seeds), 2000, 0],
    ['keepalived', () => keepalivedTarget(seeds), 3000, 100],
    ['capture', () => captureTarget(), 3000, 100],
  ] as const)(
    '%s: only coded errors, no stack trace from the CLI',
    async (_, make, cases, every) => {
      const target = make() as FuzzTarget<unknown>;
      const summary = await fuzz(target, options(cases, every));
      expect(summary.failures.map((f) => `#${f.index}: ${f.why.split('\n')[0]}`)).toEqual([]);
      expect(summary.cases).toBe(cases);
      expect(summary.cliCases).toBe(every > 0 ? cases / every : 0);
      // The mutations are near misses: some still parse, most do not.
      expect(summary.accepted).toBeGreaterThan(cases * 0.01);
      expect(summary.accepted).toBeLessThan(cases * 0.9);
    },
    120_000,
  );

  test('the same seed draws the same cases', () => {
    const target = keepalivedTarget(seeds);
    expect(target.draw(caseRng(7, 123))).toEqual(target.draw(caseRng(7, 123)));
    expect(target.draw(caseRng(7, 123))).not.toEqual(target.draw(caseRng(7, 124)));
  });
});

describe('the fuzz contract itself', () => {
  test('a coded error passes; an uncoded one, or a ChaosError without a code, is a failure', () => {
    expect(uncoded(new InputError('X_BAD', 'bad'))).toBeUndefined();
    expect(uncoded(new TypeError('x is undefined'))).toMatch(/^TypeError: x is undefined/);
    expect(uncoded(new ChaosError('', 'no code'))).toMatch(/^ChaosError/);
    expect(uncoded('a string')).toBe('non-error thrown: a string');
  });

  test('a parser that throws a plain Error is reported, with a reproducer on disk', async () => {
    const broken: FuzzTarget<string> = {
      name: 'lab',
      draw: (rng) => (rng.chance(0.5) ? 'ok' : 'boom'),
      run: (c) => {
        if (c === 'boom') throw new RangeError('Maximum call stack size exceeded');
        return true;
      },
      write: (c, dir) => {
        fs.mkdirSync(dir, { recursive: true });
        fs.writeFileSync(path.join(dir, 'case.txt'), c);
        return path.join(dir, 'case.txt');
      },
    };
    const reproducers = path.join(scratch, 'repro');
    const summary = await fuzz(broken, { ...options(40, 0), reproducers });
    expect(summary.failures.length).toBeGreaterThan(5);
    expect(summary.accepted + summary.failures.length).toBe(40);
    const first = summary.failures[0]!;
    expect(first.why).toMatch(/^RangeError: Maximum call stack size exceeded/);
    expect(fs.readFileSync(first.reproducer!, 'utf8')).toBe('boom');
    expect(summary.slowest.ms).toBeGreaterThan(0);
    expect(summary.slowest.retimedMs).toBeGreaterThan(0);
  });

  test('the CLI check passes input errors (exit 2, no stack)', async () => {
    const dir = fs.mkdtempSync(path.join(scratch, 'cli-'));
    expect(await cliProblem(['conf', 'check', dir])).toBeUndefined();
    expect(await cliProblem(['validate', path.join(dir, 'missing.yaml')])).toBeUndefined();
  });

  test('a stack frame is recognised in output; a diagnostic is not', () => {
    expect(STACK_FRAME.test('TypeError: x\n    at parse (/a/dist/src/b.js:10:5)\n')).toBe(true);
    expect(STACK_FRAME.test('Error: x\n    at /a/b.js:1:2\n')).toBe(true);
    expect(STACK_FRAME.test('/s/x.yaml:3:8: YAML: bad at line 3\n')).toBe(false);
  });
});
