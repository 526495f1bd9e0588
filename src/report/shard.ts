/**
 * `--shard I/N`: which scenario files shard I of N runs, pure and deterministic.
 *
 * The rule: sort the files by their path (plain code-unit order, the same on every machine),
 * then deal them round-robin: the k-th file (0-based) goes to shard (k mod N) + 1. Every file
 * lands in exactly one shard, shard sizes differ by at most one, and the split depends only on
 * the set of files (not on the order they were given). Adding a file can move others to
 * another shard; that is fine for a nightly matrix, which re-splits every night.
 */
import type { z } from 'zod';
import { InputError } from '../errors';
import type { shardSchema } from './model';

export const BAD_SHARD = 'BAD_SHARD';

/** `index` is 1-based. */
export type Shard = z.infer<typeof shardSchema>;

/** The shard rule's order: plain code-unit order of the paths. */
export const byPath = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** `I/N` with 1 <= I <= N. */
export function parseShard(text: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  const index = Number(m?.[1]);
  const total = Number(m?.[2]);
  if (!m || total < 1 || index < 1 || index > total)
    throw new InputError(
      BAD_SHARD,
      `--shard ${JSON.stringify(text)}: expected I/N with 1 <= I <= N, e.g. 2/4`,
    );
  return { index, total };
}

export function shardScenarios(files: readonly string[], index: number, total: number): string[] {
  if (
    !Number.isInteger(total) ||
    total < 1 ||
    !Number.isInteger(index) ||
    index < 1 ||
    index > total
  )
    throw new InputError(BAD_SHARD, `shard ${index}/${total}: expected 1 <= I <= N`);
  const sorted = [...new Set(files)].sort(byPath);
  return sorted.filter((_, k) => k % total === index - 1);
}
