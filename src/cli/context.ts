/** What every command is given: its input and output, and the way it sets the exit code. */
import type { CliIO } from './io';

/** A command sets the exit code through this; the program returns it. */
export interface CommandContext {
  io: CliIO;
  setExit(code: number): void;
}
