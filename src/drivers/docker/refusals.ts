/**
 * What the Docker driver cannot run, found before the run starts, from the fault catalog: a
 * fault or heal on a node of a role it does not apply to, the prober as a target (it records the
 * evidence), and each fault's own refusal (a partition with no web node on either side). Pure.
 */
import { faultDef, type FaultSpec } from '../../faults';
import type { Refusal } from '../../run/driver';
import type { Scenario } from '../../scenario/types';

export const DOCKER_FAULT_UNSUPPORTED = 'DOCKER_FAULT_UNSUPPORTED';
function faultRefusals(f: FaultSpec, scenario: Scenario): Omit<Refusal, 'step'>[] {
  const def = faultDef(f.kind);
  const out: Omit<Refusal, 'step'>[] = [];
  const own = def.docker.refuse?.(f, scenario.lab);
  if (own) out.push({ code: DOCKER_FAULT_UNSUPPORTED, message: own });
  if ('nodes' in f) out.push(...roleRefusals(f.kind, f.nodes, scenario));
  return out;
}

/** A fault (or heal) on nodes whose role it does not apply to, or on the prober. */
function roleRefusals(
  kind: string,
  nodes: readonly string[],
  scenario: Scenario,
): Omit<Refusal, 'step'>[] {
  const def = faultDef(kind);
  const roles = new Map(scenario.lab.nodes.map((n) => [n.name, n.role]));
  return nodes.flatMap((node) => {
    const role = roles.get(node);
    if (role === 'prober')
      return [
        {
          code: DOCKER_FAULT_UNSUPPORTED,
          message: `${kind} on ${node}: the prober records the evidence; it cannot be a target`,
        },
      ];
    if (role !== undefined && !def.docker.roles.includes(role))
      return [
        {
          code: DOCKER_FAULT_UNSUPPORTED,
          message: `${kind} on ${node}: ${node} is the ${role} node (${kind} applies to ${def.docker.roles.join(', ')} nodes)`,
        },
      ];
    return [];
  });
}

export function dockerRefusals(scenario: Scenario): Refusal[] {
  return scenario.steps.flatMap((step, i) => {
    const found =
      step.kind === 'fault'
        ? faultRefusals(step.fault, scenario)
        : step.kind === 'heal' && step.heal.kind !== 'all'
          ? // A heal names nodes too: its plan must not run in a container it does not fit.
            roleRefusals(step.heal.kind, step.heal.nodes ?? [], scenario)
          : [];
    return found.map((r) => ({ step: i, ...r }));
  });
}
