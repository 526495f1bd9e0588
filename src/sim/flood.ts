/**
 * Floods of broken VRRP on the simulated LAN (the malformed-adverts fault): a sender node sends
 * the builder's datagrams (src/vrrp/malformed.ts) round robin at `pps` in virtual time, in
 * batches every TICK_MS, and counts what it sent by kind.
 */
import type { InstanceConfig } from '../vrrp/config';
import {
  MALFORMED_PRIORITY,
  malformedKinds,
  malformedSet,
  type MalformedKind,
} from '../vrrp/malformed';
import type { NodeRuntime } from './nodes';

/** Batches go out this often (ms of virtual time). */
export const FLOOD_TICK_MS = 10;

export interface FloodHost {
  now(): number;
  at(t: number, fn: () => void): void;
  send(n: NodeRuntime, dst: string, datagram: Uint8Array, vrid: number, priority: number): void;
}

export class SimFlood {
  private readonly sent: Record<string, number> = {};
  private running = true;
  private total = 0;
  private readonly packets: { kind: MalformedKind; datagram: Uint8Array; dst: string }[];
  private readonly startedAt: number;

  constructor(
    private readonly host: FloodHost,
    private readonly sender: NodeRuntime,
    instance: InstanceConfig,
    private readonly pps: number,
    kinds: readonly string[] | undefined,
  ) {
    const all = malformedKinds(instance);
    const chosen = kinds === undefined ? all : all.filter((k) => kinds.includes(k));
    if (chosen.length === 0)
      throw new Error(
        `no malformed kind of ${kinds?.join(', ')} exists for VRRPv${instance.version}`,
      );
    const dst = instance.unicastPeers[0] ?? '224.0.0.18';
    this.packets = malformedSet(chosen, instance, sender.spec.address).map((p) => ({ ...p, dst }));
    for (const p of this.packets) this.sent[p.kind] = 0;
    this.startedAt = host.now();
    host.at(host.now(), () => this.tick());
  }

  /** Sends what is due by now (pps since the start), then waits a tick. */
  private tick(): void {
    if (!this.running) return;
    const due = Math.floor(((this.host.now() - this.startedAt) * this.pps) / 1000) + 1;
    for (; this.total < due; this.total++) {
      const p = this.packets[this.total % this.packets.length]!;
      this.host.send(this.sender, p.dst, p.datagram, p.datagram[21] ?? 0, MALFORMED_PRIORITY);
      this.sent[p.kind] = (this.sent[p.kind] ?? 0) + 1;
    }
    this.host.at(this.host.now() + FLOOD_TICK_MS, () => this.tick());
  }

  /** Stops; what was sent, by kind. */
  stop(): Record<string, number> {
    this.running = false;
    return { ...this.sent };
  }
}
