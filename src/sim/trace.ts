/**
 * What a simulated run leaves behind: the trace (every boot, packet, loss, transition, VIP
 * change and fault, as events) and the wire (every VRRP packet as it crossed the LAN, for pcap
 * export and analysis), and the trace's byte-for-byte comparable form.
 */
import type { VipConfig } from '../vrrp/config';
import type { RouterState, VrrpEffect, VrrpStateName } from '../vrrp/state-machine';

export type TraceEvent =
  | { t: number; type: 'boot' | 'power-off' | 'power-on'; node: string }
  | {
      t: number;
      type: 'send';
      node: string;
      dst: string;
      vrid: number;
      priority: number;
      hex: string;
    }
  /** A packet lost to a fault; `to` is the receiving node, or the destination for egress loss. */
  | {
      t: number;
      type: 'lost';
      from: string;
      to: string;
      vrid: number;
      priority: number;
      why: string;
    }
  | {
      t: number;
      type: 'state';
      node: string;
      instance: string;
      from: VrrpStateName;
      to: VrrpStateName;
      reason: string;
      priority: number;
    }
  | { t: number; type: 'vip'; node: string; action: 'add' | 'remove'; vips: string[] }
  | { t: number; type: 'garp'; node: string; vips: string[]; count: number }
  | { t: number; type: 'script'; node: string; name: string; ok: boolean }
  | { t: number; type: 'drop'; node: string; instance: string; reason: string; from?: string }
  | { t: number; type: 'priority'; node: string; instance: string; from: number; to: number }
  | { t: number; type: 'fault'; action: string; detail: string };

/** One VRRP packet as it crossed the LAN, for pcap export and analysis. */
export interface WirePacket {
  t: number;
  from: string;
  /** Node names that received it. */
  to: string[];
  dst: string;
  datagram: Uint8Array;
}

/** Where a run's trace and wire go (the Simulator's own fields). */
export interface SimRecorder {
  readonly trace: TraceEvent[];
  readonly wire: WirePacket[];
  /** When false, `wire` is not recorded (benchmarks). */
  recordWire: boolean;
  /** When false, `trace` is not recorded (benchmarks). */
  recordTrace: boolean;
}

/** Appends `ev` to the trace, unless the trace is switched off. */
export function record(to: SimRecorder, ev: TraceEvent): void {
  if (to.recordTrace) to.trace.push(ev);
}

type TracedEffect = Extract<
  VrrpEffect,
  { kind: 'add-vips' | 'remove-vips' | 'garp' | 'transition' | 'priority-change' | 'drop' }
>;

/** The trace event of an effect of `router` on node `node` at `t`. */
export function effectEvent(
  t: number,
  node: string,
  router: RouterState,
  fx: TracedEffect,
): TraceEvent {
  switch (fx.kind) {
    case 'add-vips':
      return { t, type: 'vip', node, action: 'add', vips: addresses(fx.vips) };
    case 'remove-vips':
      return { t, type: 'vip', node, action: 'remove', vips: addresses(fx.vips) };
    case 'garp':
      return { t, type: 'garp', node, vips: addresses(fx.vips), count: fx.count };
    case 'transition':
      return {
        t,
        type: 'state',
        node,
        instance: router.config.name,
        from: fx.from,
        to: fx.to,
        reason: fx.reason,
        priority: fx.priority,
      };
    case 'priority-change':
      return { t, type: 'priority', node, instance: router.config.name, from: fx.from, to: fx.to };
    case 'drop':
      return fx.from === undefined
        ? { t, type: 'drop', node, instance: router.config.name, reason: fx.reason }
        : {
            t,
            type: 'drop',
            node,
            instance: router.config.name,
            reason: fx.reason,
            from: fx.from,
          };
  }
}

function addresses(vips: VipConfig[]): string[] {
  return vips.map((v) => v.address);
}

/** The trace as JSON lines: the byte-for-byte comparable form. */
export function traceToJsonl(trace: readonly TraceEvent[]): string {
  return trace.map((e) => JSON.stringify(e)).join('\n') + (trace.length ? '\n' : '');
}
