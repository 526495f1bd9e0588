/**
 * The part of the CLI every command set shares: the program's name, version and output, and
 * running it with exit codes decided here. program.ts runs it with every command; main.ts runs
 * `chaos analyze` with that command alone, so reading a capture does not first load the Docker
 * and MySQL clients the other commands need (0.2 s of a 0.3 s analysis of 300k packets).
 */
import fs from 'node:fs';
import path from 'node:path';
import { Command, CommanderError } from 'commander';
import { EXIT, describeError, exitCodeFor } from './exit-codes';
import type { CliIO } from './io';
import type { CommandContext } from './context';
import { createLogger, parseLogFormat, type LogFormat } from './logger';

export type RegisterCommands = (program: Command, ctx: CommandContext) => void;

export function newProgram(ctx: CommandContext): Command {
  const program = new Command();
  return program
    .name('chaos')
    .description('Failure-injection harness for high-availability web tiers (VRRP / keepalived)')
    .version(readVersion())
    .option(
      '--log-format <format>',
      'stderr progress as text lines or one JSON object per line (json)',
      parseLogFormat,
      'text',
    )
    .exitOverride()
    .configureOutput({
      writeOut: (s) => ctx.io.stdout(s),
      writeErr: (s) => ctx.io.stderr(s),
    });
}

/** Run a program with the given commands on argv (without node and script); the exit code. */
export async function runProgram(
  argv: readonly string[],
  io: CliIO,
  register: RegisterCommands,
  now: () => Date = () => new Date(),
): Promise<number> {
  let code: number = EXIT.ok;
  // Text until the options are parsed (a usage error is reported by commander in text).
  let format: LogFormat = 'text';
  const ctx: CommandContext = {
    io,
    log: createLogger({ write: (t) => io.stderr(t), format: () => format, now }),
    setExit: (c) => {
      code = Math.max(code, c);
    },
  };
  const program = newProgram(ctx);
  program.hook('preAction', (root) => {
    format = root.opts<{ logFormat: LogFormat }>().logFormat;
  });
  register(program, ctx);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return code;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version exit 0; usage errors are bad input.
      return error.exitCode === 0 ? EXIT.ok : EXIT.badInput;
    }
    const exitCode = exitCodeFor(error);
    ctx.log.error('error', describeError(error), { code: errorCode(error), exitCode });
    return exitCode;
  }
}

/** A ChaosError's code (or a Node error's), for the JSON log; null when it has none. */
function errorCode(error: unknown): string | null {
  if (typeof error !== 'object' || error === null || !('code' in error)) return null;
  return typeof error.code === 'string' ? error.code : null;
}

function readVersion(): string {
  // src/cli under ts-jest, dist/src/cli when built: walk up to the package root.
  let dir = __dirname;
  for (let i = 0; i < 5; i++) {
    const file = path.join(dir, 'package.json');
    if (fs.existsSync(file))
      return (JSON.parse(fs.readFileSync(file, 'utf8')) as { version: string }).version;
    dir = path.dirname(dir);
  }
  return '0.0.0';
}
