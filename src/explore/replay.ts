/**
 * replay.json: what `chaos explore --replay DIR` saw when it ran every finding of an explore
 * folder again on a driver (Docker, to confirm what the simulator found; or the simulator, to
 * check that the files replay). Per finding: reproduced (its scenario failed: the check that the
 * finding wrote where the invariant broke, or its objectives, failed there too), not reproduced
 * (everything held: on Docker, a finding about the simulator, not about the design), refused
 * (the driver cannot run one of its faults) or error (the run broke). Pure; the CLI runs the
 * files and writes this.
 */
import { z } from 'zod';
import type { ScenarioResult } from '../run/result';
import { DRIVER_NAMES } from '../scenario/schema';
import { INVARIANTS } from './invariants';
import type { ExploreDocument } from './model';

export const REPLAY_VERSION = 1;

export const REPLAY_VERDICTS = ['reproduced', 'not-reproduced', 'refused', 'error'] as const;
export type ReplayVerdict = (typeof REPLAY_VERDICTS)[number];

export const replayEntrySchema = z.object({
  file: z.string(),
  invariant: z.enum(INVARIANTS),
  verdict: z.enum(REPLAY_VERDICTS),
  /** What the simulator saw when exploring (explore.json's `observed`). */
  simulator: z.string(),
  /** What this driver's run saw: the failed checks, or why it did not run. */
  observed: z.string(),
  /** The run's figures, for the table. */
  switchovers: z.int(),
  splitBrainSeconds: z.number(),
  downtimeSeconds: z.number(),
  /** Where the run's evidence is, relative to the explore folder (null: none written). */
  runDir: z.string().nullable(),
});
export type ReplayEntry = z.infer<typeof replayEntrySchema>;

export const replaySchema = z.object({
  version: z.literal(REPLAY_VERSION),
  driver: z.enum(DRIVER_NAMES),
  /** The explore run replayed (explore.json's file and seed). */
  explored: z.object({ file: z.string(), seed: z.int(), runs: z.int() }),
  counts: z.record(z.enum(REPLAY_VERDICTS), z.int()),
  findings: z.array(replayEntrySchema),
});
export type ReplayDocument = z.infer<typeof replaySchema>;

/** Why a run that failed failed: its failed expectations, errors and objectives, in words. */
function failures(r: ScenarioResult): string[] {
  const out = r.expectations.filter((e) => !e.passed).map((e) => e.message);
  for (const s of r.steps)
    if (s.outcome === 'error' && s.message) out.push(`${s.description}: ${s.message}`);
  for (const c of r.slo?.checks ?? []) if (!c.passed) out.push(c.message);
  if (out.length === 0 && r.notice) out.push(r.notice);
  return out;
}

/** One finding's verdict from its run (undefined: the suite never ran it). */
export function replayVerdict(result: ScenarioResult | undefined): {
  verdict: ReplayVerdict;
  observed: string;
} {
  if (!result) return { verdict: 'error', observed: 'the replay did not run this file' };
  switch (result.status) {
    case 'failed':
      return { verdict: 'reproduced', observed: failures(result).join('; ') };
    case 'passed':
      return {
        verdict: 'not-reproduced',
        observed: 'every check held: the invariant did not break on this driver',
      };
    case 'skipped':
      return { verdict: 'refused', observed: result.notice ?? 'refused by the driver' };
    case 'error':
      return { verdict: 'error', observed: failures(result).join('; ') || 'the run errored' };
  }
}

/**
 * The replay document: each of explore.json's findings with the run of its file (by the file's
 * path relative to the explore folder) and where that run's evidence went.
 */
export function replayDocument(
  explored: ExploreDocument,
  driver: ReplayDocument['driver'],
  runs: ReadonlyMap<string, { result: ScenarioResult | undefined; runDir: string | null }>,
): ReplayDocument {
  const counts = Object.fromEntries(REPLAY_VERDICTS.map((v) => [v, 0])) as Record<
    ReplayVerdict,
    number
  >;
  const findings = explored.violations.map((v): ReplayEntry => {
    const run = runs.get(v.file);
    const { verdict, observed } = replayVerdict(run?.result);
    counts[verdict] += 1;
    const r = run?.result;
    return {
      file: v.file,
      invariant: v.invariant,
      verdict,
      simulator: v.observed,
      observed,
      switchovers: r?.switchovers.length ?? 0,
      splitBrainSeconds: (r?.splitBrain ?? []).reduce((sum, b) => sum + b.durationSeconds, 0),
      downtimeSeconds: r?.downtimeSeconds ?? 0,
      runDir: run?.runDir ?? null,
    };
  });
  return {
    version: REPLAY_VERSION,
    driver,
    explored: { file: explored.file, seed: explored.seed, runs: explored.runs },
    counts,
    findings,
  };
}

const VERDICT_WORDS: Record<ReplayVerdict, string> = {
  reproduced: 'reproduced',
  'not-reproduced': 'NOT reproduced',
  refused: 'refused',
  error: 'error',
};

/** replay.md: the table, and what a finding the driver did not reproduce means. */
export function replayMarkdown(doc: ReplayDocument): string {
  const c = doc.counts;
  const lines = [
    `# chaos explore --replay on ${doc.driver}: ${doc.explored.file}`,
    '',
    `${doc.findings.length} finding(s) of seed ${doc.explored.seed} (${doc.explored.runs} runs): ${c.reproduced} reproduced, ${c['not-reproduced']} not reproduced, ${c.refused} refused, ${c.error} errors.`,
    '',
    '| finding | verdict | switchovers | split brain | client downtime | simulator saw | this run saw |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    ...doc.findings.map((f) =>
      [
        '',
        f.runDir ? `[${f.file}](${f.runDir})` : f.file,
        VERDICT_WORDS[f.verdict],
        String(f.switchovers),
        `${f.splitBrainSeconds.toFixed(3)} s`,
        `${f.downtimeSeconds.toFixed(3)} s`,
        f.simulator.replace(/\|/g, '\\|'),
        f.observed.replace(/\|/g, '\\|'),
        '',
      ]
        .join(' | ')
        .trim(),
    ),
    '',
  ];
  if (doc.driver === 'docker' && c['not-reproduced'] > 0)
    lines.push(
      `${c['not-reproduced']} finding(s) the simulator made did not happen on Docker: those are findings about the simulator (a model that differs from the real nodes: the client, the timers' phase, a race), not about the design. Each run's evidence is in its folder.`,
      '',
    );
  return `${lines.join('\n')}\n`;
}
