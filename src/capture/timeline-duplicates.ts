/**
 * Copies of one packet seen by several captures, counted once: the same advert (same source,
 * VRID, priority and IPv4 id, within 1 ms) counts once; so does an ARP packet seen in two
 * different captures (same operation and addresses within 1 ms: each copy in another capture
 * absorbs one).
 */
import type { ArpObservation, Observation } from './frame';
import type { Advert } from './timeline-types';

export interface Removed {
  adverts: Advert[];
  arps: ArpObservation[];
  duplicates: number;
}

/** Drop the copies of a packet seen by several captures (input in time order). */
export function removeDuplicates(sorted: readonly Observation[], windowSeconds: number): Removed {
  const adverts: Advert[] = [];
  const arps: ArpObservation[] = [];
  let duplicates = 0;
  // Adverts kept in the last `windowSeconds` (usually 0 to 2 of them).
  let recentAdverts: Advert[] = [];
  let recentArps: { arp: ArpObservation; claimedBy: number[] }[] = [];
  for (const o of sorted) {
    if (o.kind === 'advert') {
      if (recentAdverts.length > 0 && o.time - recentAdverts[0]!.time > windowSeconds) {
        recentAdverts = recentAdverts.filter((a) => o.time - a.time <= windowSeconds);
      }
      const copy = recentAdverts.some(
        (a) =>
          a.vrid === o.vrid && a.ipId === o.ipId && a.priority === o.priority && a.src === o.src,
      );
      if (copy) {
        duplicates++;
        continue;
      }
      recentAdverts.push(o);
      adverts.push(o);
    } else if (o.kind === 'arp') {
      if (recentArps.length > 0 && o.time - recentArps[0]!.arp.time > windowSeconds) {
        recentArps = recentArps.filter((a) => o.time - a.arp.time <= windowSeconds);
      }
      const original = recentArps.find(
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
        duplicates++;
        continue;
      }
      recentArps.push({ arp: o, claimedBy: [] });
      arps.push(o);
    }
  }
  return { adverts, arps, duplicates };
}
