/**
 * The simulator's seeded PRNG (src/sim/rng.ts, mulberry32) with what generators need on top, so
 * every fuzz case reproduces from (seed, case number). The capture tests' generator
 * (test/unit/capture/builders.ts re-exports it) and `npm run fuzz`.
 */
import { SeededRng } from '../../src/sim/rng';

export class Rng extends SeededRng {
  bytes(n: number): Uint8Array {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) out[i] = this.int(0, 255);
    return out;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(0, items.length - 1)]!;
  }
}

/** The generator of case `index` of a run seeded `seed`: each case reproduces on its own. */
export function caseRng(seed: number, index: number): Rng {
  return new Rng((Math.imul(seed >>> 0, 0x9e3779b1) ^ Math.imul(index + 1, 0x85ebca6b)) >>> 0);
}
