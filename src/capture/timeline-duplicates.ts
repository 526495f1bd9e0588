/**
 * Copies of one packet seen by several captures, counted once: the same advert (same source,
 * VRID, priority and IPv4 id, within 1 ms) counts once; so does an ARP packet seen in two
 * different captures (same operation and addresses within 1 ms: each copy in another capture
 * absorbs one).
 */
import type { ArpObservation } from './frame';
import type { Advert } from './timeline-types';

/** Drops the copies of a packet seen by several captures; observations in time order. */
export class DuplicateFilter {
  duplicates = 0;
  /** Adverts kept in the last `windowSeconds` (usually 0 to 2 of them). */
  private readonly recentAdverts: Advert[] = [];
  private readonly recentArps: { arp: ArpObservation; claimedBy: number[] }[] = [];

  constructor(private readonly windowSeconds: number) {}

  /** Is advert `o` a copy of one kept in the last window? Counts it when so. */
  advertIsCopy(o: Advert): boolean {
    const w = this.windowSeconds;
    const recent = this.recentAdverts;
    while (recent.length > 0 && o.time - recent[0]!.time > w) recent.shift();
    for (const a of recent) {
      if (a.vrid === o.vrid && a.ipId === o.ipId && a.priority === o.priority && a.src === o.src) {
        this.duplicates++;
        return true;
      }
    }
    recent.push(o);
    return false;
  }

  /** Is ARP packet `o` a copy, from another capture, of one kept in the last window? */
  arpIsCopy(o: ArpObservation): boolean {
    const w = this.windowSeconds;
    const recent = this.recentArps;
    while (recent.length > 0 && o.time - recent[0]!.arp.time > w) recent.shift();
    const original = recent.find(
      ({ arp: a, claimedBy }) =>
        a.source !== o.source &&
        !claimedBy.includes(o.source) &&
        a.op === o.op &&
        a.senderIp === o.senderIp &&
        a.targetIp === o.targetIp &&
        a.senderMac === o.senderMac &&
        a.targetMac === o.targetMac,
    );
    if (original) {
      original.claimedBy.push(o.source);
      this.duplicates++;
      return true;
    }
    recent.push({ arp: o, claimedBy: [] });
    return false;
  }
}
