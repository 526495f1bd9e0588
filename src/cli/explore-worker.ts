/**
 * A worker thread of `chaos explore --workers N` (explore-pool.ts): evaluates runs from, from +
 * step, ... of the search and posts each outcome to the main thread.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { createSimDriver } from '../drivers/sim/driver';
import { exploreFaults } from '../explore/draw';
import { evaluateRun } from '../explore/explore';
import { loadExploreInput } from '../explore/input';
import { fsSource } from '../keepalived/fs-source';
import type { WorkerInput } from './explore-pool';

async function work(d: WorkerInput): Promise<void> {
  const base = loadExploreInput(d.file, fsSource());
  const { faults } = exploreFaults(d.faults);
  const setup = {
    base,
    createDriver: createSimDriver,
    jitterMs: d.jitterMs,
    invariants: d.invariants,
  };
  for (let i = d.from; i < d.runs; i += d.step)
    parentPort?.postMessage(await evaluateRun(setup, faults, d, i));
}

if (parentPort) void work(workerData as WorkerInput);
