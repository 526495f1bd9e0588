/**
 * Gratuitous ARPs from one MAC for one IP less than `garpBurstGapSeconds` apart form a burst.
 * A switchover gets the first burst for one of its VRID's virtual addresses that starts at most
 * `garpLeadSeconds` before `at` and before the VRID's next switchover, preferring a burst from
 * the new master's MAC.
 */
import type { ArpObservation } from './frame';
import { lowerBound } from './timeline-order';
import type { GarpBurst, ResolvedOptions, Switchover, VridTimeline } from './timeline-types';

/** Gratuitous ARPs into bursts, one at a time in time order. */
export class GarpBurster {
  readonly bursts: GarpBurst[] = [];
  private readonly current = new Map<string, GarpBurst>();

  constructor(private readonly gapSeconds: number) {}

  /** Add a gratuitous ARP; returns the burst it begins, or null when it extends one. */
  add(a: ArpObservation): GarpBurst | null {
    const key = `${a.senderMac}|${a.senderIp}`;
    const burst = this.current.get(key);
    if (burst && a.time - burst.end <= this.gapSeconds) {
      burst.end = a.time;
      burst.count += 1;
      return null;
    }
    const fresh: GarpBurst = {
      time: a.time,
      end: a.time,
      senderMac: a.senderMac,
      ip: a.senderIp,
      count: 1,
      vrid: null,
      switchoverIndex: null,
      afterSwitchoverSeconds: null,
    };
    this.current.set(key, fresh);
    this.bursts.push(fresh);
    return fresh;
  }
}

/** Attach each switchover's first following GARP burst (see the module comment). */
export function attachGarps(
  vrids: readonly VridTimeline[],
  switchovers: readonly Switchover[],
  bursts: GarpBurst[],
  opts: ResolvedOptions,
): void {
  const starts = bursts.map((b) => b.time);
  const indexOf = new Map(switchovers.map((s, i) => [s, i]));
  for (const v of vrids) {
    const vips = new Set(v.addresses);
    const announces = (b: GarpBurst): boolean => vips.size === 0 || vips.has(b.ip);
    v.switchovers.forEach((s, k) => {
      const until = v.switchovers[k + 1]?.at ?? Infinity;
      let chosen: GarpBurst | undefined;
      for (let i = lowerBound(starts, s.at - opts.garpLeadSeconds); i < bursts.length; i++) {
        const b = bursts[i]!;
        if (b.time >= until) break;
        // Prefer the new master's MAC among bursts close to the first candidate.
        if (chosen && b.time > chosen.time + opts.garpBurstGapSeconds) break;
        if (!announces(b)) continue;
        if (s.toMac === null || b.senderMac === s.toMac) {
          chosen = b;
          break;
        }
        chosen ??= b;
      }
      if (!chosen) return;
      s.garpAfterSeconds = chosen.time - s.at;
      s.garpCount = chosen.count;
      s.garpMac = chosen.senderMac;
      chosen.switchoverIndex = indexOf.get(s) ?? null;
      chosen.afterSwitchoverSeconds = chosen.time - s.at;
    });
  }
  for (const b of bursts) {
    if (b.vrid !== null) continue;
    const owner = b.switchoverIndex !== null ? switchovers[b.switchoverIndex] : undefined;
    b.vrid = owner?.vrid ?? vrids.find((v) => v.addresses.includes(b.ip))?.vrid ?? null;
  }
}
