/**
 * The daemon's clock and timers: the wall clock with sub-millisecond precision (performance),
 * timers that sleep with setTimeout and spin the last milliseconds with setImmediate.
 */
import { performance } from 'node:perf_hooks';
import type { Scheduler, TimerHandle } from './ports';

/**
 * Timers on the wall clock with sub-millisecond precision. Node's setTimeout has a 1 ms
 * granularity and fires 1-2 ms late, and every millisecond adds to a switchover gap (the
 * Master_Down timer) where keepalived is within 0.3 ms of the RFC bound. So a timer sleeps with
 * setTimeout until SPIN_MS before its deadline, then yields with setImmediate (I/O still runs)
 * until the deadline has passed: at most SPIN_MS of polling per timer, a few per second. 2 ms was
 * not enough on a loaded 2-core host (bench:failover runs a prober and tcpdumps beside the
 * daemons): the setTimeout itself woke after the deadline; the state event's timerLateMs shows it.
 */
export class SystemScheduler implements Scheduler {
  static readonly SPIN_MS = 4;

  now(): number {
    return performance.timeOrigin + performance.now();
  }

  at(time: number, fn: () => void): TimerHandle {
    let cancelled = false;
    let timeout: NodeJS.Timeout | undefined;
    let immediate: NodeJS.Immediate | undefined;
    const poll = (): void => {
      timeout = undefined;
      immediate = undefined;
      if (cancelled) return;
      const remaining = time - this.now();
      if (remaining <= 0) fn();
      else if (remaining > SystemScheduler.SPIN_MS)
        timeout = setTimeout(poll, remaining - SystemScheduler.SPIN_MS);
      else immediate = setImmediate(poll);
    };
    // Never synchronously: the caller registers the handle after at() returns.
    const first = time - this.now();
    if (first > SystemScheduler.SPIN_MS)
      timeout = setTimeout(poll, first - SystemScheduler.SPIN_MS);
    else immediate = setImmediate(poll);
    return {
      cancel: () => {
        cancelled = true;
        if (timeout) clearTimeout(timeout);
        if (immediate) clearImmediate(immediate);
      },
    };
  }
}
