/** What every command is given: its input and output, its logger, and the way it sets the exit code. */
import type { CliIO } from './io';
import type { Logger } from './logger';

/** A command sets the exit code through this; the program returns it. */
export interface CommandContext {
  io: CliIO;
  /** Progress, warnings and errors (stderr, in the --log-format). */
  log: Logger;
  setExit(code: number): void;
}
