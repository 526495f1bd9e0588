import fs from 'node:fs';
import path from 'node:path';
import { formatDiagnostic } from '../../../src/errors';
import { fsSource } from '../../../src/keepalived/fs-source';
import { memorySource } from '../../../src/keepalived';
import { dockerRefusals } from '../../../src/drivers/docker/refusals';
import { simRefusals } from '../../../src/drivers/sim/refusals';
import { loadScenarioFile, parseScenarioText } from '../../../src/scenario/loader';
import type { Scenario } from '../../../src/scenario/types';

/** A seed-lab scenario with these steps (YAML list items). */
function scenario(steps: string): Scenario {
  const r = parseScenarioText(`name: x\nsteps:\n${steps}`, '/s/t.yaml', memorySource({}));
  if (!r.scenario) throw new Error(r.errors.map(formatDiagnostic).join('\n'));
  return r.scenario;
}

describe('refusals from the fault catalog', () => {
  test('the simulator refuses a fault it has no model of, and faults on non-VRRP nodes', () => {
    const s = scenario(
      [
        '  - fault: pause',
        '    node: server01',
        '  - fault: power-off',
        '    node: server02',
        '  - fault: power-off',
        '    node: server03',
        '  - heal: network-down',
        '    node: prober',
        '  - expect: { answers: { status: 503 } }',
      ].join('\n') + '\n',
    );
    expect(simRefusals(s)).toEqual([
      {
        step: 0,
        code: 'SIM_FAULT_UNSUPPORTED',
        message: 'pause: the simulator cannot freeze a node (use --driver docker)',
      },
      {
        step: 1,
        code: 'SIM_FAULT_UNSUPPORTED',
        message:
          'power-off on server02: server02 is the mysql node, and the simulator models only the VRRP nodes (use --driver docker)',
      },
      {
        step: 3,
        code: 'SIM_FAULT_UNSUPPORTED',
        message:
          'network-down on prober: prober is the prober node, and the simulator models only the VRRP nodes (use --driver docker)',
      },
      expect.objectContaining({ step: 4, code: 'SIM_EXPECTATION_UNSUPPORTED' }),
    ]);
  });

  test('Docker refuses the prober as a target and a role the fault does not apply to; delay needs no netem', () => {
    const s = scenario(
      [
        '  - fault: power-off',
        '    node: prober',
        '  - fault: kill-process',
        '    node: server02',
        '  - fault: delay',
        '    node: server01',
        '    latency: 100ms',
        '  - fault: partition',
        '    between: [[server02], [prober]]',
        '  - fault: rogue-advert',
        '    address: 192.168.17.66',
        '  - fault: network-down',
        '    node: server02',
      ].join('\n') + '\n',
    );
    expect(dockerRefusals(s).map((r) => [r.step, r.code, r.message])).toEqual([
      [
        0,
        'DOCKER_FAULT_UNSUPPORTED',
        'power-off on prober: the prober records the evidence; it cannot be a target',
      ],
      [
        1,
        'DOCKER_FAULT_UNSUPPORTED',
        'kill-process on server02: server02 is the mysql node (kill-process applies to web nodes)',
      ],
      [
        3,
        'DOCKER_FAULT_UNSUPPORTED',
        'partition server02 | prober: one side needs a web node (iptables runs in web nodes only)',
      ],
    ]);
  });

  test('Docker refuses heals on nodes their fault does not apply to; every shipped scenario runs', () => {
    const s = scenario(
      '  - heal: block-vrrp\n    node: server02\n  - heal: kill-process\n    node: prober\n  - heal: all\n',
    );
    expect(dockerRefusals(s).map((r) => [r.step, r.message])).toEqual([
      [0, 'block-vrrp on server02: server02 is the mysql node (block-vrrp applies to web nodes)'],
      [1, 'kill-process on prober: the prober records the evidence; it cannot be a target'],
    ]);
    const dir = path.join(__dirname, '../../../scenarios');
    for (const f of fs.readdirSync(dir).filter((x) => x.endsWith('.yaml'))) {
      const r = loadScenarioFile(path.join(dir, f), fsSource());
      expect([f, r.errors]).toEqual([f, []]);
      expect([f, dockerRefusals(r.scenario!)]).toEqual([f, []]);
    }
  });
});
