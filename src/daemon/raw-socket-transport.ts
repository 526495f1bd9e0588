/**
 * VRRP on a real interface with raw-socket: one raw IPv4 socket of protocol 112 with
 * IP_HDRINCL (we write the IPv4 header: TTL 255, TOS 0xc0), bound to the interface, member of
 * 224.0.0.18 on it. Linux delivers received datagrams with their IPv4 header.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import { ChaosError } from '../errors';
import { IPPROTO_VRRP, VRRP_MULTICAST, ipToNumber } from '../vrrp/ipv4';
import type { Transport } from './ports';
import type * as RawSocketNs from 'raw-socket';
type RawSocketModule = typeof RawSocketNs;
type RawSocket = RawSocketNs.RawSocket;

// Linux socket option numbers (linux/in.h, asm-generic/socket.h).
const SOL_SOCKET = 1;
const SO_BINDTODEVICE = 25;
const IPPROTO_IP = 0;
const IP_HDRINCL = 3;
const IP_MULTICAST_IF = 32;
const IP_MULTICAST_LOOP = 34;
const IP_ADD_MEMBERSHIP = 35;

/** struct ip_mreqn: multiaddr (4, network order), address (4), ifindex (int, host order). */
function ipMreqn(group: string, address: string, ifindex: number): Buffer {
  const b = Buffer.alloc(12);
  if (group) b.writeUInt32BE(ipToNumber(group), 0);
  b.writeUInt32BE(ipToNumber(address), 4);
  b.writeInt32LE(ifindex, 8);
  return b;
}

export interface RawSocketTransportOptions {
  iface: string;
  /** Our primary address (for IP_MULTICAST_IF). */
  address: string;
  /** Join 224.0.0.18 (not needed with unicast peers only, but harmless). */
  multicast: boolean;
  /** Sends datagrams at once instead of through raw-socket's queue (see NativeIpSender). */
  sender?: { send(dst: string, datagram: Uint8Array): void; close(): void };
}

export class RawSocketTransport implements Transport {
  private readonly socket: RawSocket;
  private errorHandler: (error: Error) => void = () => undefined;
  private readonly sender: RawSocketTransportOptions['sender'];

  constructor(opts: RawSocketTransportOptions) {
    this.sender = opts.sender;
    let raw: RawSocketModule;
    try {
      // Loaded lazily: the native addon exists only where it was built (the web node image).
      raw = createRequire(__filename)('raw-socket') as RawSocketModule;
    } catch (error) {
      throw new ChaosError(
        'DAEMON_NO_RAW_SOCKET',
        `raw-socket native addon not available: ${(error as Error).message}`,
        { cause: error },
      );
    }
    const ifindex = Number(fs.readFileSync(`/sys/class/net/${opts.iface}/ifindex`, 'utf8').trim());
    try {
      this.socket = raw.createSocket({
        addressFamily: raw.AddressFamily.IPv4,
        protocol: IPPROTO_VRRP,
      });
      this.socket.setOption(IPPROTO_IP, IP_HDRINCL, 1);
      const name = Buffer.from(`${opts.iface}\0`);
      this.socket.setOption(SOL_SOCKET, SO_BINDTODEVICE, name, name.length);
      this.socket.setOption(IPPROTO_IP, IP_MULTICAST_LOOP, 0);
      const mreq = ipMreqn('', opts.address, ifindex);
      this.socket.setOption(IPPROTO_IP, IP_MULTICAST_IF, mreq, mreq.length);
      if (opts.multicast) {
        const join = ipMreqn(VRRP_MULTICAST, '0.0.0.0', ifindex);
        this.socket.setOption(IPPROTO_IP, IP_ADD_MEMBERSHIP, join, join.length);
      }
    } catch (error) {
      throw new ChaosError(
        'DAEMON_SOCKET',
        `Cannot open a raw VRRP socket on ${opts.iface} (needs NET_RAW): ${(error as Error).message}`,
        { cause: error },
      );
    }
    this.socket.on('error', (error) => this.errorHandler(error));
  }

  send(dst: string, datagram: Uint8Array): Promise<void> {
    if (this.sender) {
      try {
        this.sender.send(dst, datagram);
        return Promise.resolve();
      } catch (error) {
        return Promise.reject(error instanceof Error ? error : new Error(String(error)));
      }
    }
    const buf = Buffer.from(datagram.buffer, datagram.byteOffset, datagram.byteLength);
    return new Promise((resolve, reject) => {
      this.socket.send(buf, 0, buf.length, dst, null, (error) =>
        error ? reject(error) : resolve(),
      );
    });
  }

  onPacket(handler: (datagram: Uint8Array) => void): void {
    this.socket.on('message', (buffer) => handler(new Uint8Array(buffer)));
  }

  onError(handler: (error: Error) => void): void {
    this.errorHandler = handler;
  }

  close(): void {
    this.socket.close();
    this.sender?.close();
  }
}
