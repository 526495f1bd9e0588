/**
 * Expectations checked against what the driver shows: pure functions of a snapshot. Each
 * verdict comes with plain words that name the value and the limit.
 */
import { formatDuration } from '../scenario/duration';
import type { ProbeRecord, VipSample } from './driver';
import type { OutageRecord, SwitchoverRecord } from './result';
import type { Expectation } from '../scenario/types';

export interface Snapshot {
  vip: string;
  sample: VipSample;
  /** The latest prober request, if any. */
  lastProbe: ProbeRecord | undefined;
  outages: OutageRecord[];
  switchovers: SwitchoverRecord[];
}

export interface Verdict {
  holds: boolean;
  /**
   * Not decided yet: it may still come to hold until this time (ms), even without a `within`
   * (an outage still going on but shorter than the limit so far).
   */
  undecidedUntil?: number;
  /** What was seen, in words (used in both the pass and the fail message). */
  seen: string;
}

const list = (names: readonly string[]): string => (names.length ? names.join(', ') : 'none');

/** `expect` in words: `VIP owner is server03`. */
export function describeExpectation(e: Expectation, vip: string): string {
  switch (e.kind) {
    case 'vip-owner':
      return `VIP ${vip} owned by ${e.node} alone`;
    case 'no-owner':
      return `VIP ${vip} owned by no node`;
    case 'split-brain':
      return e.present
        ? `split brain (two or more own VIP ${vip})`
        : `no split brain on VIP ${vip}`;
    case 'state':
      return `${e.node} in state ${e.state}`;
    case 'last-outage':
      return `last client outage under ${formatDuration(e.underMs)}`;
    case 'served-by':
      return `requests served by ${e.node}`;
    case 'answers':
      return `requests answered with HTTP ${e.status}${e.node === undefined ? '' : ` by ${e.node}`}`;
    case 'switchover-count': {
      const n = e.atMost !== undefined ? `at most ${e.atMost}` : `exactly ${e.count ?? 0}`;
      const window = e.lastMs === undefined ? '' : ` in the last ${formatDuration(e.lastMs)}`;
      return `${n} switchovers${window}`;
    }
    case 'switchover': {
      const who = `${e.from ?? 'any node'} -> ${e.to ?? 'any node'}`;
      const gap =
        e.gapMs === undefined
          ? ''
          : ` with a gap of ${formatDuration(e.gapMs)} ± ${formatDuration(e.toleranceMs)}`;
      return `latest switchover ${who}${gap}`;
    }
  }
}

export function evaluate(e: Expectation, s: Snapshot): Verdict {
  const owners = s.sample.owners;
  switch (e.kind) {
    case 'vip-owner':
      return {
        holds: owners.length === 1 && owners[0] === e.node,
        seen: `owners: ${list(owners)}`,
      };
    case 'no-owner':
      return { holds: owners.length === 0, seen: `owners: ${list(owners)}` };
    case 'split-brain':
      return { holds: owners.length >= 2 === e.present, seen: `owners: ${list(owners)}` };
    case 'state': {
      const state = s.sample.states[e.node] ?? 'absent';
      return { holds: state === e.state, seen: `${e.node} is ${state}` };
    }
    case 'last-outage': {
      const last = s.outages.at(-1);
      if (!last) return { holds: true, seen: 'no outage' };
      const d = formatDuration(last.durationSeconds * 1000);
      if (last.end === null) {
        const seen = `an outage is still going on (${d} so far)`;
        return last.durationSeconds * 1000 < e.underMs
          ? { holds: false, seen, undecidedUntil: last.start * 1000 + e.underMs }
          : { holds: false, seen };
      }
      return { holds: last.durationSeconds * 1000 < e.underMs, seen: `last outage ${d}` };
    }
    case 'served-by': {
      const p = s.lastProbe;
      const seen = !p
        ? 'no request yet'
        : p.ok
          ? `last request served by ${p.servedBy ?? 'an unknown node'}`
          : `last request failed${p.error ? ` (${p.error})` : ''}`;
      return { holds: p !== undefined && p.ok && p.servedBy === e.node, seen };
    }
    case 'answers': {
      const p = s.lastProbe;
      const seen = !p
        ? 'no request yet'
        : p.status === null
          ? `last request got no answer${p.error ? ` (${p.error})` : ''}`
          : `last request answered with HTTP ${p.status} by ${p.servedBy ?? 'an unknown node'}`;
      return {
        holds:
          p !== undefined &&
          p.status === e.status &&
          (e.node === undefined || p.servedBy === e.node),
        seen,
      };
    }
    case 'switchover-count': {
      const from = e.lastMs === undefined ? -Infinity : (s.sample.t - e.lastMs) / 1000;
      const n = s.switchovers.filter((sw) => sw.at >= from).length;
      const holds = e.atMost !== undefined ? n <= e.atMost : n === e.count;
      return { holds, seen: `${n} switchover${n === 1 ? '' : 's'} seen` };
    }
    case 'switchover': {
      const last = s.switchovers.at(-1);
      if (!last) return { holds: false, seen: 'no switchover seen' };
      const gapMs = last.gapSeconds * 1000;
      const holds =
        (e.from === undefined || last.from === e.from) &&
        (e.to === undefined || last.to === e.to) &&
        (e.gapMs === undefined || Math.abs(gapMs - e.gapMs) <= e.toleranceMs);
      return {
        holds,
        seen: `latest switchover ${last.from} -> ${last.to} with a gap of ${formatDuration(gapMs)}`,
      };
    }
  }
}
