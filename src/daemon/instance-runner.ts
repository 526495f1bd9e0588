/**
 * Runs one VRRP instance: feeds inputs to the pure state machine one at a time and carries out
 * its effects with the collaborators it is given (transport, VIPs, ARP, scripts, timers, log).
 *
 * Ordering: the effects of one input are carried out in order before the next input is taken.
 * VIP changes are awaited (so gratuitous ARPs follow the address); sends are awaited; ARP
 * bursts, scripts and notifications run in the background and report back as inputs or events.
 * Notifications are started after the input's other effects (see input()).
 */
import type { InstanceConfig } from '../vrrp/config';
import {
  initialState,
  step,
  type RouterState,
  type TimerName,
  type VrrpEffect,
  type VrrpInput,
  type VrrpStateName,
} from '../vrrp/state-machine';
import type {
  DaemonEvent,
  EventSink,
  GarpSender,
  Scheduler,
  ScriptRunner,
  TimerHandle,
  Transport,
  VipManager,
} from './ports';

/** Dropped packets of one reason logged one by one; after these, only in `drops` totals. */
export const DROP_EVENTS_PER_REASON = 3;
/** At most one `drops` event (the totals by reason) this often while packets are dropped. */
export const DROP_SUMMARY_MS = 5000;

export interface InstanceRunnerDeps {
  config: InstanceConfig;
  /** Our primary address on the interface. */
  address: string;
  scheduler: Scheduler;
  transport: Transport;
  vips: VipManager;
  garp: GarpSender;
  scripts: ScriptRunner;
  events: EventSink;
}

export class InstanceRunner {
  private state: RouterState;
  private readonly timers = new Map<TimerName, TimerHandle>();
  private queue: Promise<void> = Promise.resolve();
  private stopped = false;
  private timerLateMs: number | undefined;
  private readonly drops: Record<string, number> = {};
  private dropSummaryDue = false;
  /** Events of the input being processed, written when its effects are done. */
  private held: DaemonEvent[] | undefined;

  constructor(private readonly deps: InstanceRunnerDeps) {
    this.state = initialState(deps.config, deps.address);
  }

  get name(): string {
    return this.deps.config.name;
  }

  get vrrpState(): VrrpStateName {
    return this.state.state;
  }

  get snapshot(): Readonly<RouterState> {
    return this.state;
  }

  /** Start the instance (after removing VIPs a hard-killed run may have left). */
  async start(): Promise<void> {
    const { config, vips, garp } = this.deps;
    if (config.vips.length > 0 && config.garpMasterRepeat > 0)
      garp.prepare(config.vips, config.interface, config.garpMasterRepeat);
    // Every VIP is removed, present or not (absent ones are no error): a hard-killed run may
    // have left some, and the removal path is then ready (socket open, code compiled) for the
    // first takeover's additions.
    const stale = await vips.present(config.vips, config.interface).catch(() => []);
    if (config.vips.length > 0)
      await vips.remove(config.vips, config.interface).catch(() => undefined);
    if (stale.length > 0) this.log({ event: 'vip-cleanup', vips: stale.map((v) => v.address) });
    this.warmUp();
    this.log({
      event: 'start',
      address: this.state.address,
      priority: this.state.effectivePriority,
      vrid: config.vrid,
    });
    await this.input({ kind: 'start', now: this.deps.scheduler.now() });
  }

  /**
   * Takes a throwaway copy of the instance through a takeover, adverts and a shutdown in the
   * pure state machine, effects discarded. A backup never runs the master's code until its first
   * takeover: V8 compiles a function on its first call (unless node runs with --no-lazy, as the
   * image's chaos-vrrpd does) and its inline caches start cold. strace of a backup showed about a
   * millisecond of this between the Master_Down timer and the first advert; this moves it to
   * start-up. Returns the kinds of effects produced (for tests).
   */
  warmUp(): string[] {
    const t = this.deps.scheduler.now();
    const kinds: string[] = [];
    let st = initialState(this.deps.config, this.deps.address);
    const inputs: VrrpInput[] = [
      { kind: 'start', now: t },
      { kind: 'timer', timer: 'master-down', now: t + 3_600_000 },
      { kind: 'timer', timer: 'advert', now: t + 3_600_000 + this.deps.config.advertIntervalMs },
      { kind: 'shutdown', now: t + 3_700_000 },
    ];
    for (const input of inputs) {
      const [next, effects] = step(st, input);
      st = next;
      for (const fx of effects) kinds.push(fx.kind === 'transition' ? `to-${fx.to}` : fx.kind);
    }
    return kinds;
  }

  packet(datagram: Uint8Array): void {
    void this.input({ kind: 'packet', now: this.deps.scheduler.now(), datagram });
  }

  link(up: boolean): void {
    void this.input({ kind: 'interface', up, now: this.deps.scheduler.now() });
  }

  /** Graceful stop: priority 0 from a master, VIPs removed; resolves when done. */
  async shutdown(): Promise<void> {
    await this.input({ kind: 'shutdown', now: this.deps.scheduler.now() });
    this.stopped = true;
    for (const t of this.timers.values()) t.cancel();
    this.timers.clear();
    this.log({ event: 'stop', counters: this.state.counters, drops: { ...this.drops } });
  }

  /** Queue an input; inputs are processed strictly one after another. */
  input(input: VrrpInput): Promise<void> {
    const run = async (): Promise<void> => {
      if (this.stopped) return;
      // Time is taken when the input is processed, not when it was queued.
      const now = this.deps.scheduler.now();
      // How late a timer is processed (its deadline is input.now): logged with a transition.
      this.timerLateMs = input.kind === 'timer' ? now - input.now : undefined;
      const [next, effects] = step(this.state, { ...input, now: Math.max(now, input.now) });
      this.state = next;
      // The input's events are written together after its effects, each with the time it
      // happened: a synchronous write takes 50-100 us, and three of them sat between a takeover's
      // decision, its advert, its VIP and its GARPs. (A kill inside that window, under a
      // millisecond, loses those lines.)
      const held: DaemonEvent[] = [];
      this.held = held;
      try {
        // Notify scripts last: spawning one blocks the event loop for milliseconds, and they
        // must not hold up the advert, the VIPs or the gratuitous ARPs of the same transition.
        for (const fx of effects) if (fx.kind !== 'notify') await this.apply(fx);
        for (const fx of effects) if (fx.kind === 'notify') await this.apply(fx);
      } finally {
        this.held = undefined;
        for (const e of held) this.deps.events.write(e);
      }
    };
    this.queue = this.queue.then(run, run).catch((error: unknown) => {
      this.log({ event: 'error', message: error instanceof Error ? error.message : String(error) });
    });
    return this.queue;
  }

  private log(event: { event: string; [k: string]: unknown }): void {
    const e: DaemonEvent = { instance: this.deps.config.name, ...event };
    if (this.held) this.held.push({ ...e, t: this.deps.scheduler.now() });
    else this.deps.events.write(e);
  }

  private async apply(fx: VrrpEffect): Promise<void> {
    const { config, transport, vips, garp, scripts } = this.deps;
    switch (fx.kind) {
      case 'set-timer':
        this.setTimer(fx.timer, fx.at);
        return;
      case 'clear-timer':
        this.timers.get(fx.timer)?.cancel();
        this.timers.delete(fx.timer);
        return;
      case 'send':
        try {
          await transport.send(fx.dst, fx.datagram);
          this.log({
            event: 'advert',
            dst: fx.dst,
            priority: fx.packet.priority,
            vrid: fx.packet.vrid,
          });
        } catch (error) {
          this.log({ event: 'send-error', dst: fx.dst, message: (error as Error).message });
        }
        return;
      case 'add-vips':
        try {
          await vips.add(fx.vips, config.interface);
          this.log({ event: 'vip-add', vips: fx.vips.map((v) => v.address) });
        } catch (error) {
          this.log({ event: 'vip-error', action: 'add', message: (error as Error).message });
        }
        return;
      case 'remove-vips':
        try {
          await vips.remove(fx.vips, config.interface);
          this.log({ event: 'vip-remove', vips: fx.vips.map((v) => v.address) });
        } catch (error) {
          this.log({ event: 'vip-error', action: 'remove', message: (error as Error).message });
        }
        return;
      case 'garp':
        // Logged when the burst starts: the packets leave within milliseconds, but each arping
        // lingers for a second before it exits. A failure is logged when it is known.
        garp
          .send(fx.vips, config.interface, fx.count)
          .catch((error: Error) => this.log({ event: 'garp-error', message: error.message }));
        this.log({ event: 'garp', vips: fx.vips.map((v) => v.address), count: fx.count });
        return;
      case 'run-script':
        this.runScript(fx.name, fx.command, fx.timeoutMs);
        return;
      case 'transition':
        this.logTransition(fx);
        return;
      case 'notify':
        scripts.spawnDetached(fx.command, fx.args);
        this.log({ event: 'notify', command: fx.command, args: fx.args });
        return;
      case 'priority-change':
        this.log({ event: 'priority', from: fx.from, to: fx.to });
        return;
      case 'drop':
        this.countDrop(fx);
        return;
    }
  }

  /** Packets dropped by the receive checks since the start, by reason (other VRIDs included). */
  get dropCounts(): Readonly<Record<string, number>> {
    return this.drops;
  }

  /**
   * A dropped packet: counted; the first DROP_EVENTS_PER_REASON of each reason are logged in
   * full (other groups' adverts, `vrid`, never: a shared LAN has them all the time), the rest
   * show up in a `drops` event with the totals at most every DROP_SUMMARY_MS, so that a flood
   * of broken VRRP costs a counter, not a log line, per packet.
   */
  private countDrop(fx: Extract<VrrpEffect, { kind: 'drop' }>): void {
    const n = (this.drops[fx.reason] ?? 0) + 1;
    this.drops[fx.reason] = n;
    if (fx.reason !== 'vrid' && n <= DROP_EVENTS_PER_REASON) {
      this.log(
        fx.from === undefined
          ? { event: 'drop', reason: fx.reason, detail: fx.detail }
          : { event: 'drop', reason: fx.reason, detail: fx.detail, from: fx.from },
      );
      return;
    }
    if (this.dropSummaryDue) return;
    this.dropSummaryDue = true;
    this.deps.scheduler.at(this.deps.scheduler.now() + DROP_SUMMARY_MS, () => {
      this.dropSummaryDue = false;
      if (!this.stopped) this.log({ event: 'drops', counts: { ...this.drops } });
    });
  }

  /** Arms `timer` for `at` (replacing it); when it fires, it is the input of that timer. */
  private setTimer(timer: TimerName, at: number): void {
    this.timers.get(timer)?.cancel();
    const handle = this.deps.scheduler.at(at, () => {
      if (this.timers.get(timer) !== handle) return;
      this.timers.delete(timer);
      void this.input({ kind: 'timer', timer, now: at });
    });
    this.timers.set(timer, handle);
  }

  /** Runs a track script in the background; its outcome is logged and becomes an input. */
  private runScript(name: string, command: string, timeoutMs: number): void {
    const { scripts, scheduler } = this.deps;
    scripts.run(command, timeoutMs).then(
      (r) => {
        this.log({
          event: 'script',
          name,
          ok: r.ok,
          exitCode: r.exitCode,
          timedOut: r.timedOut,
          durationMs: r.durationMs,
        });
        void this.input({ kind: 'script-result', name, ok: r.ok, now: scheduler.now() });
      },
      (error: Error) => {
        this.log({ event: 'script', name, ok: false, error: error.message });
        void this.input({ kind: 'script-result', name, ok: false, now: scheduler.now() });
      },
    );
  }

  /** The state event, with how late the timer that caused it was processed. */
  private logTransition(fx: Extract<VrrpEffect, { kind: 'transition' }>): void {
    this.log({
      event: 'state',
      from: fx.from,
      to: fx.to,
      reason: fx.reason,
      priority: fx.priority,
      ...(this.timerLateMs === undefined
        ? {}
        : { timerLateMs: Math.round(this.timerLateMs * 1000) / 1000 }),
    });
  }
}
