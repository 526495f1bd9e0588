import { formatDiagnostic } from '../../../src/errors';
import { FAULT_KINDS } from '../../../src/faults';
import { memorySource } from '../../../src/keepalived';
import type { LabSpec } from '../../../src/lab/lab-spec';
import { parseScenarioText } from '../../../src/scenario/loader';

const FILE = '/s/test.yaml';

function check(text: string, files: Record<string, string> = {}): string[] {
  return parseScenarioText(text, FILE, memorySource(files)).diagnostics.map(formatDiagnostic);
}

const MASTER_CONF = `vrrp_instance VI_1 {
  state MASTER
  interface eth0
  virtual_router_id 51
  priority 150
  virtual_ipaddress {
    192.168.17.200
  }
}
`;

describe('scenario loading', () => {
  test('a minimal scenario gets the seed lab and the default probe', () => {
    const r = parseScenarioText('name: x\nsteps:\n  - wait: 1s\n', FILE, memorySource({}));
    expect(r.errors).toEqual([]);
    const s = r.scenario!;
    expect(s.probe).toEqual({ url: 'http://192.168.17.200/', intervalMs: 20, timeoutMs: 500 });
    expect(s.lab.nodes.map((n) => `${n.name} ${n.role} ${n.address}`)).toEqual([
      'server01 web 192.168.17.102',
      'server03 web 192.168.17.101',
      'server02 mysql 192.168.17.100',
      'prober prober 192.168.17.50',
    ]);
    expect(s.lab.nodes[0]?.configText).toContain('state MASTER');
    expect(Object.keys(r.configs)).toEqual(['server01', 'server03']);
    // The lab has LabSpec's shape (src/lab/lab-spec.ts): this line stops compiling if they part.
    const spec: LabSpec = s.lab;
    expect(spec.vrid).toBe(51);
  });

  test('a new subnet moves the seed addresses (host parts kept)', () => {
    const r = parseScenarioText(
      'name: x\nlab:\n  subnet: 10.0.5.0/24\nsteps:\n  - wait: 1s\n',
      FILE,
      memorySource({}),
    );
    expect(r.errors).toEqual([]);
    expect(r.scenario!.lab.vip).toBe('10.0.5.200');
    expect(r.scenario!.lab.nodes[0]?.address).toBe('10.0.5.102');
  });

  test('every schema error at once, each at its line and column', () => {
    const text = [
      'name: bad', //                          1
      'probe:', //                             2
      '  intervalMs: 2', //                    3
      'colour: blue', //                       4
      'steps:', //                             5
      '  - wait: 5 seconds', //                6
      '  - fault: explode', //                 7
      '    node: server01', //                 8
      '  - fault: power-off', //               9
      '    node: server01', //                10
      '    within: 5s', //                    11
      '  - expect: { vipOwner: server03, noOwner: true }', // 12
      '  - sleep: 1s', //                     13
      'slo:', //                              14
      '  availability: 101', //              15
    ].join('\n');
    expect(check(text)).toEqual([
      '/s/test.yaml:3:15: probe.intervalMs: Too small: expected number to be >=5: 2',
      '/s/test.yaml:4:1: unknown key colour',
      '/s/test.yaml:6:11: steps[0].wait: not a duration (write a number and a unit: 300ms, 5s, 2m): "5 seconds"',
      `/s/test.yaml:7:12: unknown fault "explode" (known: ${FAULT_KINDS.join(', ')})`,
      '/s/test.yaml:11:5: unknown key within in steps[2]',
      '/s/test.yaml:13:5: steps[4]: a step is a mapping with one of fault, heal, wait, expect',
      '/s/test.yaml:15:17: slo.availability: Too big: expected number to be <=100: 101',
    ]);
  });

  test('rules after the schema: names, one condition per expect, targets', () => {
    const text = [
      'name: rules',
      'steps:',
      '  - fault: power-off',
      '    node: server09',
      '  - fault: graceful-stop',
      '    nodes: [server01, server02]',
      '  - expect: { vipOwner: server03, noOwner: true }',
      '  - fault: network-down',
      '  - expect: { state: { node: prober, is: MASTER } }',
    ].join('\n');
    expect(check(text)).toEqual([
      '/s/test.yaml:4:11: no node named server09 in the lab (have server01, server03, server02, prober)',
      '/s/test.yaml:6:23: server02 is a mysql node: it runs no VRRP',
      '/s/test.yaml:7:5: expect takes one condition, got vipOwner and noOwner: use one expect step each',
      '/s/test.yaml:8:5: this fault needs a target: node or nodes',
      '/s/test.yaml:9:30: prober is a prober node: it runs no VRRP',
    ]);
  });

  test('YAML syntax errors stop before the schema', () => {
    const out = check('name: x\nsteps: [\n');
    expect(out.length).toBeGreaterThan(0);
    expect(out[0]).toMatch(/^\/s\/test\.yaml:\d+:\d+: YAML: /);
  });

  test('configs are read relative to the scenario file; missing ones and bad ones are errors', () => {
    const lab = (a: string, b: string): string =>
      `name: x\nlab:\n  nodes:\n    server01: { config: ${a} }\n    server03: { config: ${b} }\nsteps:\n  - wait: 1s\n`;
    const ok = parseScenarioText(
      lab('configs/m.conf', '../b.conf'),
      FILE,
      memorySource({ '/s/configs/m.conf': MASTER_CONF, '/b.conf': MASTER_CONF }),
    );
    expect(ok.errors).toEqual([]);
    expect(ok.configs.server01?.instances[0]?.priority).toBe(150);
    expect(ok.scenario!.lab.nodes[0]?.configPath).toBe('/s/configs/m.conf');
    expect(ok.scenario!.lab.nodes[0]?.configText).toBe(MASTER_CONF);

    const bad = check(lab('missing.conf', 'bad.conf'), {
      '/s/bad.conf': 'vrrp_instance VI_1 {\n  virtual_router_id 999\n}\n',
    });
    expect(bad[0]).toMatch(
      /^\/s\/test\.yaml:4:25: cannot read keepalived config missing\.conf \(\/s\/missing\.conf\): /,
    );
    expect(bad.some((d) => d.startsWith('/s/bad.conf:2:'))).toBe(true);
  });

  test('a billion-laughs file (aliases of aliases) is a diagnostic, not a ReferenceError (found by npm run fuzz)', () => {
    const bomb = [
      'name: x',
      'a: &a [x, x, x, x, x, x, x, x, x, x]',
      'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]',
      'c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]',
      'd: [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]',
    ].join('\n');
    expect(check(bomb)).toEqual([
      '/s/test.yaml:3:8: YAML: Excessive alias count indicates a resource exhaustion attack (aliases may expand at most 100 times)',
    ]);
  });

  test('a mapping as a key: the schema names it, and nothing is printed to the process (logLevel)', () => {
    const warn = jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    try {
      const out = check('? [a, b]\n: 1\nname: x\nsteps: [{ wait: 1s }]\n');
      expect(out).toEqual(['/s/test.yaml:1:1: unknown key [ a, b ]']);
      expect(warn).not.toHaveBeenCalled();
    } finally {
      warn.mockRestore();
    }
  });
});
