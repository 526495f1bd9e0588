import type { Command } from 'commander';
import { analyzePcapFiles, followPcapFiles } from '../capture/analyze-files';
import { formatAnalysis, formatEvent } from '../capture/format';
import type { AnalysisResult, TimelineEvent } from '../capture/timeline';
import type { CommandContext } from './context';

interface AnalyzeFlags {
  json?: boolean;
  adverts?: boolean;
  follow?: boolean;
}

/** A warning on stderr for each capture that stopped inside its last record. */
function warnTruncated(result: AnalysisResult, ctx: CommandContext): void {
  for (const s of result.sources) {
    if (s.truncated !== null)
      ctx.log.warn(
        'analyze.truncated',
        `${s.truncated} (PCAP_TRUNCATED); the ${s.packets} records before it were analysed`,
        { path: s.path, packets: s.packets, code: 'PCAP_TRUNCATED' },
      );
  }
}

/** --follow: events as they happen until the input ends or Ctrl-C; then the analysis so far. */
async function follow(files: string[], flags: AnalyzeFlags, ctx: CommandContext) {
  const controller = new AbortController();
  const interrupt = (): void => controller.abort();
  process.once('SIGINT', interrupt);
  try {
    return await followPcapFiles(files, {
      adverts: flags.adverts === true,
      onEvent: (e: TimelineEvent) =>
        ctx.io.stdout(flags.json ? `${JSON.stringify(e)}\n` : `${formatEvent(e)}\n`),
      now: () => Date.now() / 1000,
      signal: controller.signal,
    });
  } finally {
    process.removeListener('SIGINT', interrupt);
  }
}

/**
 * `chaos analyze FILE... [--json [--adverts]] [--follow]`: the VRRP timeline of captures
 * (pcap or pcapng, plain or gzipped, `-` for standard input; several merge by time, copies of
 * a packet seen by several captures counted once). A missing or unreadable file is an
 * InputError, which runCli turns into exit 2; a capture cut inside its last record is
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
    .option('--json', 'print the analysis as JSON (a summary per VRID)')
    .option('--adverts', 'keep every advert: in --json, each VRID lists them all')
    .option(
      '--follow',
      'print each event as it happens (master, switchover, split brain, GARP burst), then the summary; e.g. tcpdump -U -w - vrrp or arp | chaos analyze --follow -',
    )
    .action(async (files: string[], flags: AnalyzeFlags) => {
      const result = flags.follow
        ? await follow(files, flags, ctx)
        : await analyzePcapFiles(files, { adverts: flags.adverts === true });
      warnTruncated(result, ctx);
      if (flags.follow && !flags.json) ctx.io.stdout('\n');
      ctx.io.stdout(flags.json ? `${JSON.stringify(result)}\n` : formatAnalysis(result));
    });
}
