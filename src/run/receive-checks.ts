/**
 * Receive-check counters beside what a flood of broken VRRP sent (the malformed-adverts fault):
 * per sender what it sent by kind (and the check each kind fails), per VRRP node what its daemon
 * dropped by reason while the flood ran. Drivers fill it in (the simulator from its routers'
 * drop counts, Docker from chaos-vrrpd's stats file and keepalived's /tmp/keepalived.stats);
 * the report shows it. Plain data, zod schemas as result.ts; the helpers are pure.
 */
import { z } from 'zod';

const int = z.number().int();

export const floodSentSchema = z.object({
  sender: z.string(),
  address: z.string(),
  pps: z.number(),
  /** Seconds the sender ran. */
  seconds: z.number(),
  kinds: z.array(z.object({ kind: z.string(), reason: z.string(), sent: int })),
});
export type FloodSent = z.infer<typeof floodSentSchema>;

export const nodeCountersSchema = z.object({
  node: z.string(),
  /** chaos-vrrpd, keepalived, or sim (the simulator's VRRP core). */
  daemon: z.string(),
  /** Drops by reason (our names: checksum, version, ttl, length, auth, auth-type, vrid, ...). */
  counters: z.record(z.string(), int),
  /** Reasons this daemon has no counter for (keepalived counts neither checksum nor version). */
  uncounted: z.array(z.string()),
  /** Why the counters could not be read, if so. */
  error: z.string().optional(),
});
export type NodeCounters = z.infer<typeof nodeCountersSchema>;

export const receiveChecksSchema = z.object({
  sent: z.array(floodSentSchema),
  nodes: z.array(nodeCountersSchema),
});
export type ReceiveChecks = z.infer<typeof receiveChecksSchema>;

/** `after - before` per key (a counter that restarted counts from zero). */
export function counterDelta(
  before: Readonly<Record<string, number>>,
  after: Readonly<Record<string, number>>,
): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(after)) {
    const d = v >= (before[k] ?? 0) ? v - (before[k] ?? 0) : v;
    if (d > 0) out[k] = d;
  }
  return out;
}

/** Counters of several floods on one node added up. */
export function addCounters(
  a: Readonly<Record<string, number>>,
  b: Readonly<Record<string, number>>,
): Record<string, number> {
  const out = { ...a };
  for (const [k, v] of Object.entries(b)) out[k] = (out[k] ?? 0) + v;
  return out;
}

/** The reasons a flood's kinds should be dropped for, with what was sent for each. */
export function sentByReason(sent: readonly FloodSent[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const s of sent) for (const k of s.kinds) out[k.reason] = (out[k.reason] ?? 0) + k.sent;
  return out;
}

/** Records floods and per-node counters as a driver's faults go; `result()` for the report. */
export class ReceiveCheckLog {
  private readonly sent: FloodSent[] = [];
  private readonly nodes = new Map<string, NodeCounters>();

  addSent(s: FloodSent): void {
    this.sent.push(s);
  }

  addNode(n: NodeCounters): void {
    const prev = this.nodes.get(n.node);
    this.nodes.set(n.node, prev ? { ...n, counters: addCounters(prev.counters, n.counters) } : n);
  }

  result(): ReceiveChecks | null {
    if (this.sent.length === 0) return null;
    return { sent: [...this.sent], nodes: [...this.nodes.values()] };
  }
}
