import { ChaosError, InputError } from '../errors';

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

export function exitCodeFor(error: unknown): ExitCode {
  if (error instanceof InputError) return EXIT.badInput;
  if (error instanceof ChaosError && error.code === 'EXPECTATION_FAILED') return EXIT.failed;
  return EXIT.infra;
}

export function describeError(error: unknown): string {
  if (error instanceof Error) {
    const cause = error.cause instanceof Error ? `\n  caused by: ${error.cause.message}` : '';
    return `${error.message}${cause}`;
  }
  return String(error);
}
