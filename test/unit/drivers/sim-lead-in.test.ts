/**
 * The simulator's lead-in: the lab runs (and the client probes) for leadInMs before the first
 * step, which moves the steps within the advert and track-script cycles. kill-nginx's outage
 * runs from the kill to the next failing check_nginx (every 3 s) plus Skew_Time, so it depends
 * on that phase: the lead-ins of bench:agreement cover it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { SimDriver } from '../../../src/drivers/sim/driver';
import { formatDiagnostic } from '../../../src/errors';
import { fsSource } from '../../../src/keepalived/fs-source';
import { runScenario } from '../../../src/run/runner';
import { parseScenarioText, type LoadedScenario } from '../../../src/scenario/loader';

const FILE = path.join(__dirname, '../../../scenarios/kill-nginx.yaml');

function load(): LoadedScenario {
  const r = parseScenarioText(fs.readFileSync(FILE, 'utf8'), FILE, fsSource());
  if (!r.scenario) throw new Error(r.errors.map(formatDiagnostic).join('\n'));
  return { file: r.file, scenario: r.scenario, configs: r.configs };
}

async function run(leadInMs?: number) {
  const loaded = load();
  const options = leadInMs === undefined ? { seed: 1 } : { seed: 1, leadInMs };
  return (await runScenario(loaded, new SimDriver(loaded, options), { seed: 1 })).result;
}

test('lead-in 0 is the default; other lead-ins move the outage within the 3 s check interval', async () => {
  const base = await run();
  expect((await run(0)).downtimeSeconds).toBe(base.downtimeSeconds);
  const downs: number[] = [];
  for (let k = 0; k < 6; k++) {
    // Past the first election (3.6 s), then half-second steps through the cycle.
    const r = await run(10_000 + k * 500);
    expect(r.status).toBe('passed');
    // The step times move with the lead-in; the priority-0 gap does not.
    expect(r.switchovers[0]?.gapSeconds).toBeCloseTo(0.609375, 3);
    downs.push(r.downtimeSeconds);
  }
  // From the kill to the next check (0..3 s) plus Skew_Time 0.609 s.
  for (const d of downs) {
    expect(d).toBeGreaterThan(0.55);
    expect(d).toBeLessThan(3.7);
  }
  expect(Math.max(...downs) - Math.min(...downs)).toBeGreaterThan(1.5);
});
