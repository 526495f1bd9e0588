/**
 * Which faults `chaos explore` draws, and how: each from its catalog record's `explore.draw`
 * (src/faults); a node fault without one whose options all have defaults is drawn on one web
 * node with them; any other fault is skipped with the reason. Pure.
 */
import { z } from 'zod';
import { allFaults, faultDef, type AnyFault, type ExploreContext, type FaultLab } from '../faults';
import { oneWebNode } from '../faults/explore-draw';
import type { ScenarioLab } from '../scenario/types';
import type { SeededRng } from '../sim/rng';
import { parseCidr } from '../scenario/cidr';
import { numberToIp } from '../vrrp/ipv4';

/** A fault explore can draw. */
export interface Explorable {
  kind: string;
  draw: (rng: SeededRng, ctx: ExploreContext) => Record<string, unknown> | null;
}

/** A fault left out, and why. */
export interface Skipped {
  kind: string;
  reason: string;
}

/** How a record is drawn, or why it cannot be. */
export function explorable(def: AnyFault): Explorable | Skipped {
  if ('unsupported' in def.sim) return { kind: def.kind, reason: def.sim.unsupported };
  if (def.explore) return { kind: def.kind, draw: def.explore.draw };
  if (def.target === 'nodes' && z.object(def.options).safeParse({}).success)
    return { kind: def.kind, draw: oneWebNode };
  return {
    kind: def.kind,
    reason: 'its record has no explore.draw and its options have no defaults',
  };
}

/** The faults asked for (every one of the catalog by default), split into drawable and skipped. */
export function exploreFaults(kinds: readonly string[] | null): {
  faults: Explorable[];
  skipped: Skipped[];
} {
  const defs = kinds === null ? allFaults() : kinds.map((k) => faultDef(k));
  const faults: Explorable[] = [];
  const skipped: Skipped[] = [];
  for (const def of defs) {
    const e = explorable(def);
    if ('draw' in e) faults.push(e);
    else skipped.push(e);
  }
  return { faults, skipped };
}

export function faultLabOf(lab: ScenarioLab): FaultLab {
  return {
    gateway: lab.gateway,
    vip: lab.vip,
    vrid: lab.vrid,
    subnet: lab.subnet,
    nodes: lab.nodes,
  };
}

/**
 * A run's draw context: fresh names and addresses count from the top of the subnet down,
 * skipping the lab's nodes, gateway and VIP; a new context per run.
 */
export function exploreContext(lab: ScenarioLab, password: string | null): ExploreContext {
  const used = new Set([lab.gateway, lab.vip, ...lab.nodes.map((n) => n.address)]);
  const { network, prefix } = parseCidr(lab.subnet);
  const broadcast = (network + 2 ** (32 - prefix) - 1) >>> 0;
  let next = broadcast - 1;
  const names = new Map<string, number>();
  return {
    lab: faultLabOf(lab),
    web: lab.nodes.filter((n) => n.role === 'web').map((n) => n.name),
    password,
    freeAddress: () => {
      while (used.has(numberToIp(next))) next--;
      const address = numberToIp(next);
      used.add(address);
      return address;
    },
    freshName: (base) => {
      const n = (names.get(base) ?? 0) + 1;
      names.set(base, n);
      return n === 1 ? base : `${base}-${n}`;
    },
  };
}
