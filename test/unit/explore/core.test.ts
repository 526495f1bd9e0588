/**
 * The explorer's pure parts: schedules as steps, shrinking (deterministic, bounded), the
 * invariants over hand-built evidence, and the simulator's jitter (off by default).
 */
import path from 'node:path';
import { loadExploreInput } from '../../../src/explore/input';
import { checkInvariants, type RunEvidence, type Violation } from '../../../src/explore/invariants';
import { loadedFor, scenarioData } from '../../../src/explore/run';
import { drawSchedule, scheduleSteps, type Schedule } from '../../../src/explore/schedule';
import { shrink } from '../../../src/explore/shrink';
import { exploreContext, exploreFaults } from '../../../src/explore/draw';
import { faultWindows } from '../../../src/explore/windows';
import { fsSource } from '../../../src/keepalived/fs-source';
import type { ScenarioResult } from '../../../src/run/result';
import type { VipSample } from '../../../src/run/driver';
import { SeededRng } from '../../../src/sim/rng';
import { Simulator } from '../../../src/sim/simulator';
import { seedInstance } from '../../../src/lab/seed-lab';

const COURSE = path.join(__dirname, '../../../scenarios/poweroff-master.yaml');
const base = loadExploreInput(COURSE, fsSource());

const fault = (kind: string, node: string, atMs: number, forMs: number) => ({
  kind,
  input: { node },
  atMs,
  forMs,
});

describe('schedules', () => {
  test('become wait, fault and heal steps; heals first at the same time; cut at untilMs', () => {
    const s: Schedule = {
      horizonMs: 20_000,
      faults: [
        fault('power-off', 'server01', 1000, 2000),
        fault('kill-process', 'server03', 3000, 500),
      ],
    };
    expect(scheduleSteps(s)).toEqual([
      { wait: '1000ms' },
      { fault: 'power-off', node: 'server01' },
      { wait: '2000ms' },
      { heal: 'power-off', node: 'server01' },
      { fault: 'kill-process', node: 'server03' },
      { wait: '500ms' },
      { heal: 'kill-process', node: 'server03' },
      { wait: '16500ms' },
    ]);
    expect(scheduleSteps(s, 2500)).toEqual([
      { wait: '1000ms' },
      { fault: 'power-off', node: 'server01' },
      { wait: '1500ms' },
    ]);
  });

  test('drawn from the seed alone, within the horizon, every drawn fault a valid scenario step', () => {
    const { faults } = exploreFaults(null);
    const draw = (seed: number): Schedule =>
      drawSchedule(
        new SeededRng(seed),
        faults,
        exploreContext(base.loaded.scenario.lab, base.password),
        {
          horizonMs: 120_000,
          maxFaults: 4,
          settleMs: 10_000,
        },
      );
    expect(draw(3)).toEqual(draw(3));
    expect(draw(3)).not.toEqual(draw(4));
    for (let seed = 0; seed < 200; seed++) {
      const s = draw(seed);
      expect(s.faults.length).toBeGreaterThanOrEqual(1);
      expect(s.faults.length).toBeLessThanOrEqual(4);
      for (const f of s.faults) expect(f.atMs + f.forMs).toBeLessThanOrEqual(110_000);
      // The loader's own checks accept it (throws otherwise).
      expect(
        loadedFor(base, scenarioData(base, 'x', scheduleSteps(s))).scenario.steps.length,
      ).toBeGreaterThan(0);
    }
  });
});

describe('shrink', () => {
  const v: Violation = { invariant: 'slo', atMs: 0, boundMs: 0, observed: '', expect: null };
  // Violated while a power-off of server01 lasting at least 700 ms starts no earlier than 300 ms.
  const test_ = (s: Schedule): Promise<Violation | null> =>
    Promise.resolve(
      s.faults.some((f) => f.kind === 'power-off' && f.forMs >= 700 && f.atMs >= 300) ? v : null,
    );
  const start: Schedule = {
    horizonMs: 120_000,
    faults: [
      fault('kill-process', 'server03', 100, 9000),
      fault('power-off', 'server01', 40_000, 20_000),
      fault('network-down', 'server03', 5000, 100),
    ],
  };

  test('drops the faults not needed, then shortens and moves the rest, keeping the violation', async () => {
    const a = await shrink(start, v, test_);
    expect(a.schedule.faults).toHaveLength(1);
    const [f] = a.schedule.faults;
    expect(f?.kind).toBe('power-off');
    expect(f!.forMs).toBeGreaterThanOrEqual(700);
    expect(f!.forMs).toBeLessThan(1000);
    expect(f!.atMs).toBeGreaterThanOrEqual(300);
    expect(f!.atMs).toBeLessThan(600);
    expect(await shrink(start, v, test_)).toEqual(a);
  });

  test('stops at its bound', async () => {
    const a = await shrink(start, v, test_, 3);
    expect(a.runs).toBe(3);
  });
});

/** Evidence of a scenario with these steps, result and samples (the fields the invariants read). */
function evidence(
  steps: Record<string, unknown>[],
  stepTimes: number[],
  samples: VipSample[],
  extra: Partial<ScenarioResult> = {},
): RunEvidence {
  const loaded = loadedFor(base, scenarioData(base, 'x', steps));
  const result = {
    status: 'passed',
    steadyAt: 0,
    end: 60,
    steps: stepTimes.map((t, index) => ({ index, start: t / 1000 })),
    switchovers: [],
    rollback: [],
    slo: null,
    ...extra,
  } as unknown as ScenarioResult;
  return { scenario: loaded.scenario, result, samples };
}

const both = { server01: 'MASTER', server03: 'MASTER' } as const;
const sample = (t: number, owners: string[], states: Record<string, string>): VipSample =>
  ({ t, owners, states }) as VipSample;

describe('invariants', () => {
  const names = (e: RunEvidence): string[] =>
    checkInvariants(e, base.bounds).map((x) => x.invariant);

  test('single-master: two owners with links whole past the bound; not while partitioned', () => {
    const split = [0, 1000, 4000, 5000, 6000].map((t) => sample(t, ['server01', 'server03'], both));
    expect(names(evidence([{ wait: '60s' }], [0], split))).toContain('single-master');
    const v = checkInvariants(evidence([{ wait: '60s' }], [0], split), base.bounds)[0];
    // The first sample past 4609.375 ms is 5000; the overlap counts once it has lasted one
    // advert interval (1 s) from there.
    expect(v?.atMs).toBe(6000);
    expect(v?.expect).toEqual({ splitBrain: false });
    expect(v?.observed).toMatch(/at 6\.000 s for 1\.000 s/);
    const partitioned = evidence(
      [{ fault: 'partition', between: [['server01'], ['server03']] }, { wait: '60s' }],
      [0, 0],
      split,
    );
    expect(names(partitioned)).not.toContain('single-master');
  });

  test('single-master: a backup holding the VIP beside the master for less than an advert interval is a switchover, not a split brain', () => {
    const one = { server01: 'MASTER', server03: 'BACKUP' } as const;
    // A spurious takeover at 20 s, answered by the master within the round trip, then again at 30 s.
    const blips = [0, 10_000, 20_000, 20_050, 20_950, 21_000, 30_000, 30_900].map((t) =>
      [20_000, 20_050, 20_950, 30_000, 30_900].includes(t)
        ? sample(t, ['server01', 'server03'], both)
        : sample(t, ['server01'], one),
    );
    expect(names(evidence([{ wait: '60s' }], [0], blips))).not.toContain('single-master');
    // One more sample of the same overlap, a full interval after it began: a split brain.
    const held = [...blips.slice(0, 3), sample(21_000, ['server01', 'server03'], both)];
    expect(names(evidence([{ wait: '60s' }], [0], held))).toContain('single-master');
  });

  test('vip-continuity: no owner past Master_Down_Interval + 100 ms while a node could take it', () => {
    const st = { server01: 'STOPPED', server03: 'BACKUP' };
    const gap = (until: number): VipSample[] => [
      sample(0, ['server01'], { server01: 'MASTER', server03: 'BACKUP' }),
      ...[1000, 2000, 3000, 4000, until].map((t) => sample(t, [], st)),
      sample(until + 20, ['server03'], { server01: 'STOPPED', server03: 'MASTER' }),
    ];
    const steps = [{ wait: '1s' }, { fault: 'power-off', node: 'server01' }, { wait: '59s' }];
    expect(names(evidence(steps, [0, 1000, 1000], gap(4700)))).not.toContain('vip-continuity');
    const late = checkInvariants(evidence(steps, [0, 1000, 1000], gap(4800)), base.bounds);
    expect(late.find((x) => x.invariant === 'vip-continuity')?.expect).toEqual({
      vipOwner: 'server03',
    });
  });

  test('no-spurious-switchover: a switchover long after the last event, none during a loss', () => {
    const sw = {
      vrid: 51,
      from: 'server01',
      to: 'server03',
      at: 30,
      gapSeconds: 3.6,
      reason: 'silence',
      duringSplitBrain: false,
    };
    const one = [sample(0, ['server01'], { server01: 'MASTER', server03: 'BACKUP' })];
    const quiet = evidence([{ wait: '60s' }], [0], one, {
      switchovers: [sw],
    } as Partial<ScenarioResult>);
    const found = checkInvariants(quiet, base.bounds).find(
      (x) => x.invariant === 'no-spurious-switchover',
    );
    expect(found?.expect).toEqual({ switchovers: { atMost: 0, last: '55390ms' } });
    const lossy = evidence(
      [{ fault: 'loss', node: 'server01', rate: 0.5 }, { wait: '60s' }],
      [0, 0],
      one,
      { switchovers: [sw] } as Partial<ScenarioResult>,
    );
    expect(names(lossy)).not.toContain('no-spurious-switchover');
  });
});

describe('fault windows', () => {
  test('from the step times: heals close what they match, a flap spans its step, the rest ends at the rollback', () => {
    const e = evidence(
      [
        { fault: 'power-off', node: 'server01' },
        { fault: 'loss', node: 'server03', rate: 0.5, flap: { every: '1s', times: 2 } },
        { heal: 'power-off', node: 'server01' },
        { fault: 'block-vrrp', node: 'server03' },
      ],
      [1000, 2000, 6000, 7000],
      [],
      {
        rollback: [{ fault: 'block-vrrp both on server03', at: 9, ok: true }],
      },
    );
    e.result.steps[1] = { ...e.result.steps[1]!, end: 6 };
    const w = faultWindows(e.scenario, e.result).map((x) => [x.kind, x.fromMs, x.toMs, x.effects]);
    expect(w).toEqual([
      ['power-off', 1000, 6000, ['node']],
      ['loss', 2000, 6000, ['links', 'timing']],
      ['block-vrrp', 7000, 9000, ['links']],
    ]);
  });
});

describe('simulator jitter', () => {
  const nodes = () => [
    { name: 'a', address: '10.0.0.2', instances: [seedInstance('server01', { vrid: 1 })] },
    { name: 'b', address: '10.0.0.1', instances: [seedInstance('server03', { vrid: 1 })] },
  ];
  const trace = (jitterMs?: number): string => {
    const sim = new Simulator({
      seed: 5,
      nodes: nodes(),
      ...(jitterMs === undefined ? {} : { jitterMs }),
    });
    sim.runUntil(20_000);
    sim.powerOff('a');
    sim.runUntil(30_000);
    return JSON.stringify(sim.trace);
  };

  test('0 is the default: the run is byte for byte the exact one', () => {
    expect(trace(0)).toEqual(trace());
  });

  test('a jitter moves timers and deliveries by less than itself, the same for the same seed', () => {
    expect(trace(1)).toEqual(trace(1));
    expect(trace(1)).not.toEqual(trace());
    const times = (JSON.parse(trace(1)) as { t: number; type: string }[])
      .filter((e) => e.type === 'send')
      .map((e) => e.t);
    const exact = (JSON.parse(trace()) as { t: number; type: string }[])
      .filter((e) => e.type === 'send')
      .map((e) => e.t);
    expect(times.length).toBeGreaterThan(10);
    // The first adverts: each within the accumulated jitter of its exact time.
    for (let i = 0; i < 5; i++)
      expect(Math.abs(times[i]! - exact[i]!)).toBeLessThan(1 * (i + 1) + 1e-9);
  });
});
