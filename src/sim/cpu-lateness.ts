/**
 * How late a CPU-starved node's timers fire: the simulator's model of the cpu-starve fault
 * (src/faults/cpu.ts). Pure: draws come from the simulator's seeded RNG.
 *
 * Under a CFS bandwidth limit a container may run `quota` ms of CPU per `period` (100 ms,
 * Docker's default); once its processes have used the quota they wait for the next period. A
 * timer that comes due in a throttled period therefore fires late by about whole periods, and
 * an idle one on time. That is what the captures show on Docker: the master's adverts, seen from
 * the backup, arrive on time or 100, 200, ... 800 ms late, rarely in between (see
 * MEASURED_PERIODS_LATE). The model draws the number of periods from that measured distribution,
 * per timer firing; what the timer sends goes out then, and the state machine sees the late
 * time, so the next timer counts from it: every interval is advert_int plus its own draw. That
 * is what Docker shows too: the lateness adds up (the master fell 4.3 s behind its 1 s grid
 * over 23 intervals, the sum of the intervals' lateness).
 *
 * Not modelled: lateness at other quotas (every `cpus` gets the draw measured at 0.02 CPU, the
 * default), early intervals, packets received by a starved node (handled on time) and slower
 * track scripts. Its HTTP answers are the sim driver's: every request to it times out, as on
 * Docker (src/drivers/sim/driver.ts).
 */
import type { SeededRng } from './rng';

/** Docker's CFS period. */
export const CFS_PERIOD_MS = 100;

/**
 * The measurement: how many of a starved master's advert intervals were late by 0, 1, 2, ... 8
 * CFS periods (to the nearest period; the few early ones, -100 to -300 ms after a late one,
 * count as on time). Three runs of scenarios/starved-master.yaml on Docker (2026-12-01, the seed
 * lab, chaos-vrrpd, 1 s adverts, server01 at 0.02 CPU for 26 to 30 s with the prober's 50
 * requests/s on its VIP), server03's capture: 72 intervals, per run median 100 ms and max 800,
 * 700 and 400 ms; together median 100 ms, p95 600 ms, max 800 ms. Without load the same quota
 * makes only a few adverts 100 ms late.
 */
export const MEASURED_PERIODS_LATE: readonly number[] = [26, 15, 16, 5, 6, 0, 2, 1, 1];

/** The model of one starved node. */
export interface CpuLateness {
  cpus: number;
  /** Shares of timer firings late by 0, 1, 2, ... periods (they sum to 1). */
  periods: readonly number[];
  periodMs: number;
}

const total = MEASURED_PERIODS_LATE.reduce((a, b) => a + b, 0);

export function starvedLateness(cpus: number): CpuLateness {
  return { cpus, periods: MEASURED_PERIODS_LATE.map((n) => n / total), periodMs: CFS_PERIOD_MS };
}

/** One timer firing's lateness, ms: a whole number of periods drawn from the shares. */
export function drawLateness(model: CpuLateness, rng: SeededRng): number {
  const u = rng.next();
  let sum = 0;
  for (const [k, share] of model.periods.entries()) {
    sum += share;
    if (u < sum) return k * model.periodMs;
  }
  return (model.periods.length - 1) * model.periodMs;
}
