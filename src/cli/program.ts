import type { Command } from 'commander';
import type { CliIO } from './io';
import type { CommandContext } from './context';
import { newProgram, runProgram } from './cli-core';
import { registerConfCommands } from './conf';
import { registerAnalyzeCommand } from './analyze';
import { registerExploreCommand } from './explore';
import { registerLabCommands } from './lab';
import { registerFaultCommands } from './fault';
import { registerInitCommand } from './init';
import { registerReportCommand } from './report';
import { registerRunCommand } from './run';
import { registerValidateCommand } from './validate';

export type { CommandContext } from './context';

function registerAll(program: Command, ctx: CommandContext): void {
  registerConfCommands(program, ctx);
  registerAnalyzeCommand(program, ctx);
  registerLabCommands(program, ctx);
  registerExploreCommand(program, ctx);
  registerFaultCommands(program, ctx);
  registerInitCommand(program, ctx);
  registerReportCommand(program, ctx);
  registerRunCommand(program, ctx);
  registerValidateCommand(program, ctx);
}

export function buildProgram(ctx: CommandContext): Command {
  const program = newProgram(ctx);
  registerAll(program, ctx);
  return program;
}

/**
 * Run the CLI with argv (without node and script); resolves to the exit code. `name`: what
 * usage and help call it (the bin name it was invoked by, cli-core.ts `invokedName`).
 */
export function runCli(argv: readonly string[], io: CliIO, name?: string): Promise<number> {
  return runProgram(argv, io, registerAll, name);
}
