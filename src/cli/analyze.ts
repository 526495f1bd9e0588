import type { Command } from 'commander';
import type { CommandContext } from './program';

/** `chaos analyze FILE.pcap... [--json]` (filled in by the capture analysis work). */
export function registerAnalyzeCommand(_program: Command, _ctx: CommandContext): void {}
