/** Steps in words, as the report and the summaries show them. Pure. */
import { describeFault } from '../faults';
import { formatDuration } from '../scenario/duration';
import type { HealSpec, Step } from '../scenario/types';
import { describeExpectation } from './expectations';

export { describeFault } from '../faults';

function describeHeal(h: HealSpec): string {
  const what = [h.kind === 'all' ? 'all faults' : h.kind];
  if (h.nodes) what.push(h.nodes.join(', '));
  if (h.between) what.push(`${h.between[0].join(',')} | ${h.between[1].join(',')}`);
  if (h.rogue !== undefined) what.push(h.rogue);
  for (const [k, v] of Object.entries(h.options ?? {})) what.push(`${k} ${String(v)}`);
  return `heal ${what.join(' ')}`;
}

export function describeStep(step: Step, vip: string): string {
  switch (step.kind) {
    case 'fault': {
      const f = step.flap;
      const flap = f
        ? ` (flapping: ${formatDuration(f.everyMs)} on, ${formatDuration(f.everyMs)} off, ${f.times} times)`
        : '';
      return `fault ${describeFault(step.fault)}${flap}`;
    }
    case 'heal':
      return describeHeal(step.heal);
    case 'wait':
      return `wait ${formatDuration(step.ms)}`;
    case 'expect':
      return `expect ${describeExpectation(step.expect, vip)}${step.withinMs === null ? '' : ` within ${formatDuration(step.withinMs)}`}`;
  }
}
