/**
 * Step 3 of a VRID's analysis: master periods and switchovers, from the runs.
 *
 * - Master periods (who is master "of record", never overlapping): the earliest run's router
 *   is master first. When the current master's run ends, the next master is the router of the
 *   first advert (priority > 0) after that end. If it is the same router (it came back after
 *   its own silence, nobody else advertised) a new period starts without a switchover.
 *   Otherwise that is a switchover, `at` = the first advert of the new master's run (or its
 *   first advert after the current period started, when its run started even earlier), and
 *   the old master's period ends at its last advert before `at`. A router that advertised only
 *   while the master of record kept advertising (the loser of a split brain) never becomes
 *   master of record: its adverts show up in `splitBrain`, not in `switchovers`.
 * - Switchover reason: 'priority-0' when the old master's last advert before `at` had priority
 *   0 (or its run ended with one while the new master was already advertising); 'preempted'
 *   when the old master was still advertising normally (gap <= 1.5 x its interval) or the new
 *   master was already advertising before the old one's last advert (the old one stepped down
 *   or died during a split brain: the capture cannot tell these apart); 'silence' otherwise
 *   (the old master stopped and a backup took over after its Master_Down_Interval).
 */
import { lowerBound, upperBound } from './timeline-order';
import { intervalSeconds } from './timeline-runs';
import type { RunState, VridRuns } from './timeline-runs';
import type {
  Advert,
  MasterPeriod,
  MasterPeriodEnd,
  SplitBrain,
  Switchover,
  SwitchoverReason,
} from './timeline-types';

/** Preemption: the old master's last advert is at most this many of its intervals before `at`. */
const PREEMPT_GAP_INTERVALS = 1.5;

/** Who was master of record when, and the switchovers between them. */
export function masterPeriodsOf(
  vrid: number,
  adverts: readonly Advert[],
  { states, runOf }: VridRuns,
  splitBrain: readonly SplitBrain[],
): { masterPeriods: MasterPeriod[]; switchovers: Switchover[] } {
  const masterPeriods: MasterPeriod[] = [];
  const switchovers: Switchover[] = [];
  if (states.length === 0) return { masterPeriods, switchovers };
  let ci = 0;
  let periodStart = states[0]!.run.start;
  for (;;) {
    const cur = states[ci]!;
    const si = nextMasterRun(adverts, runOf, cur, ci);
    if (si < 0) {
      masterPeriods.push(period(vrid, cur, periodStart, cur.run.end, cur.run.endReason));
      break;
    }
    const next = states[si]!;
    if (next.run.src === cur.run.src) {
      masterPeriods.push(period(vrid, cur, periodStart, cur.run.end, cur.run.endReason));
      ci = si;
      periodStart = next.run.start;
      continue;
    }
    const switchover = switchoverOf(vrid, cur, next, periodStart, splitBrain);
    switchovers.push(switchover);
    masterPeriods.push(period(vrid, cur, periodStart, switchover.lastAdvertAt, switchover.reason));
    ci = si;
    periodStart = switchover.at;
  }
  return { masterPeriods, switchovers };
}

/** The run of the first advert (priority > 0) of another run after `cur`'s last one, or -1. */
function nextMasterRun(
  adverts: readonly Advert[],
  runOf: Int32Array,
  cur: RunState,
  ci: number,
): number {
  const n = adverts.length;
  let j = cur.lastIndex + 1;
  while (j < n && (runOf[j]! < 0 || runOf[j] === ci || adverts[j]!.priority === 0)) j++;
  return j >= n ? -1 : runOf[j]!;
}

/** The switchover from `cur`'s router to `next`'s, `cur`'s period having started at `periodStart`. */
function switchoverOf(
  vrid: number,
  cur: RunState,
  next: RunState,
  periodStart: number,
  splitBrain: readonly SplitBrain[],
): Switchover {
  const firstIndex = next.run.start > periodStart ? 0 : upperBound(next.times, periodStart);
  const at = next.times[firstIndex]!;
  const lastIndex = lowerBound(cur.times, at) - 1;
  const lastAdvertAt = cur.times[lastIndex]!;
  const fromPriority = cur.priorities[lastIndex]!;
  const gapSeconds = at - lastAdvertAt;
  const overlapped = next.run.start <= cur.run.end;
  let reason: SwitchoverReason;
  if (fromPriority === 0 || (overlapped && cur.run.endReason === 'priority-0'))
    reason = 'priority-0';
  else if (overlapped || gapSeconds <= PREEMPT_GAP_INTERVALS * intervalSeconds(cur.last))
    reason = 'preempted';
  else reason = 'silence';
  return {
    vrid,
    from: cur.run.src,
    to: next.run.src,
    at,
    gapSeconds,
    lastAdvertAt,
    reason,
    fromPriority,
    toPriority: next.priorities[firstIndex]!,
    toMac: next.run.srcMac,
    duringSplitBrain: splitBrain.some((s) => s.start <= at && at <= s.end),
    garpAfterSeconds: null,
    garpCount: 0,
    garpMac: null,
  };
}

function period(
  vrid: number,
  state: RunState,
  start: number,
  end: number,
  endReason: MasterPeriodEnd,
): MasterPeriod {
  const adverts = upperBound(state.times, end) - lowerBound(state.times, start);
  return { vrid, router: state.run.src, start, end, adverts, endReason };
}
