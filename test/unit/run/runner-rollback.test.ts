/**
 * A fault cut short while it is applied (an error or Ctrl-C in the middle of its plan) is healed
 * by the rollback all the same: the runner counts a unit active before applying it, and heals
 * are idempotent.
 */
import { SimDriver } from '../../../src/drivers/sim/driver';
import { formatDiagnostic } from '../../../src/errors';
import type { FaultUnit } from '../../../src/faults';
import { memorySource } from '../../../src/keepalived';
import { runScenario } from '../../../src/run/runner';
import { parseScenarioText, type LoadedScenario } from '../../../src/scenario/loader';

function load(steps: string): LoadedScenario {
  const r = parseScenarioText(`name: cut\nsteps:\n${steps}`, '/s/cut.yaml', memorySource({}));
  if (!r.scenario) throw new Error(r.errors.map(formatDiagnostic).join('\n'));
  return { file: r.file, scenario: r.scenario, configs: r.configs };
}

/** Applies half of a fault (the real apply) and then fails, as an interrupted plan would. */
class CutShort extends SimDriver {
  readonly healed: string[] = [];
  override async apply(f: FaultUnit): Promise<void> {
    await super.apply(f);
    if (f.kind === 'block-multicast') throw new Error('interrupted (SIGINT)');
  }
  override async heal(f: FaultUnit): Promise<void> {
    this.healed.push(f.kind);
    await super.heal(f);
  }
}

test('an apply that throws midway is rolled back: its heal runs and the lab is whole again', async () => {
  const loaded = load(
    [
      '  - wait: 5s',
      '  - fault: loss',
      '    node: server03',
      '    rate: 0.5',
      '  - fault: block-multicast',
      '    node: server03',
      '  - wait: 10s',
    ].join('\n') + '\n',
  );
  const driver = new CutShort(loaded, { seed: 1 });
  const { result } = await runScenario(loaded, driver, { seed: 1 });
  expect(result.status).toBe('error');
  // Last applied first: the cut-short block, then the loss.
  expect(driver.healed).toEqual(['block-multicast', 'loss']);
  expect(result.rollback.map((r) => [r.fault, r.ok])).toEqual([
    ['block-multicast in on server03', true],
    ['loss 0.5 on server03', true],
  ]);
  // Healed: server03 hears the master again and stays BACKUP.
  await driver.wait(5000);
  expect(driver.sim.state('server03')).toBe('BACKUP');
});
