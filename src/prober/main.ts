#!/usr/bin/env node
/**
 * chaos prober (runs in the prober container on Node 18):
 *   node dist/src/prober/main.js --url http://VIP/ --interval-ms 20 --timeout-ms 200 \
 *     --duration-s N --out prober.jsonl
 * One JSON line per request, written synchronously as each answer completes (nothing is lost
 * on a kill). SIGTERM/SIGINT: no new requests, wait for those in flight (at most timeout-ms),
 * exit 0. Exit codes: 0 done, 2 bad arguments, 3 cannot write the output.
 */
import fs from 'node:fs';
import { performance } from 'node:perf_hooks';
import { InputError } from '../errors';
import { parseProberArgs } from './args';
import { httpProbe } from './http-probe';
import { ProbeLoop, type ProbeClock } from './loop';
import { formatRecord } from './record';

/** Wall-clock epoch ms that never goes backwards during the run. */
export const systemClock: ProbeClock = {
  now: () => performance.timeOrigin + performance.now(),
  at(atMs, fn) {
    const handle = setTimeout(fn, Math.max(0, atMs - systemClock.now()));
    return () => clearTimeout(handle);
  },
};

async function main(argv: string[]): Promise<number> {
  const args = parseProberArgs(argv);
  const fd = args.out === '-' ? 1 : fs.openSync(args.out, 'a');
  const loop = new ProbeLoop({
    clock: systemClock,
    probe: httpProbe({ url: args.url, timeoutMs: args.timeoutMs, now: () => systemClock.now() }),
    sink: (record) => fs.writeSync(fd, formatRecord(record)),
    intervalMs: args.intervalMs,
    durationMs: args.durationS * 1000,
  });
  const onSignal = () => void loop.stop();
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
  const summary = await loop.run();
  if (fd !== 1) fs.closeSync(fd);
  if (!args.quiet)
    process.stderr.write(
      `prober: ${summary.requests} requests, ${summary.ok} ok, ${summary.failed} failed, ` +
        `${summary.skippedSlots} slots skipped, served by ${JSON.stringify(summary.servedBy)}\n`,
    );
  return 0;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`prober: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(error instanceof InputError ? 2 : 3);
    },
  );
}
