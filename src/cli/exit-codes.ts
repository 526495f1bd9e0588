import { InputError } from '../errors';
import type { RunResult } from '../run/result';

/** The only place where errors become exit codes. */
export const EXIT = {
  ok: 0,
  /** An expectation or objective failed. */
  failed: 1,
  /** Bad input: a config, scenario, pcap or argument. */
  badInput: 2,
  /** Lab or infrastructure failure (Docker, files we could not write, bugs). */
  infra: 3,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** A thrown error's exit code: bad input 2, anything else (lab, Docker, a bug) 3. */
export function exitCodeFor(error: unknown): ExitCode {
  if (error instanceof InputError) return EXIT.badInput;
  return EXIT.infra;
}

/** A suite's exit code: 3 when a scenario errored, 1 when one failed or a figure regressed. */
export function exitCodeForSuite(run: RunResult, regressions: number): ExitCode {
  if (run.counts.error > 0) return EXIT.infra;
  if (run.counts.failed > 0 || regressions > 0) return EXIT.failed;
  return EXIT.ok;
}

export function describeError(error: unknown): string {
  if (error instanceof Error) {
    const cause = error.cause instanceof Error ? `\n  caused by: ${error.cause.message}` : '';
    return `${error.message}${cause}`;
  }
  return String(error);
}
