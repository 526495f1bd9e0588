/**
 * runSuite's edges with a fake driver kit: Ctrl-C while the driver gets ready (a first image
 * build takes minutes) ends the suite at once with INTERRUPTED, closes the kit, runs nothing;
 * the CLI's signal handlers are released once the scenarios are done.
 */
import path from 'node:path';
import { createSimDriver } from '../../../src/drivers/sim/driver';
import type { DriverKit } from '../../../src/run/suite';
import { runSuite } from '../../../src/run/suite';

const SCENARIO = path.join(__dirname, '../../../scenarios/poweroff-master.yaml');

function fakeKit(prepare: () => Promise<void>): { kit: DriverKit; log: string[] } {
  const log: string[] = [];
  const kit: DriverKit = {
    name: 'sim',
    factory: (l, o) => {
      log.push(`factory ${path.basename(l.file)}`);
      return createSimDriver(l, o);
    },
    prepare: () => {
      log.push('prepare');
      return prepare();
    },
    interrupt: (reason) => log.push(`interrupt ${reason}`),
    close: () => {
      log.push('close');
      return Promise.resolve();
    },
    sampleEveryMs: null,
    refusalCode: 'X',
  };
  return { kit, log };
}

const base = { seed: 1, generatedAt: 'T', chaosVersion: null, nodeVersion: 'v20' };

test('an abort while the driver prepares ends the suite at once: INTERRUPTED, closed, nothing run', async () => {
  const controller = new AbortController();
  const { kit, log } = fakeKit(() => new Promise(() => {})); // a build that never ends
  const done: string[] = [];
  const suite = runSuite({
    ...base,
    paths: [SCENARIO],
    driver: () => kit,
    signal: controller.signal,
    onScenariosDone: () => done.push('done'),
  });
  setTimeout(() => controller.abort('SIGINT'), 5);
  await expect(suite).rejects.toMatchObject({ code: 'INTERRUPTED' });
  await expect(suite).rejects.toThrow(
    /interrupted by SIGINT while the sim driver was getting ready/,
  );
  expect(log).toEqual(['prepare', 'interrupt SIGINT', 'close']);
  expect(done).toEqual(['done']);
});

test('without an abort the suite runs, then says the scenarios are done before the report', async () => {
  const { kit, log } = fakeKit(() => Promise.resolve());
  const order: string[] = [];
  const outcome = await runSuite({
    ...base,
    paths: [SCENARIO],
    driver: () => kit,
    signal: new AbortController().signal,
    onScenario: (r) => order.push(`scenario ${r.status}`),
    onScenariosDone: () => order.push('done'),
  });
  expect(outcome.interrupted).toBeUndefined();
  expect(outcome.run.counts.passed).toBe(1);
  expect(order).toEqual(['scenario passed', 'done']);
  expect(log).toEqual([
    'prepare',
    'factory poweroff-master.yaml',
    'factory poweroff-master.yaml',
    'close',
  ]);
});
