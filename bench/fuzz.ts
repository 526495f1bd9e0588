/**
 * Grammar-aware fuzzing of chaos's input parsers: scenario YAML, lab YAML, keepalived.conf (with
 * includes) and captures (classic pcap and pcapng), mutated from the shipped files or generated
 * (bench/fuzz/).
 *
 *   npm run fuzz -- [--seed N] [--cases N] [--target scenario|lab|keepalived|capture]
 *                   [--cli-every N] [--out DIR]
 *
 * The contract: every case parses or throws a coded error (a ChaosError with a `code`); each
 * finishes in under 1 s; every `--cli-every`-th case (default 50) also runs through the CLI
 * in-process (`chaos validate`, `chaos conf check`, `chaos analyze --json`), whose output holds
 * no stack trace and whose exit code is not 3. Prints progress every 10,000 cases, then per
 * target: cases, cases per second, the slowest case (its time in the run and the best of three
 * runs of it alone: the 1 s limit is judged on that, since a busy machine makes any case slow
 * once), and every failure, each with a reproducer written under `--out` (default fuzz-out/), as
 * is the slowest case. Exit 1 on any failure or a case of 1 s or more.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fuzz } from './fuzz/runner';
import type { FuzzSummary } from './fuzz/runner';
import { loadSeeds } from './fuzz/seeds';
import { allTargets } from './fuzz/targets';

const LIMIT_MS = 1000;

interface Args {
  seed: number;
  cases: number;
  target?: string;
  cliEvery: number;
  out: string;
}

function parseArgs(argv: readonly string[]): Args {
  const args: Args = { seed: 1, cases: 100_000, cliEvery: 50, out: 'fuzz-out' };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const v = argv[i + 1];
    if (a === '--seed') args.seed = Number(v);
    else if (a === '--cases') args.cases = Number(v);
    else if (a === '--target') args.target = v;
    else if (a === '--cli-every') args.cliEvery = Number(v);
    else if (a === '--out') args.out = v ?? args.out;
    else
      throw new Error(
        `unknown argument ${a}: use --seed N --cases N --target T --cli-every N --out DIR`,
      );
    i++;
  }
  if (!Number.isInteger(args.seed) || !(args.cases > 0) || !(args.cliEvery >= 0))
    throw new Error('--seed must be an integer, --cases positive, --cli-every at least 0');
  return args;
}

function line(s: FuzzSummary): string {
  const perSecond = Math.round(s.cases / (s.ms / 1000));
  return (
    `${s.target.padEnd(10)} ${String(s.cases).padStart(7)} cases (${s.accepted} valid, ${s.cliCases} through the CLI) ` +
    `in ${(s.ms / 1000).toFixed(1)} s, ${perSecond}/s; slowest #${s.slowest.index} ` +
    `${s.slowest.ms.toFixed(1)} ms (alone: ${s.slowest.retimedMs?.toFixed(1) ?? '-'} ms, ` +
    `${s.slowest.reproducer ?? '-'}); failures ${s.failures.length}`
  );
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  const root = path.resolve(__dirname, '..', '..');
  const targets = allTargets(loadSeeds(root)).filter((t) => !args.target || t.name === args.target);
  if (targets.length === 0) throw new Error(`no target ${args.target}`);
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'chaos-fuzz-'));
  const out = path.resolve(args.out);
  console.log(`fuzz: seed ${args.seed}, ${args.cases} cases per target, reproducers in ${out}`);
  const summaries: FuzzSummary[] = [];
  try {
    for (const target of targets) {
      summaries.push(
        await fuzz(target, {
          seed: args.seed,
          cases: args.cases,
          cliEvery: args.cliEvery,
          scratch,
          reproducers: out,
          now: () => performance.now(),
          onProgress: (done, s) =>
            console.log(
              `  ${target.name}: ${done}/${args.cases}, ${s.failures.length} failures, slowest ${s.slowest.ms.toFixed(1)} ms`,
            ),
        }),
      );
    }
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
  console.log('\nsummary');
  for (const s of summaries) console.log(`  ${line(s)}`);
  let bad = 0;
  for (const s of summaries) {
    // One example per kind of failure (its first line), with how many cases had it.
    const kinds = new Map<string, { count: number; first: FuzzSummary['failures'][number] }>();
    for (const f of s.failures) {
      const kind = f.why.split('\n')[0] ?? f.why;
      const seen = kinds.get(kind);
      if (seen) seen.count++;
      else kinds.set(kind, { count: 1, first: f });
    }
    for (const { count, first } of kinds.values()) {
      const why = first.why.split('\n').slice(0, 6).join('\n');
      console.log(
        `\n${s.target}: ${count} cases, e.g. #${first.index} (${first.reproducer ?? '-'}):\n${why}`,
      );
    }
    bad += s.failures.length;
    // Judged on the case alone: a busy machine makes any case slow once.
    const alone = s.slowest.retimedMs ?? s.slowest.ms;
    if (alone >= LIMIT_MS) {
      console.log(
        `\n${s.target}: case #${s.slowest.index} takes ${alone.toFixed(0)} ms alone (limit ${LIMIT_MS} ms)`,
      );
      bad++;
    }
  }
  return bad > 0 ? 1 : 0;
}

main().then(
  (code) => (process.exitCode = code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exitCode = 2;
  },
);
