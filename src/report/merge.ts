/**
 * Several reports -> one suite report, pure: the shards of a nightly matrix (`chaos run --shard
 * I/N`, each leaving its own run directory) merged by `chaos report SHARD_DIR... --out DIR`.
 *
 * Rules, checked before anything is merged:
 * - every report ran on the same driver with the same seed, else they are not one suite
 *   (REPORT_SHARD_MISMATCH);
 * - either none is a shard (plain run directories, merged in the order given), or all are
 *   shards of the same N (REPORT_SHARD_MISMATCH otherwise); the same shard twice, or the same
 *   scenario file in two reports, is REPORT_SHARD_OVERLAP;
 * - shards are merged in the shard rule's order (scenario files sorted by path, shard.ts), so
 *   the merged suite lists its scenarios as one unsharded run of the same directory does;
 * - a shard that is missing makes the merged report interrupted (it did not check everything,
 *   so it never passes) with the missing shards named; so is one that was itself interrupted.
 */
import { InputError } from '../errors';
import { countsOf, suiteRow } from './build';
import { REPORT_VERSION, type Environment, type Report } from './model';
import { byPath, type Shard } from './shard';

export const REPORT_MERGE_EMPTY = 'REPORT_MERGE_EMPTY';
export const REPORT_SHARD_OVERLAP = 'REPORT_SHARD_OVERLAP';
export const REPORT_SHARD_MISMATCH = 'REPORT_SHARD_MISMATCH';

export interface MergeInput {
  report: Report;
  /** The run directory (or file) it came from, for messages. */
  where: string;
}

const shardText = (s: Shard): string => `${s.index}/${s.total}`;

/** Same driver and seed everywhere. */
function checkOneSuite(inputs: readonly MergeInput[]): void {
  const [first, ...rest] = inputs;
  if (!first) return;
  for (const other of rest)
    for (const key of ['driver', 'seed'] as const)
      if (other.report.run[key] !== first.report.run[key])
        throw new InputError(
          REPORT_SHARD_MISMATCH,
          `${first.where} ran with ${key} ${String(first.report.run[key])} but ${other.where} with ${String(other.report.run[key])}: not one suite`,
        );
}

/**
 * The shard numbers missing from a complete set 1..N, or null when none of the inputs is a
 * shard. Throws when only some are shards, when the N differ, or when one shard comes twice.
 */
export function missingShards(inputs: readonly MergeInput[]): Shard[] | null {
  const shards = inputs.filter((i) => i.report.shard !== null);
  if (shards.length === 0) return null;
  const plain = inputs.find((i) => i.report.shard === null);
  if (plain)
    throw new InputError(
      REPORT_SHARD_MISMATCH,
      `${plain.where} is a whole run, ${shards[0]?.where ?? ''} a shard: merge shards with shards`,
    );
  const total = shards[0]?.report.shard?.total ?? 1;
  const seen = new Map<number, string>();
  for (const { report, where } of shards) {
    const shard = report.shard!;
    if (shard.total !== total)
      throw new InputError(
        REPORT_SHARD_MISMATCH,
        `${where} is shard ${shardText(shard)} but ${shards[0]?.where ?? ''} one of ${total}: not one suite`,
      );
    const other = seen.get(shard.index);
    if (other !== undefined)
      throw new InputError(
        REPORT_SHARD_OVERLAP,
        `shard ${shardText(shard)} is both ${other} and ${where}: the shards overlap`,
      );
    seen.set(shard.index, where);
  }
  const missing: Shard[] = [];
  for (let index = 1; index <= total; index++) if (!seen.has(index)) missing.push({ index, total });
  return missing;
}

function interruptionOf(inputs: readonly MergeInput[], missing: readonly Shard[]): string | null {
  const reasons = inputs
    .filter((i) => i.report.interrupted)
    .map((i) => `${i.where}: ${i.report.interruption ?? 'interrupted'}`);
  if (missing.length > 0)
    reasons.push(
      `${missing.length === 1 ? 'shard' : 'shards'} ${missing.map(shardText).join(', ')} missing: ${missing.length === 1 ? 'its' : 'their'} scenarios did not run`,
    );
  return reasons.length > 0 ? reasons.join('; ') : null;
}

/** The scenarios of all inputs, each file once; in the shard rule's order when sharded. */
function mergedScenarios(inputs: readonly MergeInput[], sharded: boolean): Report['scenarios'] {
  const seen = new Map<string, string>();
  const scenarios: Report['scenarios'] = [];
  for (const { report, where } of inputs)
    for (const sc of report.scenarios) {
      const other = seen.get(sc.file);
      if (other !== undefined)
        throw new InputError(
          REPORT_SHARD_OVERLAP,
          `scenario ${sc.file} is in both ${other} and ${where}: the shards overlap`,
        );
      seen.set(sc.file, where);
      scenarios.push(sc);
    }
  return sharded ? scenarios.sort((a, b) => byPath(a.file, b.file)) : scenarios;
}

/**
 * One whole run: returned as it is, with `generatedAt`. Several, or a lone shard (a suite whose
 * other shards are missing): merged by the rules above. Environment fields from the first
 * report that measured them; no baseline (the caller compares the merged report).
 */
export function mergeReports(
  inputs: readonly MergeInput[],
  generatedAt: string | null = null,
): Report {
  const first = inputs[0];
  if (!first) throw new InputError(REPORT_MERGE_EMPTY, 'no reports to merge');
  if (inputs.length === 1 && first.report.shard === null) return { ...first.report, generatedAt };
  checkOneSuite(inputs);
  const missing = missingShards(inputs);
  const scenarios = mergedScenarios(inputs, missing !== null);
  const interruption = interruptionOf(inputs, missing ?? []);
  const env = (k: keyof Environment): string | null =>
    inputs.map((r) => r.report.environment[k]).find((v) => v !== null) ?? null;
  return {
    version: REPORT_VERSION,
    generatedAt,
    interrupted: interruption !== null,
    interruption,
    shard: null,
    environment: {
      chaosVersion: env('chaosVersion'),
      dockerVersion: env('dockerVersion'),
      nodeVersion: env('nodeVersion'),
      platform: env('platform'),
      hostname: env('hostname'),
    },
    run: {
      driver: first.report.run.driver,
      seed: first.report.run.seed,
      passed: interruption === null && inputs.every((r) => r.report.run.passed),
      counts: countsOf(scenarios),
    },
    suite: scenarios.map(suiteRow),
    scenarios,
    baseline: null,
  };
}
