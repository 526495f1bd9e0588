/**
 * The VRRP routers on the simulated nodes: each input goes through the real state machine
 * (src/vrrp), and its effects are carried out on the node, the LAN, the event queue and the
 * trace: timers become queued events, sends go to the LAN, track scripts answer from the node's
 * processes after the script latency.
 */
import {
  initialState,
  step,
  type RouterState,
  type VrrpEffect,
  type VrrpInput,
} from '../vrrp/state-machine';
import type { VirtualClock } from './clock';
import { drawLateness } from './cpu-lateness';
import type { Jitter } from './jitter';
import type { SimLan } from './lan';
import type { SeededRng } from './rng';
import { resetNode, scriptOutcome, type NodeRuntime } from './nodes';
import type { SimEvent, SimQueue } from './sim-event';
import { effectEvent, record, type SimRecorder } from './trace';

export class SimRouters {
  constructor(
    private readonly clock: VirtualClock,
    private readonly queue: SimQueue,
    private readonly lan: SimLan,
    private readonly out: SimRecorder,
    /** How long a track script takes to answer, ms. */
    private readonly scriptLatencyMs: number,
    /** Draws the lateness of a CPU-starved node's timers. */
    private readonly rng: SeededRng,
    /** Per-timer jitter (none unless the simulator was given jitterMs). */
    private readonly jitter: Jitter | null = null,
  ) {}

  /** The node powers on: its routers start (and see the link down if it is). */
  boot(n: NodeRuntime, type: 'boot' | 'power-on'): void {
    resetNode(n, true);
    const now = this.clock.now();
    record(this.out, { t: now, type, node: n.spec.name });
    n.routers.forEach((_, i) => this.input(n, i, { kind: 'start', now }));
    if (!n.linkUp)
      n.routers.forEach((_, i) => this.input(n, i, { kind: 'interface', up: false, now }));
  }

  /** Every router of the node takes `input`. */
  inputAll(n: NodeRuntime, input: VrrpInput): void {
    n.routers.forEach((_, i) => this.input(n, i, input));
  }

  /** The routers that a graceful stop stopped start again, from their initial state. */
  restartStopped(n: NodeRuntime): void {
    n.routers.forEach((r, i) => {
      if (r.state === 'STOPPED') {
        n.routers[i] = initialState(r.config, n.spec.address);
        this.input(n, i, { kind: 'start', now: this.clock.now() });
      }
    });
  }

  /** One input to one router, and its effects. */
  input(n: NodeRuntime, instance: number, input: VrrpInput): void {
    const router = n.routers[instance];
    if (!router) return;
    const [next, effects] = step(router, input);
    n.routers[instance] = next;
    for (const fx of effects) this.apply(n, instance, next, fx);
  }

  /** A queued event for the routers; void when its node has powered off since. */
  dispatch(ev: Exclude<SimEvent, { kind: 'action' }>): void {
    const now = this.clock.now();
    if (ev.kind === 'deliver') {
      const input: VrrpInput = { kind: 'packet', now, datagram: ev.datagram };
      for (const target of ev.targets) {
        const n = target.node;
        if (!n.powered || n.epoch !== target.epoch || !n.linkUp) continue;
        for (let i = 0; i < n.routers.length; i++) this.input(n, i, input);
      }
      return;
    }
    const n = ev.node;
    if (!n.powered || n.epoch !== ev.epoch) return;
    switch (ev.kind) {
      case 'timer': {
        const key = `${ev.instance}|${ev.timer}`;
        if (n.timers.get(key) !== now) return; // replaced or cleared since
        n.timers.delete(key);
        this.input(n, ev.instance, { kind: 'timer', timer: ev.timer, now });
        return;
      }
      case 'script-done':
        record(this.out, { t: now, type: 'script', node: n.spec.name, name: ev.name, ok: ev.ok });
        this.input(n, ev.instance, { kind: 'script-result', name: ev.name, ok: ev.ok, now });
        return;
    }
  }

  private apply(n: NodeRuntime, instance: number, router: RouterState, fx: VrrpEffect): void {
    const name = n.spec.name;
    switch (fx.kind) {
      case 'set-timer': {
        // A starved node's timer fires late (the state machine then sees the late time), and
        // every timer by up to the jitter when the simulator has one.
        const late = n.cpu ? fx.at + drawLateness(n.cpu, this.rng) : fx.at;
        const at = this.jitter ? late + this.jitter.draw() : late;
        n.timers.set(`${instance}|${fx.timer}`, at);
        this.queue.push(at, {
          kind: 'timer',
          node: n,
          epoch: n.epoch,
          instance,
          timer: fx.timer,
        });
        return;
      }
      case 'clear-timer':
        n.timers.delete(`${instance}|${fx.timer}`);
        return;
      case 'send':
        this.lan.send(n, fx.dst, fx.datagram, fx.packet.vrid, fx.packet.priority);
        return;
      case 'run-script': {
        const ok = scriptOutcome(n, fx.name, fx.command);
        this.queue.push(this.clock.now() + this.scriptLatencyMs, {
          kind: 'script-done',
          node: n,
          epoch: n.epoch,
          instance,
          name: fx.name,
          ok,
        });
        return;
      }
      case 'notify':
        return; // notify scripts have no effect on the simulated LAN
      case 'add-vips':
        for (const v of fx.vips) n.vips.add(v.address);
        break;
      case 'remove-vips':
        for (const v of fx.vips) n.vips.delete(v.address);
        break;
      case 'drop':
        n.drops[fx.reason] = (n.drops[fx.reason] ?? 0) + 1;
        if (fx.reason === 'vrid') return; // other groups' adverts: counted, not traced
        break;
      case 'garp':
      case 'transition':
      case 'priority-change':
        break;
    }
    record(this.out, effectEvent(this.clock.now(), name, router, fx));
  }
}
