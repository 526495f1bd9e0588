/**
 * One captured frame to what the timeline needs: a VRRP advertisement, an ARP packet, an
 * ignored frame, or a counted decode error. Pure; `observeFrame` never throws.
 */
import { ChaosError } from '../errors';
import type { V3ChecksumMode } from '../vrrp/config';
import { IPPROTO_VRRP } from '../vrrp/ipv4';
import {
  AUTH_SIMPLE_TEXT,
  advertIntervalMs,
  authPassword,
  decodeVrrpDatagram,
} from '../vrrp/packet';
import type { VrrpDatagram } from '../vrrp/packet';
import { decodeArp, isGratuitousArp } from './arp';
import type { ArpPacket } from './arp';
import { ETHERTYPE_ARP, ETHERTYPE_IPV4, decodeLink } from './link';
import type { LinkFrame } from './link';

export type DecodedFrame =
  | { kind: 'vrrp'; link: LinkFrame; datagram: VrrpDatagram }
  | { kind: 'arp'; link: LinkFrame; arp: ArpPacket; gratuitous: boolean }
  | { kind: 'other'; link: LinkFrame; reason: 'ethertype' | 'ip-protocol' };

/**
 * Decode a frame down to VRRP or ARP. Throws a DecodeError for a malformed link header, a
 * malformed ARP packet, or an IPv4 datagram with protocol 112 that is not a valid
 * advertisement. Other traffic (IPv6, TCP, ...) is `other`, not an error.
 */
export function decodeFrame(linkType: number, data: Uint8Array): DecodedFrame {
  const link = decodeLink(linkType, data);
  if (link.etherType === ETHERTYPE_IPV4) {
    const ip = link.payload;
    // Look at the protocol (octet 9) before decoding, so other IPv4 traffic costs nothing and
    // its quirks (offloaded checksums, fragments) are not reported as errors.
    // A datagram too short to tell is decoded, and reported as truncated.
    if (ip.length >= 10 && ip[9] !== IPPROTO_VRRP)
      return { kind: 'other', link, reason: 'ip-protocol' };
    return { kind: 'vrrp', link, datagram: decodeVrrpDatagram(ip, { v3Checksum: 'either' }) };
  }
  if (link.etherType === ETHERTYPE_ARP) {
    const arp = decodeArp(link.payload);
    return { kind: 'arp', link, arp, gratuitous: isGratuitousArp(arp, link.broadcast) };
  }
  return { kind: 'other', link, reason: 'ethertype' };
}

/** Where an observation came from: the capture (file) index and the 1-based frame number in it. */
interface ObservationBase {
  /** Seconds since the epoch (pcap timestamp). */
  time: number;
  /** Index of the capture in the analysed list (0 for the first file). */
  source: number;
  /** 1-based frame number in that capture, as tshark and Wireshark count. */
  frame: number;
}

/** A VRRP advertisement as seen on the wire. */
export interface AdvertObservation extends ObservationBase {
  kind: 'advert';
  /** IPv4 source: the advertising router's primary address. */
  src: string;
  /** IPv4 destination: 224.0.0.18, or a unicast peer. */
  dst: string;
  /** Ethernet source (the router's MAC, or its VMAC); null for raw IP captures. */
  srcMac: string | null;
  vlan: number | null;
  vrid: number;
  version: 2 | 3;
  priority: number;
  /** Advertisement interval in milliseconds (v2 seconds x 1000, v3 centiseconds x 10). */
  intervalMs: number;
  /** v2 auth type (0 none, 1 simple text, 2 AH); null for v3. */
  authType: number | null;
  /** v2 simple-text password; null otherwise. */
  password: string | null;
  /** The virtual addresses announced. */
  addresses: string[];
  /** IPv4 identification (16 bits): part of the duplicate key across captures. */
  ipId: number;
  ttl: number;
  tos: number;
  /** VRRP checksum as on the wire (verified during decoding). */
  checksum: number;
  /** v3: which checksum computation matched; null for v2. */
  checksumMode: V3ChecksumMode | null;
}

export interface ArpObservation extends ObservationBase {
  kind: 'arp';
  op: number;
  senderMac: string;
  senderIp: string;
  targetMac: string;
  targetIp: string;
  /** Link-layer broadcast, when known. */
  broadcast: boolean | null;
  gratuitous: boolean;
  vlan: number | null;
}

export interface ErrorObservation extends ObservationBase {
  kind: 'error';
  /** The DecodeError code, e.g. VRRP_BAD_CHECKSUM. */
  code: string;
  message: string;
  /** A malformed VRRP message's VRID when its second octet is there to read, else null. */
  vrid: number | null;
}

export interface IgnoredObservation extends ObservationBase {
  kind: 'ignored';
}

export type Observation =
  AdvertObservation | ArpObservation | ErrorObservation | IgnoredObservation;

/** The code counted for an exception that is not a DecodeError (a bug, not a bad packet). */
export const FRAME_DECODE_FAILED = 'FRAME_DECODE_FAILED';

/**
 * The VRID octet of an IPv4 datagram of protocol 112 that failed to decode (a bad checksum,
 * version, length, TTL...), so that the receive-check failures are counted per VRID; null when
 * the frame does not get that far (a cut link header, another protocol, a cut message).
 */
function malformedVrid(linkType: number, data: Uint8Array): number | null {
  let link: LinkFrame;
  try {
    link = decodeLink(linkType, data);
  } catch {
    return null;
  }
  const ip = link.payload;
  if (link.etherType !== ETHERTYPE_IPV4 || ip.length < 20 || ip[0]! >> 4 !== 4) return null;
  if (ip[9] !== IPPROTO_VRRP) return null;
  const at = (ip[0]! & 0x0f) * 4 + 1;
  return at < ip.length ? ip[at]! : null;
}

/**
 * Turn one captured frame into an observation. Never throws: decode errors become `error`
 * observations carrying the error's code.
 */
export function observeFrame(
  linkType: number,
  data: Uint8Array,
  time: number,
  source: number,
  frame: number,
): Observation {
  let decoded: DecodedFrame;
  try {
    decoded = decodeFrame(linkType, data);
  } catch (error) {
    const code = error instanceof ChaosError ? error.code : FRAME_DECODE_FAILED;
    const message = error instanceof Error ? error.message : String(error);
    return {
      kind: 'error',
      time,
      source,
      frame,
      code,
      message,
      vrid: malformedVrid(linkType, data),
    };
  }
  switch (decoded.kind) {
    case 'vrrp': {
      const { ip, vrrp, checksumMode } = decoded.datagram;
      return {
        kind: 'advert',
        time,
        source,
        frame,
        src: ip.src,
        dst: ip.dst,
        srcMac: decoded.link.srcMac,
        vlan: decoded.link.vlan,
        vrid: vrrp.vrid,
        version: vrrp.version,
        priority: vrrp.priority,
        intervalMs: advertIntervalMs(vrrp),
        authType: vrrp.version === 2 ? vrrp.authType : null,
        password:
          vrrp.version === 2 && vrrp.authType === AUTH_SIMPLE_TEXT ? authPassword(vrrp) : null,
        addresses: vrrp.addresses,
        ipId: ip.id,
        ttl: ip.ttl,
        tos: ip.tos,
        checksum: vrrp.checksum,
        checksumMode: checksumMode ?? null,
      };
    }
    case 'arp':
      return {
        kind: 'arp',
        time,
        source,
        frame,
        op: decoded.arp.op,
        senderMac: decoded.arp.senderMac,
        senderIp: decoded.arp.senderIp,
        targetMac: decoded.arp.targetMac,
        targetIp: decoded.arp.targetIp,
        broadcast: decoded.link.broadcast,
        gratuitous: decoded.gratuitous,
        vlan: decoded.link.vlan,
      };
    case 'other':
      return { kind: 'ignored', time, source, frame };
  }
}
