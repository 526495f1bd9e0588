/**
 * Runs a fuzz target's cases and checks the contract: a case either parses or throws a coded
 * error (a ChaosError with a `code`); anything else is a failure. Every `cliEvery`-th case also
 * goes through the CLI in-process (`runCli`), whose output must hold no stack trace and whose
 * exit code must not be 3 (an internal error). Times each case; the clock is injected.
 */
import fs from 'node:fs';
import path from 'node:path';
import { memoryIO } from '../../src/cli/io';
import { runCli } from '../../src/cli/program';
import { ChaosError } from '../../src/errors';
import { caseRng } from './rng';
import type { FuzzTarget } from './targets';

export interface FuzzFailure {
  index: number;
  /** What went wrong: the error's class and message, or the CLI output. */
  why: string;
  /** The case written to disk, when a directory for reproducers was given. */
  reproducer?: string;
}

export interface FuzzSummary {
  target: string;
  cases: number;
  /** Cases the parser accepted (valid input; for captures: at least one record read). */
  accepted: number;
  cliCases: number;
  ms: number;
  /**
   * The slowest case: its time in the run, and the best of three more runs of it alone
   * (`retimedMs`), which tells a slow input from a busy machine.
   */
  slowest: { index: number; ms: number; retimedMs?: number; reproducer?: string };
  failures: FuzzFailure[];
}

export interface FuzzOptions {
  seed: number;
  cases: number;
  /** Run every n-th case through the CLI too; 0: never. */
  cliEvery: number;
  /** Scratch directory for the CLI's input files. */
  scratch: string;
  /** Where reproducers go (failures and the slowest case); none when undefined. */
  reproducers?: string;
  now: () => number;
  onProgress?: (done: number, summary: FuzzSummary) => void;
}

/** The text of a stack frame line (`    at f (file.js:1:2)`): never in what the CLI prints. */
export const STACK_FRAME = /^\s+at .+(:\d+:\d+\)?|\(native\))$/m;

/** Why `error` breaks the contract, or undefined when it is a coded error. */
export function uncoded(error: unknown): string | undefined {
  if (error instanceof ChaosError && typeof error.code === 'string' && error.code.length > 0)
    return undefined;
  if (error instanceof Error) return `${error.name}: ${error.message}\n${error.stack ?? ''}`;
  return `non-error thrown: ${String(error)}`;
}

/** Why the CLI's run on `file` breaks the contract, or undefined. */
export async function cliProblem(argv: string[]): Promise<string | undefined> {
  const io = memoryIO();
  const code = await runCli(argv, io);
  const output = `${io.out}\n${io.err}`;
  if (STACK_FRAME.test(output))
    return `chaos ${argv.join(' ')} printed a stack trace:\n${output.slice(0, 2000)}`;
  if (code === 3) return `chaos ${argv.join(' ')} exited 3:\n${io.err.slice(0, 2000)}`;
  return undefined;
}

function save<C>(
  target: FuzzTarget<C>,
  c: C,
  dir: string | undefined,
  name: string,
): string | undefined {
  if (dir === undefined) return undefined;
  return target.write(c, path.join(dir, target.name, name));
}

function retime<C>(target: FuzzTarget<C>, c: C, now: () => number): number {
  let best = Infinity;
  for (let k = 0; k < 3; k++) {
    const t0 = now();
    try {
      target.run(c);
    } catch {
      // its outcome was checked in the run
    }
    best = Math.min(best, now() - t0);
  }
  return best;
}

export async function fuzz<C>(target: FuzzTarget<C>, opts: FuzzOptions): Promise<FuzzSummary> {
  const summary: FuzzSummary = {
    target: target.name,
    cases: 0,
    accepted: 0,
    cliCases: 0,
    ms: 0,
    slowest: { index: -1, ms: -1 },
    failures: [],
  };
  const started = opts.now();
  let slowestCase: C | undefined;
  for (let index = 0; index < opts.cases; index++) {
    let c: C;
    try {
      c = target.draw(caseRng(opts.seed, index));
    } catch (error) {
      throw new Error(`${target.name} case #${index}: the generator failed`, { cause: error });
    }
    const t0 = opts.now();
    let why: string | undefined;
    try {
      if (target.run(c)) summary.accepted++;
    } catch (error) {
      why = uncoded(error);
    }
    const ms = opts.now() - t0;
    if (ms > summary.slowest.ms) {
      summary.slowest = { index, ms };
      slowestCase = c;
    }
    if (why === undefined && target.cli && opts.cliEvery > 0 && index % opts.cliEvery === 0) {
      summary.cliCases++;
      const dir = path.join(opts.scratch, `${target.name}-${index}`);
      try {
        why = await cliProblem(target.cli(target.write(c, dir)));
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    }
    if (why !== undefined)
      summary.failures.push({
        index,
        why,
        reproducer: save(target, c, opts.reproducers, `failure-${index}`),
      });
    summary.cases++;
    if (opts.onProgress && (index + 1) % 10_000 === 0) {
      summary.ms = opts.now() - started;
      opts.onProgress(index + 1, summary);
    }
  }
  summary.ms = opts.now() - started;
  if (slowestCase !== undefined) summary.slowest.retimedMs = retime(target, slowestCase, opts.now);
  if (slowestCase !== undefined)
    summary.slowest.reproducer = save(
      target,
      slowestCase,
      opts.reproducers,
      `slowest-${summary.slowest.index}`,
    );
  return summary;
}
