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

describe('foreign routers', () => {
  test("vrid-collision: its own VIP, not the lab's, in the subnet; names unique across kinds", () => {
    expect(
      problems('  - fault: vrid-collision\n    address: 192.168.17.70\n    vip: 192.168.17.200\n'),
    ).toEqual([
      "/s/t.yaml:5:10: 192.168.17.200 is the lab's own VIP: a router claiming it is rogue-advert",
    ]);
    expect(
      problems('  - fault: vrid-collision\n    address: 192.168.17.70\n    vip: 10.0.0.1\n'),
    ).toEqual(['/s/t.yaml:5:10: its VIP 10.0.0.1 is outside subnet 192.168.17.0/24']);
    expect(
      problems(
        [
          '  - fault: rogue-advert',
          '    rogue: twin',
          '    address: 192.168.17.66',
          '  - fault: vrid-collision',
          '    rogue: twin',
          '    address: 192.168.17.70',
          '    vip: 192.168.17.210',
        ].join('\n') + '\n',
      ),
    ).toEqual([
      '/s/t.yaml:7:12: rogue-advert already brings a router called twin: give this one another name (rogue: ...)',
    ]);
  });
});
