/**
 * What the simulator cannot run, found before the run starts: faults whose catalog record has
 * no simulator model (pause), faults on nodes that run no VRRP (the database, the prober: the
 * simulator has no MySQL, shop app or HTTP stack), and `answers` with a status other than 200.
 * Pure.
 */
import { SIM_FAULT_UNSUPPORTED, faultDef, targetNodes } from '../../faults';
import type { Refusal } from '../../run/driver';
import type { Scenario, Step } from '../../scenario/types';

export const SIM_EXPECTATION_UNSUPPORTED = 'SIM_EXPECTATION_UNSUPPORTED';

function stepRefusals(step: Step, roles: ReadonlyMap<string, string>): Omit<Refusal, 'step'>[] {
  if (step.kind === 'expect' && step.expect.kind === 'answers' && step.expect.status !== 200)
    return [
      {
        code: SIM_EXPECTATION_UNSUPPORTED,
        message: `answers ${step.expect.status}: the simulator has no shop or database, its requests are answered 200 or not at all (use --driver docker, or drivers: [docker])`,
      },
    ];
  if (step.kind !== 'fault' && step.kind !== 'heal') return [];
  const kind = step.kind === 'fault' ? step.fault.kind : step.heal.kind;
  const model = kind === 'all' ? null : faultDef(kind).sim;
  if (model && 'unsupported' in model)
    return [{ code: SIM_FAULT_UNSUPPORTED, message: `${kind}: ${model.unsupported}` }];
  const targets =
    step.kind === 'fault'
      ? targetNodes(step.fault)
      : [...(step.heal.nodes ?? []), ...(step.heal.between?.flat() ?? [])];
  return targets.flatMap((node) => {
    const role = roles.get(node);
    return role !== undefined && role !== 'web'
      ? [
          {
            code: SIM_FAULT_UNSUPPORTED,
            message: `${kind} on ${node}: ${node} is the ${role} node, and the simulator models only the VRRP nodes (use --driver docker)`,
          },
        ]
      : [];
  });
}

export function simRefusals(scenario: Scenario): Refusal[] {
  const roles = new Map(scenario.lab.nodes.map((n) => [n.name, n.role]));
  return scenario.steps.flatMap((step, i) =>
    stepRefusals(step, roles).map((r) => ({ step: i, ...r })),
  );
}
