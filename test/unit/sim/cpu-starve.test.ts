/**
 * cpu-starve in the simulator, in virtual time: the starved master's timers fire late by whole
 * CFS periods drawn from the measured distribution (src/sim/cpu-lateness.ts), its adverts with
 * them, and as long as the lateness stays under Master_Down_Interval - Advertisement_Interval
 * (3.609375 - 1 = 2.609375 s for the seed's backup at priority 100) the backup never takes over.
 */
import { advertLateness, analyzeTimeline, observeFrame } from '../../../src/capture';
import { LINKTYPE_RAW } from '../../../src/capture/link';
import { SEED_LAB, seedInstance } from '../../../src/lab/seed-lab';
import {
  CFS_PERIOD_MS,
  MEASURED_PERIODS_LATE,
  drawLateness,
  starvedLateness,
} from '../../../src/sim/cpu-lateness';
import { SeededRng } from '../../../src/sim/rng';
import { Simulator, traceToJsonl } from '../../../src/sim/simulator';

const MASTER = SEED_LAB.nodes.server01.address;

function seedSim(seed = 1): Simulator {
  return new Simulator({
    seed,
    nodes: (['server01', 'server03'] as const).map((name) => ({
      name,
      address: SEED_LAB.nodes[name].address,
      instances: [seedInstance(name)],
    })),
  });
}

/** The master's advert lateness (ms) in [from, to) virtual seconds, from the wire. */
function masterLateness(sim: Simulator, from: number, to: number) {
  const observations = sim.wire.map((p, i) =>
    observeFrame(LINKTYPE_RAW, p.datagram, p.t / 1000, 0, i + 1),
  );
  const rows = advertLateness(analyzeTimeline(observations), [{ start: from, end: to }]);
  return rows.find((r) => r.src === MASTER);
}

/** Starved from 10 s to 130 s, healed, then 20 s more. */
function starvedRun(seed: number): Simulator {
  const sim = seedSim(seed);
  sim.runUntil(10_000);
  sim.cpuLimit('server01', 0.02);
  sim.runUntil(130_000);
  sim.cpuLimit('server01', null);
  sim.runUntil(150_000);
  return sim;
}

describe('cpu-starve in the simulator', () => {
  test('the draw: whole CFS periods, 0 to 8, in the measured shares (seeded)', () => {
    const rng = new SeededRng(7);
    const model = starvedLateness(0.02);
    const draws = Array.from({ length: 20_000 }, () => drawLateness(model, rng));
    const total = MEASURED_PERIODS_LATE.reduce((a, b) => a + b, 0);
    MEASURED_PERIODS_LATE.forEach((n, k) => {
      const share = draws.filter((d) => d === k * CFS_PERIOD_MS).length / draws.length;
      expect(share).toBeCloseTo(n / total, 1);
    });
    expect(draws.every((d) => d % CFS_PERIOD_MS === 0 && d <= 800)).toBe(true);
  });

  test("the starved master's adverts are late; on time before and after; no takeover", () => {
    const sim = starvedRun(1);
    const before = masterLateness(sim, 2, 10)!;
    const during = masterLateness(sim, 11, 130)!;
    const after = masterLateness(sim, 131, 150)!;
    expect(before).toMatchObject({ medianMs: 0, maxMs: 0 });
    expect(after).toMatchObject({ medianMs: 0, maxMs: 0 });
    // About 120 / 1.2 intervals; median one period, the tail up to eight.
    expect(during.intervals).toBeGreaterThan(80);
    expect(during.medianMs).toBe(100);
    expect(during.maxMs).toBeGreaterThanOrEqual(600);
    expect(during.maxMs).toBeLessThan(3609.375 - 1000);
    expect(sim.state('server01')).toBe('MASTER');
    expect(sim.state('server03')).toBe('BACKUP');
    expect(sim.vipOwners(SEED_LAB.vip)).toEqual(['server01']);
    const masters = sim.trace.flatMap((e) =>
      e.type === 'state' && e.to === 'MASTER' ? [e.node] : [],
    );
    expect(masters).toEqual(['server01']);
  });

  test('deterministic: the same seed gives the same trace; another seed other draws', () => {
    expect(traceToJsonl(starvedRun(3).trace)).toBe(traceToJsonl(starvedRun(3).trace));
    const wireTimes = (s: Simulator) => s.wire.map((p) => p.t).join();
    expect(wireTimes(starvedRun(3))).not.toBe(wireTimes(starvedRun(4)));
  });

  test('healing a node never starved changes nothing', () => {
    const healed = seedSim(5);
    healed.cpuLimit('server01', null);
    healed.runUntil(30_000);
    const plain = seedSim(5);
    plain.runUntil(30_000);
    expect(healed.wire.map((p) => p.t)).toEqual(plain.wire.map((p) => p.t));
  });
});
