/**
 * The explorer finds known defects: each fixture (test/fixtures/explore) is found with the
 * default seed well within 2,000 runs and shrunk to the faults it needs; every finding's
 * scenario, read back from its text, fails on `chaos run`'s path (the runner, the simulator,
 * the run's seed and jitter) at its last step.
 */
import path from 'node:path';
import { createSimDriver } from '../../../src/drivers/sim/driver';
import { explore, type ExploreOutcome } from '../../../src/explore/explore';
import { exploreFiles } from '../../../src/explore/findings';
import { loadExploreInput, type ExploreBase } from '../../../src/explore/input';
import { INVARIANTS } from '../../../src/explore/invariants';
import type { ExploreSettings } from '../../../src/explore/model';
import { ValidationError } from '../../../src/errors';
import { fsSource } from '../../../src/keepalived/fs-source';
import { memorySource } from '../../../src/keepalived/source';
import { runScenario } from '../../../src/run/runner';
import { assertValidScenario, parseScenarioText } from '../../../src/scenario/loader';
import { VirtualClock } from '../../../src/sim/clock';

const FIXTURES = path.join(__dirname, '../../fixtures/explore');

function settings(runs: number): ExploreSettings {
  return { seed: 1, runs, horizonMs: 120_000, maxFaults: 4, jitterMs: 1, invariants: INVARIANTS };
}

async function run(
  name: string,
  runs: number,
): Promise<{ base: ExploreBase; out: ExploreOutcome }> {
  const base = loadExploreInput(path.join(FIXTURES, `${name}.yaml`), fsSource());
  const out = await explore(base, {
    ...settings(runs),
    faults: null,
    createDriver: createSimDriver,
    clock: new VirtualClock(0),
  });
  return { base, out };
}

/** Each finding's file, parsed from its text (configs from the written folder), run as chaos run would. */
async function replayAll(base: ExploreBase, out: ExploreOutcome, runs: number): Promise<void> {
  const files = exploreFiles(base, settings(runs), out);
  const dir = '/explore-out';
  const source = memorySource(
    Object.fromEntries(Object.entries(files).map(([p, t]) => [path.posix.join(dir, p), t])),
  );
  for (const f of out.findings) {
    const file = path.posix.join(dir, `violations/${f.invariant}-${f.n}.yaml`);
    const loaded = assertValidScenario(
      parseScenarioText(files[`violations/${f.invariant}-${f.n}.yaml`]!, file, source),
    );
    const driver = createSimDriver(loaded, { seed: f.runSeed, jitterMs: 1 });
    const { result } = await runScenario(loaded, driver, { seed: f.runSeed });
    expect(result.status).toBe('failed');
    if (f.invariant === 'slo') expect(result.failure).toMatch(/^objective/);
    else expect(result.failure).toMatch(new RegExp(`^step ${loaded.scenario.steps.length}:`));
  }
}

describe('chaos explore on configs with known defects', () => {
  test('mismatched auth_pass: two masters with no fault at all', async () => {
    const { base, out } = await run('wrong-pass', 20);
    const found = out.findings.find((f) => f.invariant === 'single-master');
    expect(found?.run).toBe(0);
    expect(found?.schedule.faults).toEqual([]);
    expect(found?.violation.observed).toMatch(/VIP held by server01, server03/);
    await replayAll(base, out, 20);
  });

  test('asymmetric unicast peers: server01 never hears server03, two masters', async () => {
    const { base, out } = await run('unicast-asymmetric', 20);
    const found = out.findings.find((f) => f.invariant === 'single-master');
    expect(found?.schedule.faults).toEqual([]);
    await replayAll(base, out, 20);
  });

  test('a backup whose track script never passes: the VIP is lost when the master fails', async () => {
    const { base, out } = await run('track-never-passes', 100);
    const found = out.findings.filter((f) => f.invariant === 'vip-continuity');
    expect(found.length).toBeGreaterThan(0);
    for (const f of found) {
      expect(f.run).toBeLessThan(2000);
      // One fault on the master suffices: it loses the VIP and server03 cannot take it.
      expect(f.schedule.faults).toHaveLength(1);
      expect(f.schedule.faults[0]?.input).toEqual(expect.objectContaining({ node: 'server01' }));
      expect(f.violation.expect).toEqual({ vipOwner: 'server03' });
    }
    await replayAll(base, out, 100);
  });

  test('a VRID typo on one node: refused before any run (the loader checks VRID and VIP)', () => {
    expect(() => loadExploreInput(path.join(FIXTURES, 'vrid-typo.yaml'), fsSource())).toThrow(
      ValidationError,
    );
    expect(() => loadExploreInput(path.join(FIXTURES, 'vrid-typo.yaml'), fsSource())).toThrow(
      /server03's keepalived config has no vrrp_instance with VRID 51/,
    );
  });
});
