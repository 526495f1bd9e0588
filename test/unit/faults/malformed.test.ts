/**
 * malformed-adverts: the scenario options, the Docker plan (the sender's datagrams are the
 * builder's, heal removes it and is the same every time), and the simulator in virtual time:
 * the VIP stays, each web node drops exactly what was sent, by reason.
 */
import { SimDriver } from '../../../src/drivers/sim/driver';
import { dockerActions, faultUnits, type FaultSpec } from '../../../src/faults';
import { labInstance } from '../../../src/faults/malformed';
import { memorySource } from '../../../src/keepalived';
import { runScenario } from '../../../src/run/runner';
import { parseScenarioText, type LoadedScenario } from '../../../src/scenario/loader';
import { malformedDatagram } from '../../../src/vrrp/malformed';
import { loadedScenario } from '../loaded-scenario';

function parse(steps: string) {
  return parseScenarioText(`name: junk\nsteps:\n${steps}`, '/s/junk.yaml', memorySource({}));
}

const load = (steps: string): LoadedScenario => loadedScenario(steps, 'junk');

const FLOOD = [
  '  - wait: 5s',
  '  - fault: malformed-adverts',
  '    rogue: junk',
  '    address: 192.168.17.66',
  '    pps: 2000',
  '  - wait: 10s',
  '  - expect: { vipOwner: server01 }',
  '  - expect: { state: { node: server03, is: BACKUP } }',
  '  - heal: malformed-adverts',
  '    rogue: junk',
  '  - expect: { switchovers: { count: 0 } }',
].join('\n');

function floodSpec(loaded: LoadedScenario): FaultSpec {
  const step = loaded.scenario.steps.find((s) => s.kind === 'fault');
  if (step?.kind !== 'fault') throw new Error('no fault step');
  return step.fault;
}

describe('malformed-adverts', () => {
  test('options: defaults 100 pps, mixed; the address must be free and in the subnet', () => {
    const spec = floodSpec(load('  - fault: malformed-adverts\n    address: 192.168.17.66\n'));
    expect(spec).toMatchObject({ kind: 'malformed-adverts', pps: 100, floodKind: 'mixed' });
    expect('rogue' in spec && spec.rogue.name).toBe('malformed');
    const bad = (address: string, extra = '') =>
      parse(`  - fault: malformed-adverts\n    address: ${address}\n${extra}`).errors.map(
        (e) => e.message,
      );
    expect(bad('192.168.17.102')).toEqual([
      "the sender's address 192.168.17.102 is in use (server01)",
    ]);
    expect(bad('192.168.17.200')).toEqual([
      "the sender's address 192.168.17.200 is in use (the VIP)",
    ]);
    expect(bad('10.0.0.1')[0]).toMatch(/outside subnet 192.168.17.0\/24/);
    expect(bad('192.168.17.66', '    pps: 10001\n')[0]).toMatch(/10000/);
    expect(bad('192.168.17.66', '    kind: bogus\n')[0]).toMatch(/checksum/);
  });

  test('Docker plan: the builder datagrams of every kind; heal removes the sender, always the same', () => {
    const loaded = load(FLOOD);
    const lab = loaded.scenario.lab;
    const [unit] = faultUnits(floodSpec(loaded));
    const apply = dockerActions(unit!, lab, 'apply');
    const instance = labInstance(lab, lab.vrid)!;
    expect(apply).toEqual([
      {
        startFlood: {
          name: 'junk',
          address: '192.168.17.66',
          pps: 2000,
          packets: ['checksum', 'version', 'ttl', 'length', 'auth', 'vrid'].map((kind) => ({
            kind,
            reason: kind,
            hex: Buffer.from(malformedDatagram(kind as 'ttl', instance, '192.168.17.66')).toString(
              'hex',
            ),
          })),
        },
      },
    ]);
    const heal = dockerActions(unit!, lab, 'heal');
    expect(heal).toEqual([{ removeFlood: 'junk' }]);
    expect(dockerActions(unit!, lab, 'heal')).toEqual(heal);
  });

  test('simulator: 2000 pps for 10 s moves nothing; each node drops what was sent, by reason', async () => {
    const loaded = load(FLOOD);
    const driver = new SimDriver(loaded, { seed: 3 });
    const { result } = await runScenario(loaded, driver, { seed: 3 });
    expect(result.failure).toBeUndefined();
    expect(result.status).toBe('passed');
    const rc = result.receiveChecks!;
    expect(rc.sent).toHaveLength(1);
    const sent = rc.sent[0]!;
    expect(sent.seconds).toBeCloseTo(10, 1);
    const total = sent.kinds.reduce((a, k) => a + k.sent, 0);
    expect(total).toBeGreaterThanOrEqual(20_000);
    expect(total).toBeLessThanOrEqual(20_001);
    const byReason = Object.fromEntries(sent.kinds.map((k) => [k.reason, k.sent]));
    expect(rc.nodes.map((n) => n.node)).toEqual(['server01', 'server03']);
    for (const n of rc.nodes) expect(n.counters).toEqual(byReason);
    // A second heal finds no flood: nothing more is sent or counted.
    for (const u of faultUnits(floodSpec(loaded))) await driver.heal(u);
    expect((await driver.receiveChecks())?.sent).toHaveLength(1);
  });
});
