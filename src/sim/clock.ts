import type { Clock } from '../clock';

/** A clock that only moves when told to: the simulator's and the tests'. */
export class VirtualClock implements Clock {
  private current: number;

  constructor(start = 0) {
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  /** Move to `t`; time never goes backwards. */
  set(t: number): void {
    if (t < this.current)
      throw new RangeError(`Virtual time cannot go back: ${t} < ${this.current}`);
    this.current = t;
  }

  advance(ms: number): void {
    this.set(this.current + ms);
  }
}
