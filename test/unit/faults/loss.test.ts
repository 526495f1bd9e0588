/**
 * The loss fault in the simulator, in virtual time: out drops what the node sends, in what it
 * receives (each copy on its own), both both; the share lost follows the rate; heals restore.
 */
import { SimDriver } from '../../../src/drivers/sim/driver';
import { formatDiagnostic } from '../../../src/errors';
import { faultUnits, type FaultSpec } from '../../../src/faults';
import { memorySource } from '../../../src/keepalived';
import { runScenario } from '../../../src/run/runner';
import { parseScenarioText, type LoadedScenario } from '../../../src/scenario/loader';

function load(steps: string): LoadedScenario {
  const r = parseScenarioText(`name: loss\nsteps:\n${steps}`, '/s/loss.yaml', memorySource({}));
  if (!r.scenario) throw new Error(r.errors.map(formatDiagnostic).join('\n'));
  return { file: r.file, scenario: r.scenario, configs: r.configs };
}

test('loss in on the backup: it hears no master and takes the VIP (split brain); heal ends it', async () => {
  const loaded = load(
    [
      '  - wait: 5s',
      '  - expect: { vipOwner: server01 }',
      '  - fault: loss',
      '    node: server03',
      '    rate: 1',
      '    direction: in',
      '  - expect: { splitBrain: true, within: 5s }',
      '  - heal: loss',
      '    node: server03',
      '  - expect: { vipOwner: server01, within: 5s }',
    ].join('\n') + '\n',
  );
  const { result } = await runScenario(loaded, new SimDriver(loaded, { seed: 1 }), { seed: 1 });
  expect(result.failure).toBeUndefined();
  expect(result.status).toBe('passed');
  expect(result.splitBrain.map((b) => b.nodes.sort().join('+'))).toEqual(['server01+server03']);
  // server01 still advertised throughout: no switchover on the wire, only the deaf backup's.
  expect(result.steps[2]?.description).toBe('fault loss 1 (in) on server03');
});

test('loss out of the master: a share of its adverts never leaves, near the rate', async () => {
  const loaded = load('  - wait: 1s\n');
  const driver = new SimDriver(loaded, { seed: 7 });
  await driver.start();
  const spec: FaultSpec = {
    kind: 'loss',
    nodes: ['server01'],
    rate: 0.3,
    direction: 'out',
    protocol: 'all',
  };
  for (const u of faultUnits(spec)) await driver.apply(u);
  await driver.wait(400_000);
  const sent = driver.sim.trace.filter((e) => e.type === 'send' && e.node === 'server01');
  const lost = driver.sim.trace.filter((e) => e.type === 'lost' && e.from === 'server01');
  // 400 adverts at 1 s: the binomial's 3-sigma band around 30 % is 23 %..37 %.
  expect(sent.length).toBeGreaterThan(350);
  expect(lost.length / sent.length).toBeGreaterThan(0.23);
  expect(lost.length / sent.length).toBeLessThan(0.37);
  await driver.heal(faultUnits(spec)[0]!);
  const before = driver.sim.trace.filter((e) => e.type === 'lost').length;
  await driver.wait(20_000);
  expect(driver.sim.trace.filter((e) => e.type === 'lost').length).toBe(before);
});
