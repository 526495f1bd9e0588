/**
 * The delay fault in the simulator, in virtual time. The seed lab with server01 at priority 150:
 * server03 (priority 100, 1 s adverts) declares the master down 3 x 1 s + (256 - 100) / 256 s =
 * 3609.375 ms after the last advert it heard. An advert held for L on its way arrives 1 s + L
 * after the one before: the backup takes over iff 1 s + L > 3609.375 ms, and steps back as soon
 * as the late adverts (priority 150) arrive again, so split brain lasts 1 s + L - 3609.375 ms.
 */
import { SEED_LAB, seedInstance, type SeedWebNode } from '../../../src/lab/seed-lab';
import { VirtualClock } from '../../../src/sim/clock';
import { DelayLines } from '../../../src/sim/delay-lines';
import { EventQueue } from '../../../src/sim/event-queue';
import { SeededRng } from '../../../src/sim/rng';
import type { SimEvent } from '../../../src/sim/sim-event';
import { Simulator } from '../../../src/sim/simulator';
import {
  simulateFault as simulate,
  type FaultUnit,
  type SimFaultContext,
} from '../../../src/faults';

const VIP = SEED_LAB.vip;
const MDI = 3 * 1000 + ((256 - 100) * 1000) / 256;

function sim(): Simulator {
  const node = (name: SeedWebNode, priority: number) => ({
    name,
    address: SEED_LAB.nodes[name].address,
    instances: [seedInstance(name, { priority })],
  });
  return new Simulator({ seed: 3, nodes: [node('server01', 150), node('server03', 100)] });
}

/** The fault's simulator part on a bare Simulator (no rogue routers here). */
const simulateFault = (u: FaultUnit, s: Simulator, action: 'apply' | 'heal'): void =>
  simulate(
    u,
    Object.assign(Object.create(s) as Simulator, {
      rogueOn: () => undefined,
      rogueOff: () => undefined,
    }) satisfies SimFaultContext,
    action,
  );

const delay = (
  node: string,
  latencyMs: number,
  direction: 'out' | 'in' | 'both' = 'out',
  jitterMs = 0,
): FaultUnit => ({
  kind: 'delay',
  nodes: [node],
  latencyMs,
  jitterMs,
  direction,
  protocol: 'all',
});

/** When server01's adverts left it (as the captures see them). */
const departures = (s: Simulator): number[] =>
  s.wire.filter((p) => p.from === 'server01').map((p) => p.t);
const intervals = (ts: number[]): number[] => ts.slice(1).map((t, i) => t - ts[i]!);
const becameMaster = (s: Simulator, node: string): number[] =>
  s.trace.flatMap((e) => (e.type === 'state' && e.node === node && e.to === 'MASTER' ? [e.t] : []));

test('a delay above Master_Down_Interval on the master: takeover, split brain until the late adverts come', () => {
  const s = sim();
  s.runUntil(10_500);
  expect(s.vipOwners(VIP)).toEqual(['server01']);
  const lastOnTime = departures(s).at(-1)!;
  simulateFault(delay('server01', 5000), s, 'apply');
  const owners: string[] = [];
  for (let t = 10_500; t <= 30_000; t += 10) {
    s.runUntil(t);
    const now = s.vipOwners(VIP).join('+');
    if (owners.at(-1) !== now) owners.push(now);
  }
  // Once: the advert interval is 1 s + 5 s; then at most 1 s again (server01 also answers
  // server03's lower-priority adverts at once, as keepalived does).
  const after = intervals(departures(s).filter((t) => t >= lastOnTime));
  expect(after[0]).toBe(6000);
  expect(Math.max(...after.slice(1))).toBe(1000);
  // server03 takes over Master_Down_Interval after the last advert on time, and steps back when
  // the first late advert arrives, 1 s + 5 s after it.
  expect(becameMaster(s, 'server03')).toEqual([lastOnTime + MDI]);
  const back = s.trace.find(
    (e) => e.type === 'state' && e.node === 'server03' && e.from === 'MASTER',
  );
  expect(back?.t).toBe(lastOnTime + 6000);
  expect(owners).toEqual(['server01', 'server01+server03', 'server01']);
  expect(s.vipOwners(VIP)).toEqual(['server01']);
});

test('a delay below it: one long interval, no takeover', () => {
  const s = sim();
  s.runUntil(10_500);
  const lastOnTime = departures(s).at(-1)!;
  simulateFault(delay('server01', 2000), s, 'apply');
  s.runUntil(30_000);
  expect(intervals(departures(s).filter((t) => t >= lastOnTime))[0]).toBe(3000);
  expect(becameMaster(s, 'server03')).toEqual([]);
  expect(s.vipOwners(VIP)).toEqual(['server01']);
});

test('heal lets go of every held advert at once (nothing lost), and is idempotent', () => {
  const s = sim();
  s.runUntil(10_500);
  simulateFault(delay('server01', 2000), s, 'apply');
  s.runUntil(20_700);
  const sent = s.trace.filter((e) => e.type === 'send' && e.node === 'server01').length;
  simulateFault(delay('server01', 2000), s, 'heal');
  // The two adverts still held leave at the heal; every advert sent has left.
  expect(departures(s).filter((t) => t === 20_700)).toHaveLength(2);
  expect(s.wire.filter((p) => p.from === 'server01')).toHaveLength(sent);
  simulateFault(delay('server01', 2000), s, 'heal');
  s.runUntil(25_000);
  expect(intervals(departures(s).filter((t) => t > 20_700))).toEqual([1000, 1000, 1000]);
});

test('held adverts of a node that loses its link never leave (the kernel drops them)', () => {
  const s = sim();
  s.runUntil(10_500);
  simulateFault(delay('server01', 2000), s, 'apply');
  s.runUntil(12_700);
  const left = departures(s).length;
  s.linkDown('server01');
  s.runUntil(20_000);
  expect(departures(s)).toHaveLength(left);
});

test('direction in on the backup: what it hears is late; above the threshold it takes over', () => {
  for (const [latency, takesOver] of [
    [2000, false],
    [3000, true],
  ] as const) {
    const s = sim();
    s.runUntil(10_500);
    simulateFault(delay('server03', latency, 'in'), s, 'apply');
    s.runUntil(30_000);
    // Nothing late on the wire (the captures see ingress before the delay).
    expect(Math.max(...intervals(departures(s)))).toBe(1000);
    expect([latency, becameMaster(s, 'server03').length > 0]).toEqual([latency, takesOver]);
    expect(s.vipOwners(VIP)).toEqual(['server01']);
  }
});

describe('delay lines (chaos-delayq in the simulator)', () => {
  function lines(): { dl: DelayLines; run: (until: number) => void; clock: VirtualClock } {
    const clock = new VirtualClock(0);
    const queue = new EventQueue<SimEvent>();
    const dl = new DelayLines(clock, new SeededRng(9), queue);
    const run = (until: number) => {
      while ((queue.peekTime() ?? Infinity) <= until) {
        const ev = queue.pop()!;
        clock.set(ev.at);
        if (ev.item.kind === 'action') ev.item.run();
      }
      clock.set(until);
    };
    return { dl, run, clock };
  }

  test('no jitter: each held for the latency, in arrival order; jitter spreads and reorders', () => {
    const { dl, run, clock } = lines();
    const out: [number, number][] = [];
    dl.set('a', 'out', 100, 0);
    for (let i = 0; i < 20; i++) {
      expect(dl.hold('a', 'out', () => out.push([i, clock.now()]))).toBe(true);
      run(clock.now() + 10);
    }
    run(1000);
    expect(out).toEqual(Array.from({ length: 20 }, (_, i) => [i, i * 10 + 100]));
    out.length = 0;
    dl.set('a', 'out', 100, 300);
    const start = clock.now();
    for (let i = 0; i < 20; i++) {
      dl.hold('a', 'out', () => out.push([i, clock.now()]));
      run(clock.now() + 10);
    }
    run(start + 2000);
    const order = out.map(([i]) => i);
    expect(order).not.toEqual([...order].sort((x, y) => x - y));
    expect(order.sort((x, y) => x - y)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    const held = out.map(([i, t]) => t - (start + i * 10));
    for (const h of held) expect(h >= 100 && h <= 400).toBe(true);
  });

  test('a heal lets go of all at once in arrival order; no line: not held', () => {
    const { dl, run, clock } = lines();
    const out: number[] = [];
    expect(dl.hold('a', 'in', () => out.push(-1))).toBe(false);
    dl.set('a', 'in', 1000, 500);
    for (let i = 0; i < 5; i++) dl.hold('a', 'in', () => out.push(i));
    run(50);
    dl.set('a', 'in', 0, 0);
    expect([out, clock.now()]).toEqual([[0, 1, 2, 3, 4], 50]);
    run(5000);
    expect(out).toEqual([0, 1, 2, 3, 4]);
    expect(dl.has('a', 'in')).toBe(false);
  });
});
