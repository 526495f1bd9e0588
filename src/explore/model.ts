/**
 * explore.json: what a `chaos explore` run found, versioned; schema/explore.schema.json is
 * `exploreJsonSchema()` (a unit test keeps them equal). Deterministic: the same options give
 * the same document, byte for byte (no wall-clock figures in it). Pure.
 */
import { z } from 'zod';
import type { ExploreBase } from './input';
import type { ExploreOutcome, Finding } from './explore';
import { INVARIANTS } from './invariants';

export const EXPLORE_VERSION = 1;

export const scheduledFaultSchema = z.object({
  kind: z.string(),
  /** Targets and options as the scenario file writes them. */
  input: z.record(z.string(), z.unknown()),
  atMs: z.number(),
  forMs: z.number(),
});

export const exploreViolationSchema = z.object({
  invariant: z.enum(INVARIANTS),
  /** The scenario that replays it, relative to the output folder. */
  file: z.string(),
  run: z.int(),
  runSeed: z.int(),
  /** ms since the lab came up. */
  atMs: z.number(),
  boundMs: z.number(),
  observed: z.string(),
  /** The minimal schedule (ms from the steady state). */
  faults: z.array(scheduledFaultSchema),
  originalFaults: z.int(),
  shrinkRuns: z.int(),
});

export const exploreSchema = z.object({
  version: z.literal(EXPLORE_VERSION),
  file: z.string(),
  seed: z.int(),
  runs: z.int(),
  horizonMs: z.number(),
  maxFaults: z.int(),
  jitterMs: z.number(),
  faults: z.array(z.string()),
  skipped: z.array(z.object({ kind: z.string(), reason: z.string() })),
  invariants: z.array(z.enum(INVARIANTS)),
  bounds: z.object({
    masterDownMs: z.number(),
    advertMs: z.number(),
    settleMs: z.number(),
    preemptDelayMs: z.number(),
    recoverMs: z.number(),
  }),
  counts: z.object({
    runs: z.int(),
    errored: z.int(),
    violatingRuns: z.int(),
    byInvariant: z.record(z.string(), z.int()),
    byFault: z.record(z.string(), z.object({ runs: z.int(), violating: z.int() })),
  }),
  violations: z.array(exploreViolationSchema),
});
export type ExploreDocument = z.infer<typeof exploreSchema>;

export interface ExploreSettings {
  seed: number;
  runs: number;
  horizonMs: number;
  maxFaults: number;
  jitterMs: number;
  invariants: readonly (typeof INVARIANTS)[number][];
}

/** Where a finding's scenario goes, relative to the output folder. */
export const findingFile = (f: Finding): string => `violations/${f.invariant}-${f.n}.yaml`;

export function exploreDocument(
  base: ExploreBase,
  settings: ExploreSettings,
  out: ExploreOutcome,
): ExploreDocument {
  const { masterDownMs, advertMs, settleMs, preemptDelayMs, recoverMs } = base.bounds;
  return {
    version: EXPLORE_VERSION,
    file: base.file,
    seed: settings.seed,
    runs: settings.runs,
    horizonMs: settings.horizonMs,
    maxFaults: settings.maxFaults,
    jitterMs: settings.jitterMs,
    faults: out.faults,
    skipped: out.skipped,
    invariants: [...settings.invariants],
    bounds: { masterDownMs, advertMs, settleMs, preemptDelayMs, recoverMs },
    counts: {
      runs: out.runs,
      errored: out.errored,
      violatingRuns: out.violatingRuns,
      byInvariant: out.byInvariant,
      byFault: out.byFault,
    },
    violations: out.findings.map((f) => ({
      invariant: f.invariant,
      file: findingFile(f),
      run: f.run,
      runSeed: f.runSeed,
      atMs: f.violation.atMs,
      boundMs: f.violation.boundMs,
      observed: f.violation.observed,
      faults: f.schedule.faults,
      originalFaults: f.original.faults.length,
      shrinkRuns: f.shrinkRuns,
    })),
  };
}

/** The JSON Schema of explore.json (committed as schema/explore.schema.json). */
export function exploreJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(exploreSchema, { target: 'draft-2020-12' }),
    $id: 'https://chaos.invalid/schema/explore.schema.json',
    title: 'chaos explore result',
  };
}
