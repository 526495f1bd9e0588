/**
 * cpu-starve: its plans as `chaos fault` builds them (a host-side step, no exec), its options
 * and roles, the listing, the Docker driver over the scripted lab (the limit restored, heals
 * idempotent, the starved node not asked), and a scenario run in the simulator.
 */
import { DockerDriver } from '../../../src/drivers/docker/driver';
import { SimDriver } from '../../../src/drivers/sim/driver';
import { formatDiagnostic } from '../../../src/errors';
import { describeFaults, faultUnits, type FaultStep } from '../../../src/faults';
import { memorySource } from '../../../src/keepalived';
import { runScenario } from '../../../src/run/runner';
import { parseScenarioText, type LoadedScenario } from '../../../src/scenario/loader';
import { FakeLab, fakeSession } from '../drivers/fake-lab';
import { plan } from './plans';

const scenario = (steps: string) =>
  parseScenarioText(`name: t\nsteps:\n${steps}`, '/s/t.yaml', memorySource({}));

function load(steps: string): LoadedScenario {
  const r = scenario(steps);
  if (!r.scenario) throw new Error(r.errors.map(formatDiagnostic).join('\n'));
  return { file: r.file, scenario: r.scenario, configs: r.configs };
}

describe('cpu-starve', () => {
  test('the plan: one host-side cpu-limit step (0.02 CPU by default); heal: cpu-restore', () => {
    const cut: FaultStep[] = [{ do: 'cpu-limit', cpus: 0.02 }];
    expect(plan('cpu-starve', 'apply')).toEqual(cut);
    expect(plan('cpu-starve', 'apply', 'server01', { cpus: 0.5 })).toEqual([
      { do: 'cpu-limit', cpus: 0.5 },
    ]);
    expect(plan('cpu-starve', 'heal')).toEqual([{ do: 'cpu-restore' }]);
    expect(plan('cpu-unstarve', 'apply')).toEqual([{ do: 'cpu-restore' }]);
  });

  test('web nodes only; cpus from 0.01 (the smallest CFS quota) to 1', () => {
    expect(() => plan('cpu-starve', 'apply', 'server02')).toThrow(/does not apply to server02/);
    const r = scenario('  - fault: cpu-starve\n    node: server01\n    cpus: 0.001\n');
    expect(r.errors.map((e) => e.message).join('\n')).toMatch(/cpus/);
    const ok = load('  - fault: cpu-starve\n    nodes: [server01, server03]\n    cpus: 0.05\n');
    const step = ok.scenario.steps[0]!;
    expect(step.kind === 'fault' && faultUnits(step.fault)).toEqual([
      { kind: 'cpu-starve', nodes: ['server01'], cpus: 0.05 },
      { kind: 'cpu-starve', nodes: ['server03'], cpus: 0.05 },
    ]);
  });

  test('chaos fault --list shows it', () => {
    expect(describeFaults()).toMatch(/^cpu-starve \/ cpu-unstarve +\[web\] +docker update/m);
  });

  test('Docker driver: the limit cut and restored as it was; a second heal changes nothing; the starved node is not asked', async () => {
    const loaded = load('  - fault: cpu-starve\n    node: server01\n');
    const fake = new FakeLab({ ...loaded.scenario.lab }, '192.168.17.200');
    let now = 1_700_000_000_000;
    const driver = new DockerDriver(loaded, fakeSession(fake.asStartedLab()), {
      now: () => now,
      sleep: (ms) => {
        now += ms;
        return Promise.resolve();
      },
      evidenceDir: '/nonexistent',
      tag: 't1',
    });
    await driver.start();
    const step = loaded.scenario.steps[0]!;
    if (step.kind !== 'fault') throw new Error('not a fault step');
    const [unit] = faultUnits(step.fault);
    const server01 = fake.at('server01');
    server01.state = 'MASTER';
    server01.vip = true;
    await driver.sample();

    await driver.apply(unit!);
    expect(server01.cpus).toBe(0.02);
    const asked = fake.commands('server01').length;
    server01.vip = false;
    expect((await driver.sample()).owners).toEqual(['server01']);
    expect(fake.commands('server01')).toHaveLength(asked);

    await driver.heal(unit!);
    await driver.heal(unit!);
    expect(server01.cpus).toBeNull();
    expect(server01.cpuRecord).toBeUndefined();
    expect((await driver.sample()).owners).toEqual([]);
    expect(fake.calls.filter((c) => c.op === 'runSteps')).toEqual([
      { op: 'runSteps', node: 'server01', steps: [{ do: 'cpu-limit', cpus: 0.02 }] },
      { op: 'runSteps', node: 'server01', steps: [{ do: 'cpu-restore' }] },
      { op: 'runSteps', node: 'server01', steps: [{ do: 'cpu-restore' }] },
    ]);
  });

  test('simulator: late adverts while starved, no switchover, clients down until the heal', async () => {
    const loaded = load(
      [
        '  - wait: 5s',
        '  - fault: cpu-starve',
        '    node: server01',
        '  - wait: 20s',
        '  - expect: { switchovers: { count: 0 } }',
        '  - heal: cpu-starve',
        '    node: server01',
        '  - expect: { servedBy: server01, within: 1s }',
        '  - wait: 5s',
      ].join('\n') + '\n',
    );
    const { result } = await runScenario(loaded, new SimDriver(loaded, { seed: 1 }), { seed: 1 });
    expect(result.failure).toBeUndefined();
    expect(result.steps[1]?.description).toBe('fault cpu-starve server01 to 0.02 CPU');
    const faulted = result.advertLateness.find(
      (l) => l.node === 'server01' && l.window === 'faults',
    );
    expect(faulted?.medianMs).toBeGreaterThanOrEqual(100);
    expect(faulted?.maxMs).toBeLessThan(2609.375);
    expect(result.outages).toHaveLength(1);
    expect(result.outages[0]!.durationSeconds).toBeCloseTo(20, 1);
  });
});
