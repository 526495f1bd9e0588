/**
 * One fault given outside a scenario file (`chaos fault NAME NODE -o key=value`): checked by
 * the same schema and normalised by the same code as a fault step of a file. Pure.
 */
import { z } from 'zod';
import { InputError } from '../errors';
import {
  dockerActions,
  resolveFaultName,
  unitsFromHeal,
  type DockerAction,
  type FaultLab,
  type FaultSpec,
  type ResolvedFaultName,
} from '../faults';
import { faultSpec } from './normalise';
import type { PathIssue } from './path-issue';
import { faultStepSchema } from './schema';

export const FAULT_BAD_PARAMETER = 'FAULT_BAD_PARAMETER';
export const FAULT_NOT_APPLICABLE = 'FAULT_NOT_APPLICABLE';

/** Keys of a fault step that are not the fault's options. */
const RESERVED = ['fault', 'node', 'nodes', 'note', 'heal'];

const where = (p: readonly (string | number)[]): string => (p.length ? `${p.join('.')}: ` : '');

/** `input` as a fault step (`{ fault, node, ...options }`) -> its spec, or InputError. */
export function faultFromInput(input: Record<string, unknown>, lab: FaultLab): FaultSpec {
  const parsed = faultStepSchema.safeParse(input);
  if (!parsed.success)
    throw new InputError(
      FAULT_BAD_PARAMETER,
      `${String(input.fault)}: ${parsed.error.issues.map((i) => `${where(i.path as (string | number)[])}${i.message}`).join('; ')}`,
    );
  const issues: PathIssue[] = [];
  const spec = faultSpec(parsed.data, [], lab, issues);
  if (issues.length > 0)
    throw new InputError(
      FAULT_BAD_PARAMETER,
      `${String(input.fault)}: ${issues.map((i) => `${where(i.path)}${i.message}`).join('; ')}`,
    );
  return spec;
}

/**
 * The Docker plan of a fault or heal named on the command line (`chaos fault NAME NODE -o
 * key=value`), on one node of `lab`: InputError when the name, the node or an option is
 * wrong, or the fault does not apply to the node's role.
 */
export function namedFaultPlan(
  lab: FaultLab,
  name: string,
  action: 'apply' | 'heal',
  nodeName: string,
  options: Record<string, unknown> = {},
): { resolved: ResolvedFaultName; actions: DockerAction[] } {
  const { resolved, units } = namedFaultUnits(lab, name, action, nodeName, options);
  const how = resolved.action === 'heal' ? 'heal' : 'apply';
  return { resolved, actions: units.flatMap((u) => dockerActions(u, lab, how)) };
}

/**
 * The fault units of a fault or heal named outside a scenario file (the checks of
 * namedFaultPlan): what a Driver's apply() and heal() take (the library's lab, src/api).
 */
export function namedFaultUnits(
  lab: FaultLab,
  name: string,
  action: 'apply' | 'heal',
  nodeName: string,
  options: Record<string, unknown> = {},
): { resolved: ResolvedFaultName; units: FaultSpec[] } {
  const resolved = resolveFaultName(name, action);
  const { def } = resolved;
  const node = lab.nodes.find((n) => n.name === nodeName);
  if (!node)
    throw new InputError(
      'UNKNOWN_NODE',
      `the lab has no node '${nodeName}' (nodes: ${lab.nodes.map((n) => n.name).join(', ')})`,
    );
  if (def.target !== 'nodes')
    throw new InputError(
      FAULT_NOT_APPLICABLE,
      `${def.kind} does not take one node: write it in a scenario file (see docs/scenarios.md)`,
    );
  if (!def.docker.roles.includes(node.role))
    throw new InputError(
      FAULT_NOT_APPLICABLE,
      `fault ${def.kind} does not apply to ${node.name} (a ${node.role} node; applies to ${def.docker.roles.join(', ')})`,
    );
  const taken = Object.keys(options).filter((k) => RESERVED.includes(k));
  if (taken.length > 0)
    throw new InputError(
      FAULT_BAD_PARAMETER,
      `-o ${taken[0]}=...: the fault and the node are the command's arguments, not options`,
    );
  const params = { ...resolved.params, ...options };
  if (resolved.action === 'heal') {
    const heal = z.strictObject(def.healOptions ?? {}).safeParse(params);
    if (!heal.success)
      throw new InputError(
        FAULT_BAD_PARAMETER,
        `heal ${def.kind}: ${heal.error.issues.map((i) => `${where(i.path as (string | number)[])}${i.message}`).join('; ')}`,
      );
    const units = unitsFromHeal({ kind: def.kind, nodes: [nodeName], options: heal.data }, []);
    return { resolved, units };
  }
  return { resolved, units: [faultFromInput({ ...params, fault: def.kind, node: nodeName }, lab)] };
}
