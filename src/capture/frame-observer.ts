/**
 * observeFrame for a whole capture, fast: a router sends the same advertisement again and
 * again, differing only in the IPv4 identification and header checksum (and a host repeats
 * its ARP packets octet for octet), so a FrameObserver decodes each distinct frame once with
 * observeFrame and answers its repeats from a cache. A repeat is recognised by all its octets
 * but those four (compared, not only hashed); its IPv4 header checksum is verified anew. Every
 * frame that is not a repeat of a well-formed advert or ARP packet, and every malformed one,
 * goes through observeFrame itself: the results are the same, only faster. Pure.
 */
import { ETHERTYPE_ARP, ETHERTYPE_IPV4, emptyLayout, locateLink } from './link';
import { observeFrame } from './frame';
import type { AdvertObservation, ArpObservation, Observation } from './frame';
import { IPPROTO_VRRP } from '../vrrp/ipv4';

/** A decoded frame kept for its repeats: a copy of its octets and the observation. */
interface Entry {
  linkType: number;
  bytes: Uint8Array;
  /** Offset of the IPv4 header (adverts), or -1 (ARP: every octet must match). */
  ipAt: number;
  template: AdvertObservation | ArpObservation;
}

/** Distinct frames kept; the cache starts afresh beyond this (a capture of random noise). */
const MAX_ENTRIES = 4096;

/** The ones'-complement sum of an IPv4 header of `length` octets at `at` is 0xffff. */
function ipv4HeaderValid(buf: Uint8Array, at: number, length: number): boolean {
  let sum = 0;
  for (let i = at; i < at + length; i += 2) sum += (buf[i]! << 8) | buf[i + 1]!;
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return sum === 0xffff;
}

/** FNV-1a over the frame, the IPv4 identification and checksum (at `ipAt` + 4, + 10) left out. */
function hashFrame(buf: Uint8Array, ipAt: number): number {
  let h = 0x811c9dc5;
  const skipId = ipAt + 4;
  const skipSum = ipAt + 10;
  for (let i = 0; i < buf.length; i++) {
    if (ipAt >= 0 && (i === skipId || i === skipId + 1 || i === skipSum || i === skipSum + 1))
      continue;
    h = Math.imul(h ^ buf[i]!, 0x01000193);
  }
  return h >>> 0;
}

function sameFrame(entry: Entry, linkType: number, buf: Uint8Array, ipAt: number): boolean {
  const bytes = entry.bytes;
  if (entry.linkType !== linkType || bytes.length !== buf.length || entry.ipAt !== ipAt)
    return false;
  for (let i = 0; i < buf.length; i++) {
    if (bytes[i] === buf[i]) continue;
    const k = i - ipAt;
    if (ipAt < 0 || (k !== 4 && k !== 5 && k !== 10 && k !== 11)) return false;
  }
  return true;
}

function advertLike(
  t: AdvertObservation,
  time: number,
  source: number,
  frame: number,
  ipId: number,
): AdvertObservation {
  return {
    kind: 'advert',
    time,
    source,
    frame,
    src: t.src,
    dst: t.dst,
    srcMac: t.srcMac,
    vlan: t.vlan,
    vrid: t.vrid,
    version: t.version,
    priority: t.priority,
    intervalMs: t.intervalMs,
    authType: t.authType,
    password: t.password,
    addresses: t.addresses,
    ipId,
    ttl: t.ttl,
    tos: t.tos,
    checksum: t.checksum,
    checksumMode: t.checksumMode,
  };
}

function arpLike(t: ArpObservation, time: number, source: number, frame: number): ArpObservation {
  return {
    kind: 'arp',
    time,
    source,
    frame,
    op: t.op,
    senderMac: t.senderMac,
    senderIp: t.senderIp,
    targetMac: t.targetMac,
    targetIp: t.targetIp,
    broadcast: t.broadcast,
    gratuitous: t.gratuitous,
    vlan: t.vlan,
  };
}

export class FrameObserver {
  private readonly entries = new Map<number, Entry[]>();
  private size = 0;
  private readonly layout = emptyLayout();

  /** The same observation observeFrame gives. Never throws. */
  observe(
    linkType: number,
    data: Uint8Array,
    time: number,
    source: number,
    frame: number,
  ): Observation {
    let ipAt = -1;
    try {
      const l = locateLink(linkType, data, this.layout);
      if (l.etherType === ETHERTYPE_IPV4) {
        ipAt = l.payloadOffset;
        const left = data.length - ipAt;
        if (left >= 10 && data[ipAt + 9] !== IPPROTO_VRRP)
          return { kind: 'ignored', time, source, frame };
        const headerLength = (data[ipAt]! & 0x0f) * 4;
        if (left < 20 || data[ipAt]! >>> 4 !== 4 || headerLength < 20 || headerLength > left)
          return observeFrame(linkType, data, time, source, frame);
        if (!ipv4HeaderValid(data, ipAt, headerLength))
          return observeFrame(linkType, data, time, source, frame);
      } else if (l.etherType !== ETHERTYPE_ARP) {
        return { kind: 'ignored', time, source, frame };
      }
    } catch {
      return observeFrame(linkType, data, time, source, frame);
    }
    return this.cached(linkType, data, ipAt, time, source, frame);
  }

  /** A repeat from the cache, or observeFrame's answer (kept when it is an advert or ARP). */
  private cached(
    linkType: number,
    data: Uint8Array,
    ipAt: number,
    time: number,
    source: number,
    frame: number,
  ): Observation {
    const hash = hashFrame(data, ipAt);
    const bucket = this.entries.get(hash);
    if (bucket !== undefined) {
      for (const entry of bucket) {
        if (!sameFrame(entry, linkType, data, ipAt)) continue;
        const t = entry.template;
        return t.kind === 'advert'
          ? advertLike(t, time, source, frame, (data[ipAt + 4]! << 8) | data[ipAt + 5]!)
          : arpLike(t, time, source, frame);
      }
    }
    const observed = observeFrame(linkType, data, time, source, frame);
    if (observed.kind !== 'advert' && observed.kind !== 'arp') return observed;
    if (this.size >= MAX_ENTRIES) {
      this.entries.clear();
      this.size = 0;
    }
    const entry: Entry = { linkType, bytes: Uint8Array.from(data), ipAt, template: observed };
    const list = this.entries.get(hash);
    if (list === undefined) this.entries.set(hash, [entry]);
    else list.push(entry);
    this.size++;
    return observed;
  }
}
