/**
 * The LAN faults that drop packets by who sends and who receives them: VRRP multicast blocked
 * on a node (as iptables on 224.0.0.18), VRRP blocked between two nodes, a partition. Each
 * filter's id names the fault, so that a fault applied twice is one filter and its heal finds it.
 */
import { isMulticast } from '../vrrp/ipv4';

export type Direction = 'in' | 'out' | 'both';

/** What a LAN fault does to one packet. */
export interface PacketFilter {
  id: string;
  /** true: the packet from `from` to `to` is dropped. */
  drops(from: string, to: string, dst: string): boolean;
}

export function multicastBlockId(node: string, direction: Direction): string {
  return `block-multicast:${node}:${direction}`;
}

/** VRRP multicast dropped on `node`: received (in), sent (out) or both. */
export function multicastBlock(node: string, direction: Direction): PacketFilter {
  return {
    id: multicastBlockId(node, direction),
    drops: (from, to, dst) =>
      isMulticast(dst) &&
      (((direction === 'in' || direction === 'both') && to === node) ||
        ((direction === 'out' || direction === 'both') && from === node)),
  };
}

export function vrrpBlockId(from: string, to: string): string {
  return `block-vrrp:${from}:${to}`;
}

/** All VRRP (multicast and unicast) from `from` to `to` dropped. */
export function vrrpBlock(from: string, to: string): PacketFilter {
  return { id: vrrpBlockId(from, to), drops: (f, t) => f === from && t === to };
}

export function partitionId(a: string[], b: string[]): string {
  return `partition:${[...a].sort().join(',')}|${[...b].sort().join(',')}`;
}

/** No traffic between the node sets (each side still talks within itself). */
export function partitionFilter(a: string[], b: string[]): PacketFilter {
  return {
    id: partitionId(a, b),
    drops: (f, t) => (a.includes(f) && b.includes(t)) || (b.includes(f) && a.includes(t)),
  };
}
