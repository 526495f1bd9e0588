import type { Command } from 'commander';
import { analyzePcapFiles } from '../capture/analyze-files';
import { formatAnalysis } from '../capture/format';
import type { AnalysisResult } from '../capture/timeline';
import type { CommandContext } from './context';

/** A warning on stderr for each capture that stopped inside its last record. */
function warnTruncated(result: AnalysisResult, ctx: CommandContext): void {
  for (const s of result.sources) {
    if (s.truncated !== null)
      ctx.io.stderr(
        `chaos: warning: ${s.truncated} (PCAP_TRUNCATED); the ${s.packets} records before it were analysed\n`,
      );
  }
}

/**
 * `chaos analyze FILE... [--json]`: the VRRP timeline of one or more captures (merged by time,
 * copies of a packet seen by several captures counted once). A missing or unreadable file is
 * an InputError, which runCli turns into exit 2; a capture cut inside its last record is
 * analysed up to there, with a warning.
 */
export function registerAnalyzeCommand(program: Command, ctx: CommandContext): void {
  program
    .command('analyze')
    .description(
      'VRRP timeline of captures: adverts, switchovers and gaps, split brain, gratuitous ARPs',
    )
    .argument(
      '<files...>',
      'pcap or pcapng files, plain or gzipped, or - for standard input; several are merged',
    )
    .option('--json', 'print the analysis as JSON')
    .action(async (files: string[], options: { json?: boolean }) => {
      const result = await analyzePcapFiles(files);
      warnTruncated(result, ctx);
      ctx.io.stdout(options.json ? `${JSON.stringify(result)}\n` : formatAnalysis(result));
    });
}
