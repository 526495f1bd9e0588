/**
 * The one command line of the prober program (src/prober, in the prober image): GETs of a URL
 * at an interval, each with a timeout, for a bounded time, one JSON line per probe into a file.
 * The scenarios' Docker driver and the benches start it in the prober node.
 */

/** The prober program inside the images. */
export const PROBER_MAIN = '/opt/chaos/dist/src/prober/main.js';

export interface ProberOptions {
  url: string;
  intervalMs: number;
  timeoutMs: number;
  /** It stops by itself after this long. */
  durationS: number;
  /** The JSONL file, inside the node. */
  out: string;
  /** `-q`: no summary on stderr. */
  quiet?: boolean;
  /** Where its stderr goes (appended), inside the node: the command then runs under `sh -c`. */
  logFile?: string;
}

/** The argv of the prober: node itself, or `sh -c` around it when there is a log file. */
export function proberCommand(options: ProberOptions): string[] {
  const { url, intervalMs, timeoutMs, durationS, out, quiet, logFile } = options;
  const flags = (quoted: string): string[] => [
    '--url',
    quoted,
    '--interval-ms',
    String(intervalMs),
    '--timeout-ms',
    String(timeoutMs),
    '--duration-s',
    String(durationS),
    '--out',
    out,
    ...(quiet ? ['-q'] : []),
  ];
  if (logFile === undefined) return ['node', PROBER_MAIN, ...flags(url)];
  return ['sh', '-c', `exec node ${PROBER_MAIN} ${flags(`'${url}'`).join(' ')} 2>>${logFile}`];
}
