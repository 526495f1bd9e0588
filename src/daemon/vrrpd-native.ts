/**
 * The native helper's interface (docker/web/native/vrrpd_native.c) and its loader: the kernel
 * calls of a takeover (netlink, a packet socket, a raw IPv4 socket) from the daemon itself.
 */
import { createRequire } from 'node:module';
import path from 'node:path';

/** chaos-vrrpd's native helper (docker/web/native/vrrpd_native.c): the kernel calls of a takeover. */
export interface VrrpdNative {
  /** RTM_NEWADDR, as `ip addr add ADDRESS/PREFIX dev IF`; throws with code EEXIST if present. */
  addAddress(ifindex: number, address: string, prefixLength: number): void;
  /** RTM_DELADDR; throws with code EADDRNOTAVAIL if absent. */
  deleteAddress(ifindex: number, address: string, prefixLength: number): void;
  /** One whole Ethernet frame on the interface (AF_PACKET); returns the bytes sent. */
  sendFrame(ifindex: number, frame: Buffer): number;
  /** A send-only raw IPv4 socket (the caller writes the header) bound to the interface. */
  openIp(iface: string): number;
  /** One whole IPv4 datagram to `dst` on a socket from openIp; returns the bytes sent. */
  sendIp(fd: number, dst: string, datagram: Buffer): number;
  closeIp(fd: number): void;
}

/** Where the web image puts the helper: /opt/chaos/native/ beside /opt/chaos/dist/. */
export const VRRPD_NATIVE_ADDON = path.resolve(__dirname, '../../../native/vrrpd_native.node');

/** Loads the native helper, or says why it cannot. */
export function loadVrrpdNative(
  file = process.env.CHAOS_VRRPD_NATIVE ?? VRRPD_NATIVE_ADDON,
): VrrpdNative | Error {
  try {
    const mod = createRequire(__filename)(file) as Partial<VrrpdNative>;
    const functions = [
      'addAddress',
      'deleteAddress',
      'sendFrame',
      'openIp',
      'sendIp',
      'closeIp',
    ] as const;
    const missing = functions.filter((f) => typeof mod[f] !== 'function');
    if (missing.length > 0) return new Error(`${file} lacks ${missing.join(', ')}`);
    return mod as VrrpdNative;
  } catch (error) {
    return error instanceof Error ? error : new Error(String(error));
  }
}
