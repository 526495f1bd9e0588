/**
 * `chaos explore FILE --driver docker --duration D [--seed S] [--horizon H] [--max-faults K]
 * [--faults a,b] [--invariants a,b] [--out DIR] [--json]`: the soak (src/drivers/docker/soak.ts)
 * on the real lab; writes DIR/soak.json, soak.md, soak.html and each piece's evidence
 * (default DIR: runs/<UTC time>-soak). Exit 1 when chaos-vrrpd's memory grew more than 10 % an
 * hour, an invariant broke or the audit found something; 2 bad input; 3 when a piece errored or
 * the soak was interrupted (SIGINT heals and tears down). A progress line on a terminal.
 */
import fs from 'node:fs';
import path from 'node:path';
import { ChaosError, INTERRUPTED } from '../errors';
import { soakHtml } from '../explore/soak-html';
import {
  at,
  soakDocument,
  soakMarkdown,
  verdictLine,
  type SoakDocument,
} from '../explore/soak-model';
import type { ExploreBase } from '../explore/input';
import { runSoak, type SoakOptions, type SoakProgress } from '../drivers/docker/soak';
import { writeFileAtomic } from '../report/run-directory';
import type { CommandContext } from './context';
import { EXIT } from './exit-codes';
import { interruptOnSignals, type SignalSource } from './run';

/** The soak's options as the command gives them (DIR optional, --json). */
export type SoakCliOptions = Pick<
  SoakOptions,
  'seed' | 'durationMs' | 'horizonMs' | 'maxFaults' | 'faults' | 'invariants'
> & { out?: string; json?: boolean };

/** `[#####-------]  1m30s/30m  4 faults  0 violations`, rewritten in place. */
export function soakProgressLine(p: SoakProgress, width = 24): string {
  const share = p.durationMs > 0 ? Math.min(1, p.elapsedMs / p.durationMs) : 1;
  const filled = Math.floor(share * width);
  const bar = `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}]`;
  const s = (n: number, w: string): string => `${n} ${w}${n === 1 ? '' : 's'}`;
  return `\r${bar}  ${at(Math.floor(p.elapsedMs / 1000) * 1000)}/${at(p.durationMs)}  ${s(p.faultsApplied, 'fault')} applied  ${s(p.violations, 'violation')}`;
}

const stamp = (d: Date): string =>
  d
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');

export async function soakAction(
  ctx: CommandContext,
  base: ExploreBase,
  o: SoakCliOptions,
  signals: SignalSource = process,
): Promise<SoakDocument> {
  const out = o.out ?? path.join('runs', `${stamp(new Date())}-soak`);
  fs.mkdirSync(out, { recursive: true });
  // A progress line only for a person at a terminal reading text logs.
  const display = ctx.io.isTTY && ctx.log.format() === 'text';
  const interrupt = interruptOnSignals(ctx, signals);
  let input;
  try {
    input = await runSoak({
      base,
      seed: o.seed,
      durationMs: o.durationMs,
      horizonMs: o.horizonMs,
      maxFaults: o.maxFaults,
      faults: o.faults,
      invariants: o.invariants,
      out,
      signal: interrupt.signal,
      log: (line) => {
        if (display) ctx.io.stderr('\r\x1b[K'); // over the progress line
        ctx.log.info('explore.soak.progress', line);
      },
      onProgress: (p) => {
        if (display) ctx.io.stderr(soakProgressLine(p));
      },
    });
  } finally {
    interrupt.release();
  }
  if (display) ctx.io.stderr('\n');
  const doc = soakDocument(input);
  const json = `${JSON.stringify(doc, null, 2)}\n`;
  writeFileAtomic(path.join(out, 'soak.json'), json);
  writeFileAtomic(path.join(out, 'soak.md'), soakMarkdown(doc));
  writeFileAtomic(path.join(out, 'soak.html'), soakHtml(doc));
  if (doc.interrupted !== null)
    throw new ChaosError(
      INTERRUPTED,
      `interrupted by ${doc.interrupted}: faults healed, lab torn down, what was seen in ${out}`,
    );
  if (o.json) ctx.io.stdout(json);
  else
    ctx.io.stdout(
      `soak ${verdictLine(doc)}; ${doc.faultsApplied} faults, ${doc.violations.length} violations, ${doc.audit.length} audit findings; ${path.join(out, 'soak.md')}\n` +
        doc.daemons
          .map(
            (d) =>
              `  ${d.node} ${d.impl}: ${d.growthPerHour === null ? 'n/a' : `${(d.growthPerHour * 100).toFixed(2)} %/h`}, ${d.samples} samples\n`,
          )
          .join(''),
    );
  ctx.setExit(
    doc.verdict.erroredPieces > 0 ? EXIT.infra : doc.verdict.passed ? EXIT.ok : EXIT.failed,
  );
  return doc;
}
