import { formatDiagnostic } from '../../../src/errors';
import { memorySource } from '../../../src/keepalived';
import { parseScenarioText } from '../../../src/scenario/loader';

/** The diagnostics of a seed-lab scenario with these steps. */
function problems(steps: string): string[] {
  const r = parseScenarioText(`name: x\nsteps:\n${steps}`, '/s/t.yaml', memorySource({}));
  return r.errors.map(formatDiagnostic);
}

describe('fault and heal steps, checked from the catalog when the file is read', () => {
  test('a process name pkill cannot take is refused by the schema, at its place', () => {
    expect(problems('  - fault: kill-process\n    node: server01\n    process: "a;b"\n')).toEqual([
      '/s/t.yaml:5:14: steps[0].process: a process name is letters, digits, _ . + - (up to 15), as pkill -x takes it: "a;b"',
    ]);
  });

  test("a heal option the fault's heal does not take is an error that names who takes it", () => {
    expect(problems('  - heal: power-off\n    node: server01\n    direction: in\n')).toEqual([
      '/s/t.yaml:5:5: heal power-off takes no direction (block-multicast, block-vrrp do)',
    ]);
    expect(problems('  - heal: block-vrrp\n    node: server01\n    direction: in\n')).toEqual([]);
    expect(problems('  - heal: all\n    process: nginx\n')).toEqual([
      '/s/t.yaml:4:5: heal all takes no process (kill-process do)',
    ]);
  });
});
