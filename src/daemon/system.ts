/**
 * The daemon's I/O edges on Linux: timers, VIPs and gratuitous ARPs through the native helper
 * (netlink and a packet socket, as keepalived) or, where it is not built, iproute2 and iputils
 * arping, scripts with /bin/sh, the link state from /sys, and the JSON-lines event log.
 */
import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { gratuitousArpFrame } from '../capture/frame-builders';
import type { VipConfig } from '../vrrp/config';
import { ArmedCommand, IpBatch } from './processes';
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

function run(file: string, args: readonly string[], timeoutMs = 5000): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(file, args as string[], { timeout: timeoutMs }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${file} ${args.join(' ')}: ${stderr.trim() || error.message}`));
      else resolve(stdout);
    });
  });
}

/**
 * The VIPs of `vips` on the interface, from `ip -4 -o addr show dev IF` (run once at start).
 * Unlike os.networkInterfaces(), it lists the addresses of an interface that is down.
 */
export async function vipsOnInterface(
  vips: readonly VipConfig[],
  iface: string,
  ip: readonly string[] = ['ip'],
): Promise<VipConfig[]> {
  const [file = 'ip', ...prefix] = ip;
  const out = await run(file, [...prefix, '-4', '-o', 'addr', 'show', 'dev', iface]);
  const have = new Set([...out.matchAll(/inet (\d+\.\d+\.\d+\.\d+)\//g)].map((m) => m[1]));
  return vips.filter((v) => have.has(v.address));
}

/**
 * VIPs with `ip addr add|del ADDRESS/PREFIX dev IF` (keepalived's default prefix is /32), through
 * one resident `ip -batch` so that a takeover does not wait for a spawn (see processes.ts).
 */
export class IprouteVips implements VipManager {
  private readonly batch: IpBatch;

  constructor(private readonly ip: readonly string[] = ['ip']) {
    this.batch = new IpBatch(ip);
    // One harmless command at start: ip answers, and the daemon's side of the batch is compiled
    // before the first takeover needs it (see InstanceRunner.warmUp).
    this.batch.run(['link', 'show', 'dev', 'lo']).catch(() => undefined);
  }

  async add(vips: readonly VipConfig[], iface: string): Promise<void> {
    for (const v of vips) {
      try {
        await this.change('add', v, iface);
      } catch (error) {
        if (!/File exists|already assigned/i.test((error as Error).message)) throw error;
      }
    }
  }

  async remove(vips: readonly VipConfig[], iface: string): Promise<void> {
    for (const v of vips) {
      try {
        await this.change('del', v, iface);
      } catch (error) {
        if (!/Cannot assign requested address|not found/i.test((error as Error).message))
          throw error;
      }
    }
  }

  present(vips: readonly VipConfig[], iface: string): Promise<VipConfig[]> {
    return vipsOnInterface(vips, iface, this.ip);
  }

  /**
   * One `addr add|del`. iproute2 caches interface indexes for the life of the process, so when
   * the device is not found (re-created with a new index) ip is restarted and asked once more.
   */
  private async change(op: 'add' | 'del', v: VipConfig, iface: string): Promise<void> {
    const args = ['addr', op, `${v.address}/${v.prefixLength}`, 'dev', v.device ?? iface];
    try {
      await this.batch.run(args);
    } catch (error) {
      if (!/Cannot find device/.test((error as Error).message)) throw error;
      this.batch.restart();
      await this.batch.run(args);
    }
  }

  close(): void {
    this.batch.close();
  }
}

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
    runs.push(...spawned.map((args) => run(this.arping, args, 5_000).then(() => undefined)));
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

/** chaos-vrrpd's native helper (docker/web/native/vrrpd_native.c): the kernel calls of a takeover. */
export interface VrrpdNative {
  /** RTM_NEWADDR, as `ip addr add ADDRESS/PREFIX dev IF`; throws with code EEXIST if present. */
  addAddress(ifindex: number, address: string, prefixLength: number): void;
  /** RTM_DELADDR; throws with code EADDRNOTAVAIL if absent. */
  deleteAddress(ifindex: number, address: string, prefixLength: number): void;
  /** One whole Ethernet frame on the interface (AF_PACKET); returns the bytes sent. */
  sendFrame(ifindex: number, frame: Buffer): number;
  /** A send-only raw IPv4 socket (the caller writes the header) bound to the interface. */
  openIp(iface: string): number;
  /** One whole IPv4 datagram to `dst` on a socket from openIp; returns the bytes sent. */
  sendIp(fd: number, dst: string, datagram: Buffer): number;
  closeIp(fd: number): void;
}

/** Where the web image puts the helper: /opt/chaos/native/ beside /opt/chaos/dist/. */
export const VRRPD_NATIVE_ADDON = path.resolve(__dirname, '../../../native/vrrpd_native.node');

/** Loads the native helper, or says why it cannot. */
export function loadVrrpdNative(
  file = process.env.CHAOS_VRRPD_NATIVE ?? VRRPD_NATIVE_ADDON,
): VrrpdNative | Error {
  try {
    const mod = createRequire(__filename)(file) as Partial<VrrpdNative>;
    const functions = [
      'addAddress',
      'deleteAddress',
      'sendFrame',
      'openIp',
      'sendIp',
      'closeIp',
    ] as const;
    const missing = functions.filter((f) => typeof mod[f] !== 'function');
    if (missing.length > 0) return new Error(`${file} lacks ${missing.join(', ')}`);
    return mod as VrrpdNative;
  } catch (error) {
    return error instanceof Error ? error : new Error(String(error));
  }
}

/**
 * Adverts through the helper's raw IPv4 socket, sent during the call. raw-socket queues a send
 * until the next turn of the event loop (it waits for the socket to be writable), which put
 * 0.3 ms between a takeover's decision and its first advert (the event log's times).
 */
export class NativeIpSender {
  private readonly fd: number;

  constructor(
    private readonly native: Pick<VrrpdNative, 'openIp' | 'sendIp' | 'closeIp'>,
    iface: string,
  ) {
    this.fd = native.openIp(iface);
  }

  send(dst: string, datagram: Uint8Array): void {
    this.native.sendIp(
      this.fd,
      dst,
      Buffer.from(datagram.buffer, datagram.byteOffset, datagram.byteLength),
    );
  }

  close(): void {
    this.native.closeIp(this.fd);
  }
}

/**
 * Interfaces' index and MAC from /sys, read once per interface (the reads sat on the takeover's
 * path); forget() after an error, so that a re-created interface is read again.
 */
export class SysfsLinks {
  private readonly cache = new Map<string, { ifindex: number; mac: string }>();

  constructor(private readonly sysfs = '/sys/class/net') {}

  get(device: string): { ifindex: number; mac: string } {
    let link = this.cache.get(device);
    if (!link) {
      const read = (name: string) =>
        fs.readFileSync(path.join(this.sysfs, device, name), 'utf8').trim();
      link = { ifindex: Number(read('ifindex')), mac: read('address') };
      this.cache.set(device, link);
    }
    return link;
  }

  forget(device: string): void {
    this.cache.delete(device);
  }

  /**
   * `fn` with the device's link. When it fails with ENODEV or ENXIO, the interface was
   * re-created under a new index: the link is read again and `fn` tried once more.
   */
  use<T>(device: string, fn: (link: { ifindex: number; mac: string }) => T): T {
    try {
      return fn(this.get(device));
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      if (code !== 'ENODEV' && code !== 'ENXIO') throw error;
      this.forget(device);
      return fn(this.get(device));
    }
  }
}

/**
 * VIPs through netlink from the daemon itself, as keepalived adds them: the same request
 * `ip addr add VIP/32 dev eth0` makes (local = address, global scope), in microseconds and with
 * no process to wake between the takeover's advert and its gratuitous ARPs.
 */
export class NetlinkVips implements VipManager {
  constructor(
    private readonly native: Pick<VrrpdNative, 'addAddress' | 'deleteAddress'>,
    private readonly links = new SysfsLinks(),
    /** The VIPs present on the interface (at start, for the cleanup's event). */
    private readonly list: (
      vips: readonly VipConfig[],
      iface: string,
    ) => Promise<VipConfig[]> = vipsOnInterface,
  ) {}

  add(vips: readonly VipConfig[], iface: string): Promise<void> {
    return this.each(vips, iface, 'EEXIST', (ifindex, v) =>
      this.native.addAddress(ifindex, v.address, v.prefixLength),
    );
  }

  remove(vips: readonly VipConfig[], iface: string): Promise<void> {
    return this.each(vips, iface, 'EADDRNOTAVAIL', (ifindex, v) =>
      this.native.deleteAddress(ifindex, v.address, v.prefixLength),
    );
  }

  present(vips: readonly VipConfig[], iface: string): Promise<VipConfig[]> {
    return this.list(vips, iface);
  }

  close(): void {
    // The helper's socket lives as long as the process.
  }

  /** `change` for every VIP; the errno `harmless` (already done) is not an error. */
  private each(
    vips: readonly VipConfig[],
    iface: string,
    harmless: string,
    change: (ifindex: number, v: VipConfig) => void,
  ): Promise<void> {
    try {
      for (const v of vips) {
        try {
          this.links.use(v.device ?? iface, (link) => change(link.ifindex, v));
        } catch (error) {
          if ((error as { code?: unknown }).code !== harmless) throw error;
        }
      }
      return Promise.resolve();
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
  }
}

/**
 * Gratuitous ARPs as keepalived sends them: from the daemon itself through a packet socket, a
 * broadcast ARP request whose sender and target are the VIP, `count` back to back. The frame is
 * built by the capture module's encoder (the one the analysis decodes) with the interface's MAC.
 */
export class PacketSocketGarp implements GarpSender {
  constructor(
    private readonly native: Pick<VrrpdNative, 'sendFrame'>,
    private readonly links = new SysfsLinks(),
  ) {}

  /**
   * Reads each VIP interface's index and MAC into the cache and builds its frame once (thrown
   * away), so that the first takeover reads nothing from /sys and does not run the frame
   * encoders for the first time between the VIP and the first GARP (strace showed hundreds of
   * microseconds there before).
   */
  prepare(vips: readonly VipConfig[], iface: string): void {
    for (const v of vips) {
      try {
        gratuitousArpFrame(this.links.get(v.device ?? iface).mac, v.address);
      } catch {
        // The interface may not exist yet; send() reports it if it still does not.
      }
    }
  }

  close(): void {
    // The helper's socket lives as long as the process.
  }

  send(vips: readonly VipConfig[], iface: string, count: number): Promise<void> {
    try {
      for (const v of vips) {
        this.links.use(v.device ?? iface, ({ ifindex, mac }) => {
          const frame = Buffer.from(gratuitousArpFrame(mac, v.address));
          for (let i = 0; i < count; i++) this.native.sendFrame(ifindex, frame);
        });
      }
      return Promise.resolve();
    } catch (error) {
      return Promise.reject(
        new Error(`gratuitous ARP: ${error instanceof Error ? error.message : String(error)}`),
      );
    }
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

  /** An event that carries its own time `t` (epoch ms) is logged with it. */
  write(event: DaemonEvent): void {
    const t = typeof event['t'] === 'number' ? event['t'] : this.clock();
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
