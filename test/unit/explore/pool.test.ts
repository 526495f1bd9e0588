/**
 * explore's worker pool hands the runs over in index order, whatever order the workers finish
 * them in. The workers here are a small script (the real one, explore-worker.js, exists only
 * compiled; `chaos explore --workers 1` and `--workers 2` were compared by hand).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { workerSource } from '../../../src/cli/explore-pool';
import type { RunOutcome } from '../../../src/explore/explore';

const SCRIPT = `
const { parentPort, workerData: d } = require('node:worker_threads');
const mine = [];
for (let i = d.from; i < d.runs; i += d.step) mine.push(i);
// Backwards, and worker 1 late: the pool must reorder.
setTimeout(() => {
  for (const i of mine.reverse())
    parentPort.postMessage({ i, seed: d.seed + i, schedule: { faults: [], horizonMs: 0 }, violations: [], errored: false, steadyMs: 0 });
}, d.from * 50);
`;

test('outcomes come in index order from several workers', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chaos-pool-'));
  const script = path.join(dir, 'worker.js');
  fs.writeFileSync(script, SCRIPT);
  try {
    const source = workerSource(script, 3, {
      file: 'x',
      seed: 100,
      horizonMs: 0,
      maxFaults: 1,
      faults: null,
      jitterMs: 0,
      invariants: [],
    });
    const got: RunOutcome[] = [];
    for await (const r of source(10)) got.push(r);
    expect(got.map((r) => r.i)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(got.map((r) => r.seed)).toEqual([100, 101, 102, 103, 104, 105, 106, 107, 108, 109]);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
