/**
 * The daemon's I/O edges on Linux: timers, VIPs with iproute2, gratuitous ARP with iputils
 * arping, scripts with /bin/sh, the link state from /sys, and the JSON-lines event log.
 */
import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { VipConfig } from '../vrrp/config';
import type {
  DaemonEvent,
  EventSink,
  GarpSender,
  LinkMonitor,
  Scheduler,
  ScriptResult,
  ScriptRunner,
  TimerHandle,
  VipManager,
} from './ports';

/**
 * Timers on the wall clock with sub-millisecond precision. Node's setTimeout has a 1 ms
 * granularity and fires 1-2 ms late, and every millisecond adds to a switchover gap (the
 * Master_Down timer) where keepalived is within 0.3 ms of the RFC bound. So a timer sleeps with
 * setTimeout until SPIN_MS before its deadline, then yields with setImmediate (I/O still runs)
 * until the deadline has passed: at most SPIN_MS of polling per timer, a few per second.
 */
export class SystemScheduler implements Scheduler {
  static readonly SPIN_MS = 2;

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

function run(file: string, args: readonly string[], timeoutMs = 5000): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(file, args as string[], { timeout: timeoutMs }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${file} ${args.join(' ')}: ${stderr.trim() || error.message}`));
      else resolve(stdout);
    });
  });
}

/** VIPs with `ip addr add|del ADDRESS/PREFIX dev IF` (keepalived's default prefix is /32). */
export class IprouteVips implements VipManager {
  constructor(private readonly ip = 'ip') {}

  async add(vips: readonly VipConfig[], iface: string): Promise<void> {
    for (const v of vips) {
      try {
        await run(this.ip, [
          'addr',
          'add',
          `${v.address}/${v.prefixLength}`,
          'dev',
          v.device ?? iface,
        ]);
      } catch (error) {
        if (!/File exists/.test((error as Error).message)) throw error;
      }
    }
  }

  async remove(vips: readonly VipConfig[], iface: string): Promise<void> {
    for (const v of vips) {
      try {
        await run(this.ip, [
          'addr',
          'del',
          `${v.address}/${v.prefixLength}`,
          'dev',
          v.device ?? iface,
        ]);
      } catch (error) {
        if (!/Cannot assign requested address|not found/i.test((error as Error).message))
          throw error;
      }
    }
  }

  async present(vips: readonly VipConfig[], iface: string): Promise<VipConfig[]> {
    const out = await run(this.ip, ['-4', '-o', 'addr', 'show', 'dev', iface]);
    const have = new Set([...out.matchAll(/inet (\d+\.\d+\.\d+\.\d+)\//g)].map((m) => m[1]));
    return vips.filter((v) => have.has(v.address));
  }
}

/** Gratuitous ARPs with iputils `arping -U` (unsolicited: sender and target are the VIP). */
export class ArpingGarp implements GarpSender {
  constructor(private readonly arping = 'arping') {}

  /**
   * keepalived sends its burst back to back (garp_interval 0). iputils arping cannot: `-i 0`
   * sends one packet only and every run lingers a second waiting for replies (measured with
   * iputils 20221126). So the burst is `count` single-shot arpings started together: the
   * packets leave within a few milliseconds, and the lingering happens in the background.
   */
  async send(vips: readonly VipConfig[], iface: string, count: number): Promise<void> {
    await Promise.all(
      vips.flatMap((v) =>
        Array.from({ length: count }, () =>
          run(
            this.arping,
            ['-q', '-U', '-c', '1', '-w', '1', '-I', v.device ?? iface, v.address],
            5_000,
          ),
        ),
      ),
    );
  }
}

/** Track and notify scripts through /bin/sh, as keepalived runs them. */
export class ChildProcessScripts implements ScriptRunner {
  run(command: string, timeoutMs: number): Promise<ScriptResult> {
    const started = performance.now();
    return new Promise((resolve) => {
      const child = spawn('/bin/sh', ['-c', command], { stdio: 'ignore' });
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 2000).unref();
      }, timeoutMs);
      const done = (exitCode: number | null) => {
        clearTimeout(timer);
        resolve({
          ok: !timedOut && exitCode === 0,
          exitCode,
          timedOut,
          durationMs: performance.now() - started,
        });
      };
      child.on('error', () => done(null));
      child.on('exit', (code) => done(code));
    });
  }

  spawnDetached(command: string, args: readonly string[]): void {
    const quoted = [command, ...args.map((a) => `'${a.replace(/'/g, `'\\''`)}'`)].join(' ');
    const child = spawn('/bin/sh', ['-c', quoted], { stdio: 'ignore', detached: true });
    child.on('error', () => undefined);
    child.unref();
  }
}

/** Polls /sys/class/net/IF/operstate (and the IFF_UP flag): cheap and works in any netns. */
export class SysfsLinkMonitor implements LinkMonitor {
  private up: boolean;
  private readonly handlers: ((up: boolean) => void)[] = [];
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly iface: string,
    intervalMs = 50,
  ) {
    this.up = this.read();
    this.timer = setInterval(() => {
      const now = this.read();
      if (now !== this.up) {
        this.up = now;
        for (const h of this.handlers) h(now);
      }
    }, intervalMs);
  }

  private read(): boolean {
    try {
      const flags = parseInt(fs.readFileSync(`/sys/class/net/${this.iface}/flags`, 'utf8'), 16);
      const oper = fs.readFileSync(`/sys/class/net/${this.iface}/operstate`, 'utf8').trim();
      return (flags & 1) === 1 && oper !== 'down' && oper !== 'lowerlayerdown';
    } catch {
      return false;
    }
  }

  onChange(handler: (up: boolean) => void): void {
    this.handlers.push(handler);
  }

  isUp(): boolean {
    return this.up;
  }

  close(): void {
    clearInterval(this.timer);
  }
}

/** One JSON object per line, appended synchronously so that nothing is lost on a kill. */
export class JsonlEventLog implements EventSink {
  private readonly fd: number | undefined;

  constructor(
    file: string | undefined,
    private readonly base: Record<string, unknown>,
    private readonly clock: () => number,
    private readonly echo?: (line: string) => void,
  ) {
    this.fd = file ? fs.openSync(file, 'a') : undefined;
  }

  write(event: DaemonEvent): void {
    const t = this.clock();
    const line =
      JSON.stringify({ ts: new Date(t).toISOString(), t, ...this.base, ...event }) + '\n';
    if (this.fd !== undefined) fs.writeSync(this.fd, line);
    this.echo?.(line);
  }
}

/** One instance in the daemon's state file. */
export interface InstanceStatus {
  name: string;
  vrid: number;
  state: string;
  priority: number;
  /** The VIPs this instance holds (all of its VIPs when MASTER, none otherwise). */
  vips: string[];
}

/**
 * The daemon's current state as one JSON file, replaced atomically (write + rename) whenever it
 * changes: what `vrrp-status` in the lab images reads. Problems writing it are reported once
 * through `onError` and never stop the daemon.
 */
export class StateFile {
  private last = '';
  private failed = false;

  constructor(
    private readonly file: string,
    private readonly onError: (message: string) => void,
  ) {
    try {
      fs.mkdirSync(path.dirname(file), { recursive: true });
    } catch {
      // Reported by the first write.
    }
  }

  update(instances: readonly InstanceStatus[], now: number): void {
    const body = JSON.stringify({ pid: process.pid, instances });
    if (body === this.last) return;
    this.last = body;
    const tmp = `${this.file}.${process.pid}.tmp`;
    try {
      fs.writeFileSync(tmp, `${JSON.stringify({ pid: process.pid, updatedAt: now, instances })}\n`);
      fs.renameSync(tmp, this.file);
    } catch (error) {
      if (!this.failed) this.onError(`state file ${this.file}: ${(error as Error).message}`);
      this.failed = true;
    }
  }

  remove(): void {
    fs.rmSync(this.file, { force: true });
  }
}
