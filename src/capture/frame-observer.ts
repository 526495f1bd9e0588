/**
 * observeFrame for a whole capture, fast: a router sends the same advertisement again and
 * again, differing only in the IPv4 identification and header checksum (and a host repeats
 * its ARP packets octet for octet), so a FrameObserver decodes each distinct frame once with
 * observeFrame and answers its repeats from a cache. A repeat is recognised by all its octets
 * but those four (compared, not only keyed); its IPv4 header checksum is verified anew. Every
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

function u32(buf: Uint8Array, at: number): number {
  return ((buf[at]! << 24) | (buf[at + 1]! << 16) | (buf[at + 2]! << 8) | buf[at + 3]!) >>> 0;
}

/**
 * The cache key of a frame: for an advert (IPv4 header at `ipAt`) its source address and VRRP
 * checksum (which covers the whole message), for an ARP packet (at `arpAt`) its sender and
 * target addresses. Frames with the same key are compared octet by octet anyway.
 */
function advertKey(buf: Uint8Array, ipAt: number, headerLength: number, end: number): number {
  const sum = ipAt + headerLength + 6;
  const checksum = sum + 2 <= end ? (buf[sum]! << 8) | buf[sum + 1]! : 0;
  return u32(buf, ipAt + 12) * 65536 + checksum;
}

function arpKey(buf: Uint8Array, arpAt: number, end: number): number {
  if (arpAt + 28 > end) return end - arpAt;
  return u32(buf, arpAt + 14) * 65536 + ((buf[arpAt + 26]! << 8) | buf[arpAt + 27]!);
}

/** Is the frame at `start` (`n` octets, IPv4 header at `ipAt` relative, or -1) the entry's? */
function sameFrame(
  entry: Entry,
  linkType: number,
  buf: Uint8Array,
  start: number,
  n: number,
  ipAt: number,
): boolean {
  const bytes = entry.bytes;
  if (entry.linkType !== linkType || bytes.length !== n || entry.ipAt !== ipAt) return false;
  for (let i = 0; i < n; i++) {
    if (bytes[i] === buf[start + i]) continue;
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
    return this.observeAt(linkType, data, 0, data.length, time, source, frame);
  }

  /** observe() for the frame in `buf` from `start` to `end`, without a view of it. */
  observeAt(
    linkType: number,
    buf: Uint8Array,
    start: number,
    end: number,
    time: number,
    source: number,
    frame: number,
  ): Observation {
    let ipAt = -1;
    let key: number;
    try {
      const l = locateLink(linkType, buf, this.layout, start, end);
      const at = start + l.payloadOffset;
      if (l.etherType === ETHERTYPE_IPV4) {
        const left = end - at;
        if (left >= 10 && buf[at + 9] !== IPPROTO_VRRP)
          return { kind: 'ignored', time, source, frame };
        const headerLength = (buf[at]! & 0x0f) * 4;
        if (left < 20 || buf[at]! >>> 4 !== 4 || headerLength < 20 || headerLength > left)
          return this.slow(linkType, buf, start, end, time, source, frame);
        if (!ipv4HeaderValid(buf, at, headerLength))
          return this.slow(linkType, buf, start, end, time, source, frame);
        ipAt = l.payloadOffset;
        key = advertKey(buf, at, headerLength, end);
      } else if (l.etherType === ETHERTYPE_ARP) {
        key = arpKey(buf, at, end);
      } else {
        return { kind: 'ignored', time, source, frame };
      }
    } catch {
      return this.slow(linkType, buf, start, end, time, source, frame);
    }
    const bucket = this.entries.get(key);
    if (bucket !== undefined) {
      for (const entry of bucket) {
        if (!sameFrame(entry, linkType, buf, start, end - start, ipAt)) continue;
        const t = entry.template;
        const id = start + ipAt + 4;
        return t.kind === 'advert'
          ? advertLike(t, time, source, frame, (buf[id]! << 8) | buf[id + 1]!)
          : arpLike(t, time, source, frame);
      }
    }
    return this.remember(key, linkType, buf.subarray(start, end), ipAt, time, source, frame);
  }

  private slow(
    linkType: number,
    buf: Uint8Array,
    start: number,
    end: number,
    time: number,
    source: number,
    frame: number,
  ): Observation {
    return observeFrame(linkType, buf.subarray(start, end), time, source, frame);
  }

  /** observeFrame's answer, kept for the repeats when it is an advert or ARP packet. */
  private remember(
    key: number,
    linkType: number,
    data: Uint8Array,
    ipAt: number,
    time: number,
    source: number,
    frame: number,
  ): Observation {
    const observed = observeFrame(linkType, data, time, source, frame);
    if (observed.kind !== 'advert' && observed.kind !== 'arp') return observed;
    if (this.size >= MAX_ENTRIES) {
      this.entries.clear();
      this.size = 0;
    }
    const entry: Entry = { linkType, bytes: Uint8Array.from(data), ipAt, template: observed };
    const list = this.entries.get(key);
    if (list === undefined) this.entries.set(key, [entry]);
    else list.push(entry);
    this.size++;
    return observed;
  }
}
