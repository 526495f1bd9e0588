/**
 * A run's schedule: which faults, on what, when and for how long, drawn from a seeded RNG; and
 * the same schedule as a scenario file's steps (wait, fault, heal), which the runner then runs
 * as it runs any scenario. Every fault is healed before the horizon's last `settleMs`, so the
 * lab has that long to agree again. Pure.
 */
import { faultDef, type ExploreContext } from '../faults';
import { msText } from '../faults/explore-draw';
import type { SeededRng } from '../sim/rng';
import type { Explorable } from './draw';

/** One fault of a schedule: file-form targets and options, from `atMs` for `forMs`. */
export interface ScheduledFault {
  kind: string;
  input: Record<string, unknown>;
  atMs: number;
  forMs: number;
}

export interface Schedule {
  faults: ScheduledFault[];
  horizonMs: number;
}

export interface ScheduleOptions {
  horizonMs: number;
  maxFaults: number;
  /** The quiet end of the horizon: no fault is active in it. */
  settleMs: number;
}

/** Shortest and longest fault, ms: from a blip inside one advert interval to a long outage. */
export const MIN_FAULT_MS = 50;
export const MAX_FAULT_MS = 30_000;
/** Tries to draw a fault that does not overlap one of its kind on the same targets. */
const TRIES = 5;

/** The names a fault's targets are known by (nodes, both sides, the router it brings). */
export function targetsOf(f: Pick<ScheduledFault, 'input'>): string[] {
  const i = f.input as { node?: string; nodes?: string[]; between?: string[][]; rogue?: string };
  return [
    ...(i.node !== undefined ? [i.node] : []),
    ...(i.nodes ?? []),
    ...(i.between?.flat() ?? []),
    ...(i.rogue !== undefined ? [i.rogue] : []),
  ];
}

/** Two faults of one kind on a shared target at the same time: one heal would heal both. */
function clashes(a: ScheduledFault, b: ScheduledFault): boolean {
  if (a.kind !== b.kind) return false;
  if (a.atMs >= b.atMs + b.forMs || b.atMs >= a.atMs + a.forMs) return false;
  const tb = targetsOf(b);
  return targetsOf(a).some((t) => tb.includes(t));
}

/** A duration, log-uniform between the shortest and the room left. */
function drawDuration(rng: SeededRng, room: number): number {
  const hi = Math.max(MIN_FAULT_MS, Math.min(MAX_FAULT_MS, room));
  return Math.round(MIN_FAULT_MS * (hi / MIN_FAULT_MS) ** rng.next());
}

export function drawSchedule(
  rng: SeededRng,
  faults: readonly Explorable[],
  ctx: ExploreContext,
  options: ScheduleOptions,
): Schedule {
  const last = options.horizonMs - options.settleMs;
  const out: ScheduledFault[] = [];
  if (faults.length === 0 || last <= MIN_FAULT_MS)
    return { faults: out, horizonMs: options.horizonMs };
  const count = rng.int(1, Math.max(1, options.maxFaults));
  for (let k = 0; k < count; k++) {
    const fault = faults[rng.int(0, faults.length - 1)]!;
    for (let t = 0; t < TRIES; t++) {
      const input = fault.draw(rng, ctx);
      if (!input) break;
      const atMs = rng.int(0, last - MIN_FAULT_MS);
      const f = { kind: fault.kind, input, atMs, forMs: drawDuration(rng, last - atMs) };
      if (out.some((o) => clashes(o, f))) continue;
      out.push(f);
      break;
    }
  }
  out.sort((a, b) => a.atMs - b.atMs);
  return { faults: out, horizonMs: options.horizonMs };
}

/** The heal step of a scheduled fault: its kind and the targets it was applied to. */
function healStep(f: ScheduledFault): Record<string, unknown> {
  const i = f.input;
  switch (faultDef(f.kind).target) {
    case 'between':
      return { heal: f.kind, between: i.between };
    case 'rogue':
      return { heal: f.kind, rogue: i.rogue };
    case 'nodes':
      return i.node !== undefined
        ? { heal: f.kind, node: i.node }
        : { heal: f.kind, nodes: i.nodes };
  }
}

type FileStep = Record<string, unknown>;

/**
 * The schedule as file steps: applies and heals at their times with waits between, then a wait
 * to `untilMs` (default the horizon). Events at the same time: heals first, then applies, each
 * in schedule order.
 */
export function scheduleSteps(schedule: Schedule, untilMs = schedule.horizonMs): FileStep[] {
  const events = schedule.faults.flatMap((f, i) => [
    { t: f.atMs, order: 1, i, step: { fault: f.kind, ...f.input } },
    { t: f.atMs + f.forMs, order: 0, i, step: healStep(f) },
  ]);
  events.sort((a, b) => a.t - b.t || a.order - b.order || a.i - b.i);
  const steps: FileStep[] = [];
  let now = 0;
  for (const e of events) {
    if (e.t > untilMs) break;
    if (e.t > now) steps.push({ wait: msText(e.t - now) });
    now = Math.max(now, e.t);
    steps.push(e.step);
  }
  if (untilMs > now) steps.push({ wait: msText(untilMs - now) });
  return steps;
}
