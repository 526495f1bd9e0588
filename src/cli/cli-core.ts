/**
 * The part of the CLI every command set shares: the program's name, version and output, and
 * running it with exit codes decided here. program.ts runs it with every command; main.ts runs
 * `chaos analyze` with that command alone, so reading a capture does not first load the Docker
 * and MySQL clients the other commands need (0.2 s of a 0.3 s analysis of 300k packets).
 */
import fs from 'node:fs';
import path from 'node:path';
import { Command, CommanderError } from 'commander';
import { ChaosError } from '../errors';
import { EXIT, describeError, exitCodeFor } from './exit-codes';
import type { CliIO } from './io';
import type { CommandContext } from './context';
import { createLogger, parseLogFormat, type LogFormat } from './logger';

export type RegisterCommands = (program: Command, ctx: CommandContext) => void;

/**
 * The names package.json `bin` installs the CLI under: `chaos` (the product's name), and
 * `vrrp-chaos`, for machines where Chaos Toolkit's own `chaos` command comes first on PATH.
 */
export const CLI_NAMES = ['chaos', 'vrrp-chaos'] as const;
export const DEFAULT_CLI_NAME = 'chaos';

/**
 * The name the CLI was invoked by, from the script path (process.argv[1]: npm's bin symlink
 * keeps its own name): one of CLI_NAMES, else `chaos` (`node dist/src/cli/main.js`, or a
 * launcher that calls main.js by its path).
 */
export function invokedName(script: string | undefined): string {
  const base = path.basename(script ?? '').replace(/\.[cm]?js$/, '');
  return (CLI_NAMES as readonly string[]).includes(base) ? base : DEFAULT_CLI_NAME;
}

/** The program; `name` is what usage, help and errors call it. */
export function newProgram(ctx: CommandContext, name: string = DEFAULT_CLI_NAME): Command {
  const program = new Command();
  return program
    .name(name)
    .description('Failure-injection harness for high-availability web tiers (VRRP / keepalived)')
    .version(readVersion())
    .option('--debug', 'on an unexpected error (a bug), print its stack too')
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
  name: string = DEFAULT_CLI_NAME,
  now: () => Date = () => new Date(),
): Promise<number> {
  let code: number = EXIT.ok;
  // Text until the options are parsed (a usage error is reported by commander in text).
  let format: LogFormat = 'text';
  const ctx: CommandContext = {
    io,
    log: createLogger({ write: (t) => io.stderr(t), format: () => format, now, name }),
    setExit: (c) => {
      code = Math.max(code, c);
    },
  };
  const program = newProgram(ctx, name);
  program.hook('preAction', (root) => {
    format = root.opts<{ logFormat: LogFormat }>().logFormat;
  });
  register(program, ctx);
  // --debug anywhere on the line, before or after the command.
  const debug = argv.includes('--debug');
  try {
    await program.parseAsync(
      argv.filter((a) => a !== '--debug'),
      { from: 'user' },
    );
    return code;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version exit 0; usage errors are bad input.
      return error.exitCode === 0 ? EXIT.ok : EXIT.badInput;
    }
    const exitCode = exitCodeFor(error);
    ctx.log.error('error', describeUnexpected(error, debug), { code: errorCode(error), exitCode });
    return exitCode;
  }
}

/** A ChaosError's code (or a Node error's), for the JSON log; null when it has none. */
function errorCode(error: unknown): string | null {
  if (typeof error !== 'object' || error === null || !('code' in error)) return null;
  return typeof error.code === 'string' ? error.code : null;
}

/**
 * One line for an error: a ChaosError's message names its code, a system error (ENOSPC, EACCES,
 * ECONNREFUSED...) its own; anything else is a bug, named by its class, with its stack only
 * under --debug.
 */
export function describeUnexpected(error: unknown, debug: boolean): string {
  const system = error instanceof Error && typeof (error as { code?: unknown }).code === 'string';
  if (error instanceof ChaosError || system || !(error instanceof Error))
    return describeError(error);
  const line = `internal error (${error.name}): ${describeError(error)}`;
  if (debug && error.stack) return `${line}\n${error.stack}`;
  return `${line} (--debug prints its stack)`;
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
