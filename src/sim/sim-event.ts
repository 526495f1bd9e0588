/**
 * What the simulator's event queue holds: router timers, deliveries, script results and the
 * actions scheduled with `at`, each run at its virtual time. A node's events carry the epoch it
 * was in when they were queued: after a power cycle they are void.
 */
import type { TimerName } from '../vrrp/state-machine';
import type { EventQueue } from './event-queue';
import type { NodeRuntime } from './nodes';

export type SimEvent =
  | { kind: 'timer'; node: NodeRuntime; epoch: number; instance: number; timer: TimerName }
  /** One datagram reaching every target at the same time (multicast fans out in one event). */
  | { kind: 'deliver'; targets: { node: NodeRuntime; epoch: number }[]; datagram: Uint8Array }
  | {
      kind: 'script-done';
      node: NodeRuntime;
      epoch: number;
      instance: number;
      name: string;
      ok: boolean;
    }
  | { kind: 'action'; run: () => void };

export type SimQueue = EventQueue<SimEvent>;
