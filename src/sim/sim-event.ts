/**
 * What the simulator's event queue holds: router timers, deliveries, script results and the
 * actions scheduled with `at`, each run at its virtual time.
 */
import type { TimerName } from '../vrrp/state-machine';
import type { EventQueue } from './event-queue';

export type SimEvent =
  | { kind: 'timer'; node: string; epoch: number; instance: number; timer: TimerName }
  /** One datagram reaching every target at the same time (multicast fans out in one event). */
  | { kind: 'deliver'; targets: { node: string; epoch: number }[]; datagram: Uint8Array }
  | {
      kind: 'script-done';
      node: string;
      epoch: number;
      instance: number;
      name: string;
      ok: boolean;
    }
  | { kind: 'action'; run: () => void };

export type SimQueue = EventQueue<SimEvent>;
