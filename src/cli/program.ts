import fs from 'node:fs';
import path from 'node:path';
import { Command, CommanderError } from 'commander';
import { EXIT, describeError, exitCodeFor } from './exit-codes';
import type { CliIO } from './io';
import type { CommandContext } from './context';
import { registerConfCommands } from './conf';
import { registerAnalyzeCommand } from './analyze';
import { registerExploreCommand } from './explore';
import { registerLabCommands } from './lab';
import { registerFaultCommands } from './fault';
import { registerReportCommand } from './report';
import { registerRunCommand } from './run';
import { registerValidateCommand } from './validate';

export type { CommandContext } from './context';

export function buildProgram(ctx: CommandContext): Command {
  const program = new Command();
  program
    .name('chaos')
    .description('Failure-injection harness for high-availability web tiers (VRRP / keepalived)')
    .version(readVersion())
    .exitOverride()
    .configureOutput({
      writeOut: (s) => ctx.io.stdout(s),
      writeErr: (s) => ctx.io.stderr(s),
    });
  registerConfCommands(program, ctx);
  registerAnalyzeCommand(program, ctx);
  registerLabCommands(program, ctx);
  registerExploreCommand(program, ctx);
  registerFaultCommands(program, ctx);
  registerReportCommand(program, ctx);
  registerRunCommand(program, ctx);
  registerValidateCommand(program, ctx);
  return program;
}

/** Run the CLI with argv (without node and script); resolves to the exit code. */
export async function runCli(argv: readonly string[], io: CliIO): Promise<number> {
  let code: number = EXIT.ok;
  const ctx: CommandContext = {
    io,
    setExit: (c) => {
      code = Math.max(code, c);
    },
  };
  const program = buildProgram(ctx);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return code;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version exit 0; usage errors are bad input.
      return error.exitCode === 0 ? EXIT.ok : EXIT.badInput;
    }
    io.stderr(`chaos: ${describeError(error)}\n`);
    return exitCodeFor(error);
  }
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
