/**
 * VRRP timers, in milliseconds (exact: every value here is a dyadic fraction of a millisecond).
 *
 * RFC 3768 section 6.1 (v2): Skew_Time = (256 - Priority) / 256 seconds,
 *   Master_Down_Interval = 3 * Advertisement_Interval + Skew_Time.
 * RFC 5798 section 6.1 (v3): Skew_Time = ((256 - Priority) * Master_Adver_Interval) / 256,
 *   Master_Down_Interval = 3 * Master_Adver_Interval + Skew_Time.
 *
 * keepalived 2.2.7 computes the same in integer microseconds (VRRP_TIMER_SKEW), truncating:
 * for v3 at 100 ms and priority 100 it gets 360937 us where the RFC gives 360937.5 us. We keep
 * the RFC's exact value; the difference is below any capture's resolution.
 */
import type { VrrpVersion } from './config';

export function skewTimeMs(
  version: VrrpVersion,
  priority: number,
  masterAdverIntervalMs: number,
): number {
  if (version === 2) return ((256 - priority) * 1000) / 256;
  return ((256 - priority) * masterAdverIntervalMs) / 256;
}

export function masterDownIntervalMs(
  version: VrrpVersion,
  priority: number,
  masterAdverIntervalMs: number,
): number {
  return 3 * masterAdverIntervalMs + skewTimeMs(version, priority, masterAdverIntervalMs);
}
