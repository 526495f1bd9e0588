/**
 * Shrinking a violating schedule, keeping the same invariant violated: first all faults
 * dropped at once, then one by one; then each fault shortened, then moved earlier (each by
 * halving towards its least value). Deterministic (the same runs in the same order, the same
 * seed) and bounded (at most `maxRuns` runs). Pure over the `test` it is given.
 */
import { MIN_FAULT_MS, type Schedule, type ScheduledFault } from './schedule';
import type { Violation } from './invariants';

/** Runs the schedule; the violation of the invariant being shrunk, or null. */
export type ShrinkTest = (s: Schedule) => Promise<Violation | null>;

export interface Shrunk {
  schedule: Schedule;
  violation: Violation;
  /** Runs the shrinking took. */
  runs: number;
}

/** Default bound on a shrink's runs. */
export const SHRINK_MAX_RUNS = 150;

class Budget {
  runs = 0;
  constructor(readonly max: number) {}
  get left(): boolean {
    return this.runs < this.max;
  }
}

const withFaults = (s: Schedule, faults: ScheduledFault[]): Schedule => ({ ...s, faults });

/** The least value of one field of fault `i` that still violates, by halving the distance. */
async function lower(
  state: { s: Schedule; v: Violation },
  i: number,
  field: 'forMs' | 'atMs',
  least: number,
  test: ShrinkTest,
  budget: Budget,
): Promise<void> {
  let lo = least;
  for (let step = 0; step < 8 && budget.left; step++) {
    const f = state.s.faults[i]!;
    if (f[field] - lo < 1) return;
    const value = step === 0 ? lo : Math.round((lo + f[field]) / 2);
    if (value >= f[field]) return;
    const faults = state.s.faults.map((x, j) => (j === i ? { ...x, [field]: value } : x));
    const candidate = withFaults(state.s, faults);
    budget.runs++;
    const v = await test(candidate);
    if (v) state.s = candidate;
    if (v) state.v = v;
    else lo = value;
  }
}

export async function shrink(
  schedule: Schedule,
  violation: Violation,
  test: ShrinkTest,
  maxRuns = SHRINK_MAX_RUNS,
): Promise<Shrunk> {
  const budget = new Budget(maxRuns);
  const state = { s: schedule, v: violation };
  const attempt = async (candidate: Schedule): Promise<boolean> => {
    budget.runs++;
    const v = await test(candidate);
    if (v) {
      state.s = candidate;
      state.v = v;
    }
    return v !== null;
  };
  if (state.s.faults.length > 0 && budget.left) await attempt(withFaults(state.s, []));
  for (let changed = true; changed && budget.left;) {
    changed = false;
    for (let i = 0; i < state.s.faults.length && budget.left; i++)
      if (
        await attempt(
          withFaults(
            state.s,
            state.s.faults.filter((_, j) => j !== i),
          ),
        )
      ) {
        changed = true;
        i--;
      }
  }
  for (let i = 0; i < state.s.faults.length && budget.left; i++)
    await lower(state, i, 'forMs', MIN_FAULT_MS, test, budget);
  for (let i = 0; i < state.s.faults.length && budget.left; i++)
    await lower(state, i, 'atMs', 0, test, budget);
  return { schedule: state.s, violation: state.v, runs: budget.runs };
}
