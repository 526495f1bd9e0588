/**
 * The prober's command line (parsing only; no I/O).
 *   --url URL --interval-ms 20 --timeout-ms 200 --duration-s N --out FILE.jsonl
 */
import { Command } from 'commander';
import { InputError } from '../errors';

export interface ProberArgs {
  url: URL;
  intervalMs: number;
  timeoutMs: number;
  /** 0 = until SIGTERM. */
  durationS: number;
  /** `-` = stdout. */
  out: string;
  quiet: boolean;
}

function num(name: string, raw: string, min: number, max: number, integer: boolean): number {
  const v = Number(raw);
  if (
    raw.trim() === '' ||
    !Number.isFinite(v) ||
    v < min ||
    v > max ||
    (integer && !Number.isInteger(v))
  )
    throw new InputError(
      'PROBER_BAD_ARG',
      `${name} ${JSON.stringify(raw)} is not ${integer ? 'an integer' : 'a number'} in [${min}, ${max}]`,
    );
  return v;
}

export function parseProberArgs(argv: readonly string[]): ProberArgs {
  const program = new Command()
    .name('chaos-prober')
    .description('Request a URL at a fixed rate and record every answer as JSON lines')
    .requiredOption('--url <url>', 'http:// URL to request (the VIP)')
    .option('--interval-ms <ms>', 'time between request starts', '20')
    .option('--timeout-ms <ms>', 'bound on one request', '200')
    .option('--duration-s <s>', 'how long to run; 0 = until SIGTERM', '0')
    .option('--out <file>', 'JSON-lines output (appended); - = stdout', '-')
    .option('-q, --quiet', 'no summary on stderr at the end')
    .exitOverride()
    .configureOutput({ writeErr: () => undefined, writeOut: () => undefined });
  try {
    program.parse([...argv], { from: 'user' });
  } catch (error) {
    throw new InputError('PROBER_BAD_ARG', (error as Error).message, { cause: error });
  }
  const o = program.opts<{
    url: string;
    intervalMs: string;
    timeoutMs: string;
    durationS: string;
    out: string;
    quiet?: boolean;
  }>();
  let url: URL;
  try {
    url = new URL(o.url);
  } catch (error) {
    throw new InputError('PROBER_BAD_ARG', `--url ${JSON.stringify(o.url)} is not a URL`, {
      cause: error,
    });
  }
  if (url.protocol !== 'http:')
    throw new InputError('PROBER_BAD_ARG', `--url ${o.url}: only http:// is supported`);
  return {
    url,
    intervalMs: num('--interval-ms', o.intervalMs, 1, 3_600_000, false),
    timeoutMs: num('--timeout-ms', o.timeoutMs, 1, 3_600_000, false),
    durationS: num('--duration-s', o.durationS, 0, 31_536_000, false),
    out: o.out,
    quiet: o.quiet === true,
  };
}
