/**
 * Real nodes race where the simulator is exact: a seeded jitter added to every router timer and
 * to every packet copy's arrival, up to `maxMs` (uniform). Its own random stream, so the
 * simulator's other draws (loss, delay) stay as they are; with `maxMs` 0 it draws nothing and
 * a run is byte for byte what it was without it.
 */
import { SeededRng } from './rng';

/** Mixed into the seed so the jitter's stream differs from the simulator's main one. */
const JITTER_STREAM = 0x7177e5;

export class Jitter {
  private readonly rng: SeededRng;

  constructor(
    seed: number,
    readonly maxMs: number,
  ) {
    this.rng = new SeededRng(seed ^ JITTER_STREAM);
  }

  /** A delay in [0, maxMs) ms; 0 (no draw) when jitter is off. */
  draw(): number {
    return this.maxMs > 0 ? this.rng.next() * this.maxMs : 0;
  }
}
