/** Adverts on the native helper's raw IPv4 socket (RawSocketTransport's sender where it is built). */
import type { VrrpdNative } from './vrrpd-native';

/**
 * Adverts through the helper's raw IPv4 socket, sent during the call. raw-socket queues a send
 * until the next turn of the event loop (it waits for the socket to be writable), which put
 * 0.3 ms between a takeover's decision and its first advert (the event log's times).
 */
export class NativeIpSender {
  private readonly fd: number;

  constructor(
    private readonly native: Pick<VrrpdNative, 'openIp' | 'sendIp' | 'closeIp'>,
    iface: string,
  ) {
    this.fd = native.openIp(iface);
  }

  send(dst: string, datagram: Uint8Array): void {
    this.native.sendIp(
      this.fd,
      dst,
      Buffer.from(datagram.buffer, datagram.byteOffset, datagram.byteLength),
    );
  }

  close(): void {
    this.native.closeIp(this.fd);
  }
}
