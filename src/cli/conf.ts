import type { Command } from 'commander';
import type { CommandContext } from './program';

/** `chaos conf check FILE [--json]` (filled in by the keepalived parser work). */
export function registerConfCommands(_program: Command, _ctx: CommandContext): void {}
