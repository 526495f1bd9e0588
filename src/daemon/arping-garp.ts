/**
 * Gratuitous ARPs through iputils arping, where the native helper is not built: single-shot
 * arpings armed ahead of time (ArmedCommand in processes.ts), spawned when none is armed.
 */
import type { VipConfig } from '../vrrp/config';
import type { GarpSender } from './ports';
import { ArmedCommand } from './processes';
import { runFile } from './run-file';

/**
 * Gratuitous ARPs with iputils `arping -U` (unsolicited: sender and target are the VIP).
 *
 * keepalived sends its burst back to back (garp_interval 0). iputils arping cannot: `-i 0` sends
 * one packet only and every run lingers a second waiting for replies (measured with iputils
 * 20221126). So a burst of `count` is `count` single-shot arpings run together. They are armed
 * ahead of time (`prepare`, and again after each burst): firing one is a pipe write and an exec,
 * so the first GARP leaves about 1.3 ms after the VIP is in place instead of 3.5 ms or more. A
 * burst larger than what is armed spawns the rest. arping -U binds the VIP as its source, so it
 * refuses (exit 2) rather than announce an address this node does not hold.
 */
export class ArpingGarp implements GarpSender {
  /** Per `device address`: the arpings armed for it and how many a burst needs. */
  private readonly pools = new Map<string, ArpingPool>();
  private refill: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    private readonly arping = 'arping',
    /** How long after a burst the spent arpings are replaced (off the takeover's path). */
    private readonly rearmDelayMs = 100,
  ) {}

  prepare(vips: readonly VipConfig[], iface: string, count: number): void {
    for (const v of vips) {
      const pool = this.pool(v, iface);
      pool.wanted = Math.max(pool.wanted, count);
    }
    this.fill();
  }

  async send(vips: readonly VipConfig[], iface: string, count: number): Promise<void> {
    const ready: ArmedCommand[] = [];
    const spawned: (readonly string[])[] = [];
    for (const v of vips) {
      const pool = this.pool(v, iface);
      pool.armed = pool.armed.filter((a) => a.ready);
      const take = pool.armed.splice(0, count);
      ready.push(...take);
      for (let i = take.length; i < count; i++) spawned.push(pool.args);
    }
    // Armed ones first (pipe writes), then the spawns, which block the event loop for each one.
    const runs = ready.map((a) => a.fire());
    runs.push(...spawned.map((args) => runFile(this.arping, args, 5_000).then(() => undefined)));
    this.scheduleFill();
    await Promise.all(runs);
  }

  close(): void {
    this.closed = true;
    if (this.refill) clearTimeout(this.refill);
    for (const pool of this.pools.values()) for (const a of pool.armed) a.disarm();
    this.pools.clear();
  }

  private pool(v: VipConfig, iface: string): ArpingPool {
    const device = v.device ?? iface;
    const key = `${device} ${v.address}`;
    let pool = this.pools.get(key);
    if (!pool) {
      pool = {
        args: ['-q', '-U', '-c', '1', '-w', '1', '-I', device, v.address],
        wanted: 0,
        armed: [],
      };
      this.pools.set(key, pool);
    }
    return pool;
  }

  private scheduleFill(): void {
    if (this.closed || this.refill) return;
    this.refill = setTimeout(() => {
      this.refill = undefined;
      this.fill();
    }, this.rearmDelayMs);
  }

  /**
   * Arm what is missing, one process per turn of the event loop (each spawn blocks it). When a
   * spawn fails (no pid: EAGAIN, EMFILE...) it stops and tries again after the re-arm delay; a
   * burst meanwhile spawns what it needs (and reports the failure).
   */
  private fill(): void {
    if (this.closed) return;
    for (const pool of this.pools.values()) {
      pool.armed = pool.armed.filter((a) => a.ready);
      if (pool.armed.length < pool.wanted) {
        let armed: ArmedCommand | undefined;
        try {
          armed = new ArmedCommand(this.arping, pool.args);
        } catch {
          armed = undefined;
        }
        if (!armed?.ready) {
          this.scheduleFill();
          return;
        }
        pool.armed.push(armed);
        setImmediate(() => this.fill());
        return;
      }
    }
  }
}

interface ArpingPool {
  readonly args: readonly string[];
  wanted: number;
  armed: ArmedCommand[];
}
