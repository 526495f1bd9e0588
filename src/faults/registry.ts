/**
 * The registry: every fault chaos knows, in the order the JSON Schema, `chaos fault --list` and
 * the docs list them. Adding a fault is one file (its record, see docs/adding-a-fault.md) and
 * one line here.
 */
import type { z } from 'zod';
import { InputError } from '../errors';
import { delay } from './delay';
import { cpuStarve } from './cpu';
import { loss } from './loss';
import { malformedAdverts } from './malformed';
import { networkDown, partition } from './link';
import { pause, powerOff } from './power';
import { gracefulStop, killProcess } from './process';
import { rogueAdvert, vridCollision } from './rogue';
import type { FaultDefinition, SpecOf, TargetKind } from './types';
import { blockMulticast, blockVrrp } from './vrrp-block';

export const CATALOG = [
  powerOff,
  gracefulStop,
  networkDown,
  killProcess,
  blockMulticast,
  blockVrrp,
  partition,
  pause,
  cpuStarve,
  loss,
  delay,
  rogueAdvert,
  vridCollision,
  malformedAdverts,
] as const;

type SpecOfDef<D> =
  D extends FaultDefinition<infer K, infer T, infer _O, infer P> ? SpecOf<K, T, P> : never;

/** A fault as a scenario states it (normalised): one of the catalog's. */
export type FaultSpec = SpecOfDef<(typeof CATALOG)[number]>;
export type FaultKind = FaultSpec['kind'];

/**
 * One fault as applied to the lab: a node fault with exactly one node, a partition, or a rogue
 * router. The runner splits a scenario's multi-node faults into these so that each can be
 * healed on its own.
 */
export type FaultUnit = FaultSpec;

export const FAULT_KINDS = CATALOG.map((d) => d.kind) as unknown as readonly [
  FaultKind,
  ...FaultKind[],
];

/** A catalog record with its spec type erased: what code that handles every fault sees. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyFault = FaultDefinition<string, TargetKind, z.ZodRawShape, any>;

const BY_KIND: ReadonlyMap<string, AnyFault> = new Map(
  (CATALOG as readonly AnyFault[]).map((d) => [d.kind, d]),
);

export const UNKNOWN_FAULT = 'UNKNOWN_FAULT';

/** The record of a fault kind. */
export function faultDef(kind: string): AnyFault {
  const def = BY_KIND.get(kind);
  if (!def)
    throw new InputError(
      UNKNOWN_FAULT,
      `unknown fault '${kind}'; known: ${FAULT_KINDS.join(', ')}`,
    );
  return def;
}

/** Every record, erased. */
export function allFaults(): readonly AnyFault[] {
  return [...BY_KIND.values()];
}
