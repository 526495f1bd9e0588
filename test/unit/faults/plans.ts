/** A small lab and the Docker steps of a named fault in it, as `chaos fault` plans them. */
import type { FaultStep } from '../../../src/faults';
import { namedFaultPlan } from '../../../src/scenario/fault-input';

export const lab = {
  gateway: '192.168.17.1',
  vip: '192.168.17.200',
  vrid: 51,
  subnet: '192.168.17.0/24',
  nodes: [
    { name: 'server01', role: 'web' as const, address: '192.168.17.102' },
    { name: 'server02', role: 'mysql' as const, address: '192.168.17.103' },
    { name: 'prober', role: 'prober' as const, address: '192.168.17.50' },
  ],
};

/** The steps `chaos fault NAME NODE` (or `chaos heal`) carries out, as the CLI plans them. */
export const plan = (
  name: string,
  action: 'apply' | 'heal',
  node = 'server01',
  options: Record<string, unknown> = {},
): FaultStep[] =>
  namedFaultPlan(lab, name, action, node, options).actions.flatMap((a) =>
    'node' in a ? a.steps : [],
  );
