/**
 * `chaos explore --workers N`: the runs computed on N worker threads (explore-worker.ts), each
 * taking every N-th run, and handed to the search in index order, so the outcome is the same
 * as on one thread, byte for byte. The search itself (counting, shrinking) stays on the main
 * thread. Only for the compiled CLI: a worker runs explore-worker.js.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { RunOutcome, RunParams, RunSource } from '../explore/explore';
import type { InvariantName } from '../explore/invariants';

/** What a worker needs to evaluate its runs (plain data). */
export interface WorkerInput extends RunParams {
  file: string;
  jitterMs: number;
  invariants: readonly InvariantName[];
  from: number;
  step: number;
  runs: number;
}

/** The worker script beside this file, when compiled (none under ts-jest). */
export function workerScript(): string | null {
  const file = path.join(__dirname, 'explore-worker.js');
  return fs.existsSync(file) ? file : null;
}

export function workerSource(
  script: string,
  workers: number,
  input: Omit<WorkerInput, 'from' | 'step' | 'runs'>,
): RunSource {
  return async function* source(runs: number): AsyncIterable<RunOutcome> {
    const buffer = new Map<number, RunOutcome>();
    let wake: (() => void) | null = null;
    const failed: { error: Error | null } = { error: null };
    const pool = Array.from({ length: workers }, (_, w) => {
      const workerData: WorkerInput = { ...input, from: w, step: workers, runs };
      const worker = new Worker(script, { workerData });
      worker.on('message', (r: RunOutcome) => {
        buffer.set(r.i, r);
        wake?.();
      });
      worker.on('error', (e: Error) => {
        failed.error = e;
        wake?.();
      });
      return worker;
    });
    try {
      for (let next = 0; next < runs;) {
        const r = buffer.get(next);
        if (r) {
          buffer.delete(next);
          next++;
          yield r;
          continue;
        }
        if (failed.error) throw failed.error;
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
        wake = null;
      }
    } finally {
      await Promise.all(pool.map((w) => w.terminate()));
    }
  };
}
