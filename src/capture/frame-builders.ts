/**
 * Frame encoders: wrap datagrams in the link layers `decodeLink` reads, and build complete
 * VRRP and ARP frames. Used by the simulator to export traces as pcap, by tests and by the
 * benchmark. Pure.
 */
import { VRRP_MULTICAST, ipToNumber } from '../vrrp/ipv4';
import { encodeVrrpDatagram } from '../vrrp/packet';
import type { DatagramOptions, VrrpPacket } from '../vrrp/packet';
import { ARP_OP_REPLY, ARP_OP_REQUEST, ZERO_MAC, encodeArp } from './arp';
import type { ArpPacket } from './arp';
import {
  BROADCAST_MAC,
  ETHERNET_HEADER_LENGTH,
  ETHERTYPE_ARP,
  ETHERTYPE_IPV4,
  ETHERTYPE_VLAN,
  SLL2_HEADER_LENGTH,
  SLL_HEADER_LENGTH,
  VLAN_TAG_LENGTH,
  parseMac,
} from './link';

export interface EthernetOptions {
  dst: string;
  src: string;
  etherType: number;
  /** Insert one 802.1Q tag with this VLAN ID. */
  vlan?: number;
}

/** Ethernet II: destination (6) + source (6) + [802.1Q tag (4)] + EtherType (2) + payload. */
export function ethernetFrame(payload: Uint8Array, opts: EthernetOptions): Uint8Array {
  const tag = opts.vlan !== undefined ? VLAN_TAG_LENGTH : 0;
  const out = new Uint8Array(ETHERNET_HEADER_LENGTH + tag + payload.length);
  out.set(parseMac(opts.dst), 0);
  out.set(parseMac(opts.src), 6);
  let offset = 12;
  if (opts.vlan !== undefined) {
    out[offset] = ETHERTYPE_VLAN >>> 8;
    out[offset + 1] = ETHERTYPE_VLAN & 255;
    out[offset + 2] = (opts.vlan >>> 8) & 0x0f; // PCP 0, DEI 0, VID high 4 bits
    out[offset + 3] = opts.vlan & 255;
    offset += VLAN_TAG_LENGTH;
  }
  out[offset] = opts.etherType >>> 8;
  out[offset + 1] = opts.etherType & 255;
  out.set(payload, offset + 2);
  return out;
}

export interface CookedOptions {
  /** Source MAC (ARPHRD_ETHER, 6-octet address). */
  src: string;
  etherType: number;
  /** SLL packet type: 0 host, 1 broadcast, 2 multicast, 3 other host, 4 outgoing. */
  packetType: number;
  /** SLL2 only (default 1). */
  ifindex?: number;
}

/** Linux cooked capture v1 header (16 octets) + payload. */
export function sllFrame(payload: Uint8Array, opts: CookedOptions): Uint8Array {
  const out = new Uint8Array(SLL_HEADER_LENGTH + payload.length);
  const view = new DataView(out.buffer);
  view.setUint16(0, opts.packetType); // packet type (2)
  view.setUint16(2, 1); // ARPHRD_ETHER (2)
  view.setUint16(4, 6); // address length (2)
  out.set(parseMac(opts.src), 6); // address (8, zero padded)
  view.setUint16(14, opts.etherType); // protocol (2)
  out.set(payload, SLL_HEADER_LENGTH);
  return out;
}

/** Linux cooked capture v2 header (20 octets) + payload. */
export function sll2Frame(payload: Uint8Array, opts: CookedOptions): Uint8Array {
  const out = new Uint8Array(SLL2_HEADER_LENGTH + payload.length);
  const view = new DataView(out.buffer);
  view.setUint16(0, opts.etherType); // protocol (2)
  view.setUint16(2, 0); // reserved (2)
  view.setUint32(4, opts.ifindex ?? 1); // interface index (4)
  view.setUint16(8, 1); // ARPHRD_ETHER (2)
  out[10] = opts.packetType; // packet type (1)
  out[11] = 6; // address length (1)
  out.set(parseMac(opts.src), 12); // address (8, zero padded)
  out.set(payload, SLL2_HEADER_LENGTH);
  return out;
}

/** Docker's MAC for an address: 02:42 followed by the four octets of the IPv4 address. */
export function dockerMac(ip: string): string {
  const n = ipToNumber(ip);
  const octets = [0x02, 0x42, n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255];
  return octets.map((o) => o.toString(16).padStart(2, '0')).join(':');
}

/** The Ethernet multicast MAC of an IPv4 group (01:00:5e + low 23 bits). */
export function multicastMac(ip: string): string {
  const n = ipToNumber(ip);
  const octets = [0x01, 0x00, 0x5e, (n >>> 16) & 0x7f, (n >>> 8) & 255, n & 255];
  return octets.map((o) => o.toString(16).padStart(2, '0')).join(':');
}

export interface VrrpFrameOptions extends Omit<DatagramOptions, 'dst'> {
  /** Default 224.0.0.18. */
  dst?: string;
  /** Default dockerMac(src). */
  srcMac?: string;
  vlan?: number;
}

/** A VRRP advertisement in an Ethernet frame, as keepalived sends it. */
export function vrrpFrame(packet: VrrpPacket, opts: VrrpFrameOptions): Uint8Array {
  const dst = opts.dst ?? VRRP_MULTICAST;
  const datagram = encodeVrrpDatagram(packet, { ...opts, dst });
  const dstMac = ipToNumber(dst) >>> 28 === 14 ? multicastMac(dst) : BROADCAST_MAC;
  return ethernetFrame(datagram, {
    dst: dstMac,
    src: opts.srcMac ?? dockerMac(opts.src),
    etherType: ETHERTYPE_IPV4,
    ...(opts.vlan !== undefined ? { vlan: opts.vlan } : {}),
  });
}

/** An ARP packet in an Ethernet frame; requests go to broadcast, replies to the target MAC. */
export function arpFrame(
  arp: ArpPacket,
  opts: { ethDst?: string; vlan?: number } = {},
): Uint8Array {
  const dst = opts.ethDst ?? (arp.op === ARP_OP_REQUEST ? BROADCAST_MAC : arp.targetMac);
  return ethernetFrame(encodeArp(arp), {
    dst,
    src: arp.senderMac,
    etherType: ETHERTYPE_ARP,
    ...(opts.vlan !== undefined ? { vlan: opts.vlan } : {}),
  });
}

/** The gratuitous ARP keepalived sends for a VIP: a broadcast request, sender IP = target IP. */
export function gratuitousArpFrame(
  mac: string,
  ip: string,
  opts: { vlan?: number } = {},
): Uint8Array {
  return arpFrame(
    { op: ARP_OP_REQUEST, senderMac: mac, senderIp: ip, targetMac: BROADCAST_MAC, targetIp: ip },
    opts,
  );
}

/** `who-has target tell sender`. */
export function arpRequestFrame(senderMac: string, senderIp: string, targetIp: string): Uint8Array {
  return arpFrame({ op: ARP_OP_REQUEST, senderMac, senderIp, targetMac: ZERO_MAC, targetIp });
}

/** `sender is-at senderMac`, unicast to the asker. */
export function arpReplyFrame(
  senderMac: string,
  senderIp: string,
  targetMac: string,
  targetIp: string,
): Uint8Array {
  return arpFrame({ op: ARP_OP_REPLY, senderMac, senderIp, targetMac, targetIp });
}
