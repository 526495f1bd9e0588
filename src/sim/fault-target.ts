/**
 * The simulator's fault primitives as an interface: what a fault's simulator apply and heal
 * call, so that they depend on this rather than on the Simulator class (which implements it).
 */
import type { Direction } from './packet-filters';

export interface SimFaultTarget {
  powerOff(node: string): void;
  powerOn(node: string): void;
  /** The VRRP daemon stops gracefully (SIGTERM): priority 0 from a master. */
  gracefulStop(node: string): void;
  /** The VRRP daemon starts again after a graceful stop. */
  startDaemon(node: string): void;
  /** The node's interface goes down (the seed's `service network stop`). */
  linkDown(node: string): void;
  linkUp(node: string): void;
  /** Drop VRRP multicast on `node` (iptables on 224.0.0.18), in, out or both; default in. */
  blockMulticast(node: string, direction?: Direction): void;
  unblockMulticast(node: string, direction?: Direction): void;
  /** Drop all VRRP (multicast and unicast) from `from` to `to`. */
  blockVrrp(from: string, to: string): void;
  unblockVrrp(from: string, to: string): void;
  /** No traffic between the node sets (each side still talks within itself). */
  partition(a: string[], b: string[]): void;
  healPartition(a: string[], b: string[]): void;
  /** Lose packets sent by `node` with probability `rate` (seeded). 0 heals. */
  loss(node: string, rate: number): void;
  /** Lose packets `node` receives with probability `rate` (seeded). 0 heals. */
  ingressLoss(node: string, rate: number): void;
  /** Delay packets sent by `node` by `ms` plus up to `jitterMs` (seeded). 0 heals. */
  delay(node: string, ms: number, jitterMs?: number): void;
  /** Delay packets `node` receives by `ms` plus up to `jitterMs` (seeded), per copy. 0 heals. */
  ingressDelay(node: string, ms: number, jitterMs?: number): void;
  /**
   * Starve the node's CPU to `cpus` (its timers fire late, see cpu-lateness.ts); null: its CPU
   * back. Idempotent.
   */
  cpuLimit(node: string, cpus: number | null): void;
  /** Kill a process on the node (tracked scripts that check it then fail); default nginx. */
  killProcess(node: string, process?: string): void;
  startProcess(node: string, process?: string): void;
  /** Heal every LAN fault (filters, loss, delay). */
  healNetwork(): void;
  /**
   * `sender` (a node without instances, added by the fault's prepare) sends broken adverts of
   * these kinds (all that exist when omitted) for the group `vrid` at `pps`, round robin.
   */
  malformedFlood(flood: { sender: string; vrid: number; pps: number; kinds?: string[] }): void;
  /** The flood stops; what it sent, by kind (empty when none ran). Idempotent. */
  stopFlood(sender: string): Record<string, number>;
  /** The simulated nodes' names (a fault on one node's VRRP with every other node needs them). */
  nodeNames(): string[];
}
