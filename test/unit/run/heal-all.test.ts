/**
 * `heal: all` heals the faults of issue 10 too: loss, delay, cpu-starve and a malformed-adverts
 * flood applied in the simulator, then one `heal: all` leaves nothing active (the rollback has
 * nothing left to do), the flood's sender is gone and the master's adverts are on time again.
 */
import { SimDriver } from '../../../src/drivers/sim/driver';
import { runScenario } from '../../../src/run/runner';
import { loadedScenario } from '../loaded-scenario';

test('one heal: all heals loss, delay, cpu-starve and the flood', async () => {
  const loaded = loadedScenario(
    [
      '  - wait: 5s',
      '  - fault: loss',
      '    node: server03',
      '    rate: 0.3',
      '  - fault: delay',
      '    node: server01',
      '    latency: 200ms',
      '  - fault: cpu-starve',
      '    node: server01',
      '  - fault: malformed-adverts',
      '    rogue: junk',
      '    address: 192.168.17.66',
      '    pps: 100',
      '    kind: vrid',
      '  - wait: 3s',
      '  - heal: all',
      '  - wait: 10s',
      '  - expect: { vipOwner: server01 }',
    ].join('\n') + '\n',
  );
  const driver = new SimDriver(loaded, { seed: 1 });
  const { result } = await runScenario(loaded, driver, { seed: 1 });
  expect(result.status).toBe('passed');
  const heal = result.steps.find((s) => s.kind === 'heal');
  expect(heal?.outcome).toBe('done');
  expect(result.rollback).toEqual([]);
  // After the heal (at about 8 s) the flood stops and server01 advertises every second.
  const healedAt = (heal?.end ?? 0) * 1000;
  const floodBefore = driver.sim.trace.filter(
    (e) => e.type === 'send' && e.node === 'junk' && e.t < healedAt,
  );
  expect(floodBefore.length).toBeGreaterThan(200);
  const sends = driver.sim.trace.filter((e) => e.type === 'send' && e.t > healedAt + 1000);
  expect(sends.some((e) => e.type === 'send' && e.node === 'junk')).toBe(false);
  const master = sends.filter((e) => e.type === 'send' && e.node === 'server01').map((e) => e.t);
  expect(master.length).toBeGreaterThanOrEqual(8);
  for (let i = 1; i < master.length; i++) expect(master[i]! - master[i - 1]!).toBeCloseTo(1000, 6);
});
