/**
 * Link layers found in captures of a VRRP lab: Ethernet II with 802.1Q/802.1ad tags, Linux
 * cooked captures (`tcpdump -i any`: SLL and SLL2) and raw IPv4. Pure: bytes in, values out,
 * coded DecodeErrors for malformed headers.
 */
import { DecodeError } from '../errors';

/** pcap LINKTYPE_* values (https://www.tcpdump.org/linktypes.html). */
export const LINKTYPE_ETHERNET = 1;
/** Raw IP, no link header: IPv4 or IPv6 by the version nibble. */
export const LINKTYPE_RAW = 101;
/** Linux cooked capture v1 (`tcpdump -i any` before libpcap 1.10). */
export const LINKTYPE_LINUX_SLL = 113;
/** Raw IPv4 only. */
export const LINKTYPE_IPV4 = 228;
/** Linux cooked capture v2 (`tcpdump -i any` since libpcap 1.10). */
export const LINKTYPE_LINUX_SLL2 = 276;

export const SUPPORTED_LINKTYPES: readonly number[] = [
  LINKTYPE_ETHERNET,
  LINKTYPE_RAW,
  LINKTYPE_LINUX_SLL,
  LINKTYPE_IPV4,
  LINKTYPE_LINUX_SLL2,
];

export function linkTypeName(linkType: number): string {
  switch (linkType) {
    case LINKTYPE_ETHERNET:
      return 'Ethernet';
    case LINKTYPE_RAW:
      return 'raw IP';
    case LINKTYPE_LINUX_SLL:
      return 'Linux cooked (SLL)';
    case LINKTYPE_IPV4:
      return 'raw IPv4';
    case LINKTYPE_LINUX_SLL2:
      return 'Linux cooked v2 (SLL2)';
    default:
      return `link type ${linkType}`;
  }
}

export const ETHERTYPE_IPV4 = 0x0800;
export const ETHERTYPE_ARP = 0x0806;
export const ETHERTYPE_VLAN = 0x8100;
export const ETHERTYPE_QINQ = 0x88a8;
/** Pre-standard QinQ tag some switches still use. */
export const ETHERTYPE_QINQ_OLD = 0x9100;
export const ETHERTYPE_IPV6 = 0x86dd;

/** Ethernet II header: destination (6) + source (6) + EtherType (2). */
export const ETHERNET_HEADER_LENGTH = 14;
/** 802.1Q tag after the source address: TPID (2, the EtherType slot) + TCI (2). */
export const VLAN_TAG_LENGTH = 4;
/** SLL: packet type (2) + ARPHRD (2) + address length (2) + address (8) + protocol (2). */
export const SLL_HEADER_LENGTH = 16;
/** SLL2: protocol (2) + reserved (2) + ifindex (4) + ARPHRD (2) + packet type (1) + address length (1) + address (8). */
export const SLL2_HEADER_LENGTH = 20;
/** At most this many stacked VLAN tags are unwrapped (802.1ad QinQ is two; some carriers stack more). */
const MAX_VLAN_TAGS = 4;

/** ARPHRD_ETHER: the cooked header's address is a 6-octet MAC. */
const ARPHRD_ETHER = 1;
/** SLL packet types (`PACKET_*` in linux/if_packet.h). */
export const SLL_PACKET_HOST = 0;
export const SLL_PACKET_BROADCAST = 1;
export const SLL_PACKET_MULTICAST = 2;
export const SLL_PACKET_OTHERHOST = 3;
export const SLL_PACKET_OUTGOING = 4;

export const BROADCAST_MAC = 'ff:ff:ff:ff:ff:ff';

/** What the link layer says about a frame, and where the network-layer payload starts. */
export interface LinkFrame {
  /** EtherType of the payload (after any VLAN tags); 0x0800 for raw IPv4 link types. */
  etherType: number;
  /** The network-layer payload (a view into the frame). */
  payload: Uint8Array;
  /** Source MAC when the link layer carries one (Ethernet, SLL/SLL2 with ARPHRD_ETHER). */
  srcMac: string | null;
  /** Destination MAC (Ethernet only; cooked captures do not keep it). */
  dstMac: string | null;
  /** Sent to the broadcast address: Ethernet ff:ff:ff:ff:ff:ff or SLL packet type 1; null when unknown. */
  broadcast: boolean | null;
  /** VLAN ID (12 bits) of the outermost 802.1Q tag, or null. */
  vlan: number | null;
}

function fail(code: string, field: string, value: unknown, message: string): never {
  throw new DecodeError(code, field, value, message);
}

const HEX: readonly string[] = Array.from({ length: 256 }, (_, i) =>
  i.toString(16).padStart(2, '0'),
);

/** Six octets at `offset` as `aa:bb:cc:dd:ee:ff`. */
export function formatMac(buf: Uint8Array, offset: number): string {
  return `${HEX[buf[offset]!]}:${HEX[buf[offset + 1]!]}:${HEX[buf[offset + 2]!]}:${HEX[buf[offset + 3]!]}:${HEX[buf[offset + 4]!]}:${HEX[buf[offset + 5]!]}`;
}

/** `aa:bb:cc:dd:ee:ff` (or with dashes) to six octets. */
export function parseMac(mac: string): Uint8Array {
  const parts = mac.split(/[:-]/);
  if (parts.length !== 6 || parts.some((p) => !/^[0-9a-fA-F]{2}$/.test(p))) {
    fail('MAC_BAD_ADDRESS', 'mac', mac, `Invalid MAC address: ${mac}`);
  }
  return Uint8Array.from(parts.map((p) => parseInt(p, 16)));
}

function isBroadcastAt(buf: Uint8Array, offset: number): boolean {
  for (let i = 0; i < 6; i++) if (buf[offset + i] !== 0xff) return false;
  return true;
}

function u16(buf: Uint8Array, offset: number): number {
  return (buf[offset]! << 8) | buf[offset + 1]!;
}

/**
 * Where a frame's parts are, as numbers: what locateLink fills in (into an object the caller
 * owns, so the hot path allocates nothing) and decodeLink turns into a LinkFrame.
 */
export interface LinkLayout {
  /** EtherType of the payload, after any VLAN tags. */
  etherType: number;
  /** Offset of the network-layer payload. */
  payloadOffset: number;
  /** Offset of the source / destination MAC, or -1 when the link layer has none. */
  srcMacAt: number;
  dstMacAt: number;
  /** 1 broadcast, 0 not, -1 unknown. */
  broadcast: number;
  /** Outermost VLAN ID, or -1. */
  vlan: number;
}

export function emptyLayout(): LinkLayout {
  return { etherType: 0, payloadOffset: 0, srcMacAt: -1, dstMacAt: -1, broadcast: -1, vlan: -1 };
}

/**
 * Unwrap stacked 802.1Q / 802.1ad (QinQ) tags of the frame at `s` (`n` octets): `outerType` is
 * the type field just read and `offset` where the octets after it start (relative to `s`).
 * Each tag is TCI (2) + next EtherType (2). Sets the inner EtherType, the payload offset and
 * the outermost VLAN ID.
 */
function unwrapVlan(
  buf: Uint8Array,
  s: number,
  n: number,
  outerType: number,
  offset: number,
  out: LinkLayout,
): void {
  let etherType = outerType;
  let payloadOffset = offset;
  let vlan = -1;
  let tags = 0;
  while (
    etherType === ETHERTYPE_VLAN ||
    etherType === ETHERTYPE_QINQ ||
    etherType === ETHERTYPE_QINQ_OLD
  ) {
    if (++tags > MAX_VLAN_TAGS)
      fail('VLAN_TOO_DEEP', 'vlan', tags, `More than ${MAX_VLAN_TAGS} VLAN tags`);
    if (n < payloadOffset + VLAN_TAG_LENGTH) {
      fail('VLAN_TRUNCATED', 'length', n, `VLAN tag truncated: ${n} octets`);
    }
    // TCI: PCP (3 bits) + DEI (1 bit) + VID (12 bits); then the next EtherType (2).
    if (vlan < 0) vlan = u16(buf, s + payloadOffset) & 0x0fff;
    etherType = u16(buf, s + payloadOffset + 2);
    payloadOffset += VLAN_TAG_LENGTH;
  }
  out.etherType = etherType;
  out.payloadOffset = payloadOffset;
  out.vlan = vlan;
}

function truncated(code: string, name: string, length: number, need: number): never {
  return fail(code, 'length', length, `${name} header truncated: ${length} octets (need ${need})`);
}

/** Ethernet II (IEEE 802.3 with an EtherType >= 0x0600), VLAN tags unwrapped. */
function locateEthernet(buf: Uint8Array, s: number, n: number, out: LinkLayout): void {
  if (n < ETHERNET_HEADER_LENGTH)
    truncated('ETHERNET_TRUNCATED', 'Ethernet', n, ETHERNET_HEADER_LENGTH);
  // Destination (6 octets), source (6 octets), EtherType or 802.3 length (2 octets).
  unwrapVlan(buf, s, n, u16(buf, s + 12), ETHERNET_HEADER_LENGTH, out);
  out.srcMacAt = 6;
  out.dstMacAt = 0;
  out.broadcast = isBroadcastAt(buf, s) ? 1 : 0;
}

/** Linux cooked capture v1 (LINKTYPE_LINUX_SLL). */
function locateSll(buf: Uint8Array, s: number, n: number, out: LinkLayout): void {
  if (n < SLL_HEADER_LENGTH) truncated('SLL_TRUNCATED', 'SLL', n, SLL_HEADER_LENGTH);
  const packetType = u16(buf, s); // 16 bits: PACKET_HOST, _BROADCAST, ...
  const arphrd = u16(buf, s + 2); // 16 bits: ARPHRD_ type of the device
  const addressLength = u16(buf, s + 4); // 16 bits: link-layer address length (<= 8 kept)
  // 8 octets of address at 6, then the protocol (EtherType) at 14.
  unwrapVlan(buf, s, n, u16(buf, s + 14), SLL_HEADER_LENGTH, out);
  out.srcMacAt = arphrd === ARPHRD_ETHER && addressLength === 6 ? 6 : -1;
  out.dstMacAt = -1;
  out.broadcast = packetType === SLL_PACKET_BROADCAST ? 1 : 0;
}

/** Linux cooked capture v2 (LINKTYPE_LINUX_SLL2). */
function locateSll2(buf: Uint8Array, s: number, n: number, out: LinkLayout): void {
  if (n < SLL2_HEADER_LENGTH) truncated('SLL2_TRUNCATED', 'SLL2', n, SLL2_HEADER_LENGTH);
  // Protocol (2) at 0, reserved (2), interface index (4), ARPHRD (2) at 8, packet type (1) at 10,
  // address length (1) at 11, address (8) at 12; payload at 20.
  const arphrd = u16(buf, s + 8);
  const packetType = buf[s + 10]!;
  const addressLength = buf[s + 11]!;
  unwrapVlan(buf, s, n, u16(buf, s), SLL2_HEADER_LENGTH, out);
  out.srcMacAt = arphrd === ARPHRD_ETHER && addressLength === 6 ? 12 : -1;
  out.dstMacAt = -1;
  out.broadcast = packetType === SLL_PACKET_BROADCAST ? 1 : 0;
}

/** Raw IP: the frame is the datagram; IPv6 is reported by its EtherType so callers skip it. */
function locateRawIp(buf: Uint8Array, s: number, n: number, out: LinkLayout): void {
  if (n < 1) fail('RAW_IP_TRUNCATED', 'length', 0, 'Raw IP frame is empty');
  out.etherType = buf[s]! >>> 4 === 6 ? ETHERTYPE_IPV6 : ETHERTYPE_IPV4;
  out.payloadOffset = 0;
  out.srcMacAt = -1;
  out.dstMacAt = -1;
  out.broadcast = -1;
  out.vlan = -1;
}

/**
 * Fill `out` with the layout (offsets relative to `start`) of the frame of the given pcap link
 * type in `buf` from `start` to `end`; throws a DecodeError.
 */
export function locateLink(
  linkType: number,
  buf: Uint8Array,
  out: LinkLayout,
  start = 0,
  end = buf.length,
): LinkLayout {
  const n = end - start;
  switch (linkType) {
    case LINKTYPE_ETHERNET:
      locateEthernet(buf, start, n, out);
      break;
    case LINKTYPE_LINUX_SLL:
      locateSll(buf, start, n, out);
      break;
    case LINKTYPE_LINUX_SLL2:
      locateSll2(buf, start, n, out);
      break;
    case LINKTYPE_RAW:
    case LINKTYPE_IPV4:
      locateRawIp(buf, start, n, out);
      break;
    default:
      fail('LINKTYPE_UNSUPPORTED', 'linkType', linkType, `Unsupported pcap link type: ${linkType}`);
  }
  return out;
}

/** Decode the link layer of a frame of the given pcap link type. */
export function decodeLink(linkType: number, buf: Uint8Array): LinkFrame {
  const l = locateLink(linkType, buf, emptyLayout());
  return {
    etherType: l.etherType,
    payload: buf.subarray(l.payloadOffset),
    srcMac: l.srcMacAt < 0 ? null : formatMac(buf, l.srcMacAt),
    dstMac: l.dstMacAt < 0 ? null : formatMac(buf, l.dstMacAt),
    broadcast: l.broadcast < 0 ? null : l.broadcast === 1,
    vlan: l.vlan < 0 ? null : l.vlan,
  };
}
