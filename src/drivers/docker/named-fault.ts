/**
 * A fault or heal by the name `chaos fault` takes (power-off, power-on, kill-nginx, ...) on one
 * node of a lab that is up: planned from the fault catalog (src/scenario/fault-input.ts), its
 * steps carried out by the lab. For the CLI, the session's VRRP reset, the wire test and the
 * failover bench.
 */
import type { ResolvedFaultName } from '../../faults';
import type { StartedLab, StepOptions } from '../../lab/lab';
import { namedFaultPlan } from '../../scenario/fault-input';

export interface NamedFaultOptions extends StepOptions {
  /** The fault's options, as `-o key=value` gives them (direction, process, rate, ...). */
  params?: Record<string, unknown>;
}

export async function runNamedFault(
  lab: StartedLab,
  name: string,
  action: 'apply' | 'heal',
  node: string,
  options: NamedFaultOptions = {},
): Promise<ResolvedFaultName> {
  lab.node(node);
  const { resolved, actions } = namedFaultPlan(lab.spec, name, action, node, options.params);
  const { params: _params, ...stepOptions } = options;
  for (const a of actions) if ('node' in a) await lab.runSteps(a.node, a.steps, stepOptions);
  return resolved;
}
