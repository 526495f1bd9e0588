/**
 * What every fault has in common, answered from its record: splitting a step into units, the
 * description, the nodes it names, which applied units a heal step heals, and the plan of a
 * unit on each driver. Pure.
 */
import { ChaosError } from '../errors';
import { faultDef, type FaultSpec, type FaultUnit } from './registry';
import type { DockerAction, FaultLab, HealSpec, SimFaultContext } from './types';

export const SIM_FAULT_UNSUPPORTED = 'SIM_FAULT_UNSUPPORTED';

/** A fault step as units the driver applies and heals one by one (one node each). */
export function faultUnits(f: FaultSpec): FaultUnit[] {
  if (!('nodes' in f)) return [f];
  return f.nodes.map((node) => ({ ...f, nodes: [node] }));
}

export function describeFault(f: FaultSpec): string {
  return faultDef(f.kind).describe(f);
}

/** The lab nodes a fault names. */
export function targetNodes(f: FaultSpec): string[] {
  if ('nodes' in f) return f.nodes;
  if ('between' in f) return f.between.flat();
  return [];
}

/** The routers a fault brings onto the LAN (a rogue's), with their addresses. */
export function broughtNodes(f: FaultSpec): { name: string; address: string }[] {
  return 'rogue' in f ? [{ name: f.rogue.name, address: f.rogue.address }] : [];
}

/** Addresses of the senders faults bring that are no router (their adverts are not analysed). */
export function sendOnlyAddresses(faults: readonly FaultSpec[]): Set<string> {
  return new Set(
    faults
      .filter((f) => faultDef(f.kind).sendsOnly === true)
      .flatMap((f) => broughtNodes(f).map((n) => n.address)),
  );
}

const sameSet = (a: readonly string[], b: readonly string[]): boolean =>
  a.length === b.length && a.every((x) => b.includes(x));

const sameSides = (h: [string[], string[]], u: [string[], string[]]): boolean =>
  (sameSet(h[0], u[0]) && sameSet(h[1], u[1])) || (sameSet(h[0], u[1]) && sameSet(h[1], u[0]));

/** Does the heal step heal this applied unit? Unset fields of the heal match anything. */
export function healMatches(h: HealSpec, u: FaultUnit): boolean {
  if (h.kind === 'all') return true;
  if (h.kind !== u.kind) return false;
  if ('between' in u) return !h.between || sameSides(h.between, u.between);
  if ('rogue' in u) return h.rogue === undefined || h.rogue === u.rogue.name;
  if (h.nodes && !h.nodes.includes(u.nodes[0] ?? '')) return false;
  // Only the options this fault's heal takes narrow the match.
  return Object.keys(faultDef(u.kind).healOptions ?? {}).every((k) => {
    const wanted = h.options?.[k];
    return wanted === undefined || wanted === (u as Record<string, unknown>)[k];
  });
}

/**
 * A heal of something never applied: the units it names, healed anyway (heals are
 * idempotent). `faults` are the scenario's faults (a rogue is healed as it was defined).
 */
export function unitsFromHeal(h: HealSpec, faults: readonly FaultSpec[]): FaultUnit[] {
  if (h.kind === 'all') return [];
  const def = faultDef(h.kind);
  switch (def.target) {
    case 'between':
      return h.between ? [{ kind: h.kind, between: h.between } as FaultUnit] : [];
    case 'rogue': {
      const spec = faults.find(
        (f) => f.kind === h.kind && 'rogue' in f && f.rogue.name === h.rogue,
      );
      return spec ? [spec] : [];
    }
    case 'nodes':
      return (h.nodes ?? []).map(
        (n) => ({ kind: h.kind, nodes: [n], ...(def.healParams?.(h) ?? {}) }) as FaultUnit,
      );
  }
}

/** The Docker plan of applying or healing a unit. */
export function dockerActions(
  unit: FaultUnit,
  lab: FaultLab,
  action: 'apply' | 'heal',
): DockerAction[] {
  return faultDef(unit.kind).docker[action](unit, lab);
}

/** Apply or heal a unit in the simulator. */
export function simulateFault(
  unit: FaultUnit,
  sim: SimFaultContext,
  action: 'apply' | 'heal',
): void {
  const model = faultDef(unit.kind).sim;
  if ('unsupported' in model)
    throw new ChaosError(SIM_FAULT_UNSUPPORTED, `${unit.kind}: ${model.unsupported}`);
  model[action](unit, sim);
}
