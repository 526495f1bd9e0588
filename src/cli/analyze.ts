import type { Command } from 'commander';
import { analyzePcapFiles } from '../capture/analyze-files';
import { formatAnalysis } from '../capture/format';
import type { CommandContext } from './context';

/**
 * `chaos analyze FILE.pcap... [--json]`: the VRRP timeline of one or more captures (merged
 * by time, copies of a packet seen by several captures counted once). A missing, non-pcap or
 * truncated file is an InputError, which runCli turns into exit 2.
 */
export function registerAnalyzeCommand(program: Command, ctx: CommandContext): void {
  program
    .command('analyze')
    .description(
      'VRRP timeline of pcap captures: adverts, switchovers and gaps, split brain, gratuitous ARPs',
    )
    .argument('<files...>', 'pcap files (Ethernet, Linux cooked or raw IP); several are merged')
    .option('--json', 'print the analysis as JSON')
    .action(async (files: string[], options: { json?: boolean }) => {
      const result = await analyzePcapFiles(files);
      ctx.io.stdout(options.json ? `${JSON.stringify(result)}\n` : formatAnalysis(result));
    });
}
