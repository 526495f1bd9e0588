/**
 * Orderings and binary searches the timeline analysis shares: observations by time (then
 * capture, then frame), IPv4 addresses numerically, and bounds in ascending time lists.
 */
import { ipToNumber } from '../vrrp/ipv4';
import type { Observation } from './frame';

export function compareObservations(a: Observation, b: Observation): number {
  return a.time - b.time || a.source - b.source || a.frame - b.frame;
}

export function isSorted(list: readonly Observation[]): boolean {
  for (let i = 1; i < list.length; i++)
    if (compareObservations(list[i - 1]!, list[i]!) > 0) return false;
  return true;
}

export function compareIp(a: string, b: string): number {
  return ipToNumber(a) - ipToNumber(b);
}

/** Index of the first element >= x (times ascending). */
export function lowerBound(times: readonly number[], x: number): number {
  let lo = 0;
  let hi = times.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (times[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
