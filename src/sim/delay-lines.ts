/**
 * Delays on the simulated LAN, as the Docker helper chaos-delayq holds packets: each packet on
 * a delayed line (a node's egress or ingress) is held for the latency plus a seeded uniform
 * 0..jitter, then let go; with no jitter they leave in arrival order. Changing or healing a
 * line lets go of everything it holds at once, in arrival order (the helper accepts every held
 * packet when it stops), so nothing is lost.
 */
import type { VirtualClock } from './clock';
import type { SeededRng } from './rng';
import type { SimQueue } from './sim-event';

export type LineDirection = 'out' | 'in';

interface Line {
  ms: number;
  jitterMs: number;
  /** What each held packet does when let go, in arrival order. */
  held: Set<() => void>;
}

export class DelayLines {
  private readonly lines = new Map<string, Line>();

  constructor(
    private readonly clock: VirtualClock,
    private readonly rng: SeededRng,
    private readonly queue: SimQueue,
  ) {}

  /** Delay `node`'s packets in `dir` by `ms` plus up to `jitterMs`; 0 and 0 heal. */
  set(node: string, dir: LineDirection, ms: number, jitterMs: number): void {
    const key = `${node} ${dir}`;
    this.letGo(key);
    if (ms > 0 || jitterMs > 0) this.lines.set(key, { ms, jitterMs, held: new Set() });
  }

  /** Every line healed, what they hold let go. */
  clear(): void {
    for (const key of [...this.lines.keys()]) this.letGo(key);
  }

  /** Is `node`'s line in `dir` delayed? */
  has(node: string, dir: LineDirection): boolean {
    return this.lines.has(`${node} ${dir}`);
  }

  /**
   * Hold a packet on `node`'s line in `dir`: `release` runs when its time comes (or when the
   * line is healed). False when the line has no delay: the caller goes on at once.
   */
  hold(node: string, dir: LineDirection, release: () => void): boolean {
    const line = this.lines.get(`${node} ${dir}`);
    if (!line) return false;
    const extra = line.jitterMs > 0 ? this.rng.next() * line.jitterMs : 0;
    const entry = (): void => release();
    line.held.add(entry);
    this.queue.push(this.clock.now() + line.ms + extra, {
      kind: 'action',
      run: () => {
        if (line.held.delete(entry)) release();
      },
    });
    return true;
  }

  private letGo(key: string): void {
    const line = this.lines.get(key);
    if (!line) return;
    this.lines.delete(key);
    const held = [...line.held];
    line.held.clear();
    for (const release of held) release();
  }
}
