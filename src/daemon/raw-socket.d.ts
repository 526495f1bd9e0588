// Minimal types for raw-socket 1.8 (it ships none).
declare module 'raw-socket' {
  import type { EventEmitter } from 'node:events';

  export interface RawSocket extends EventEmitter {
    send(
      buffer: Buffer,
      offset: number,
      length: number,
      address: string,
      beforeCallback: (() => void) | null,
      afterCallback: (error: Error | null, bytes: number) => void,
    ): void;
    setOption(level: number, option: number, value: number): RawSocket;
    setOption(level: number, option: number, buffer: Buffer, length: number): RawSocket;
    close(): void;
    on(event: 'message', listener: (buffer: Buffer, source: string) => void): this;
    on(event: 'error', listener: (error: Error) => void): this;
    on(event: 'close', listener: () => void): this;
  }

  export function createSocket(options: { addressFamily?: number; protocol?: number }): RawSocket;
  export const AddressFamily: { IPv4: number; IPv6: number };
  export const SocketLevel: { SOL_SOCKET: number; IPPROTO_IP: number; IPPROTO_IPV6: number };
  export const SocketOption: {
    IP_HDRINCL: number;
    IP_TTL: number;
    IP_TOS: number;
    SO_BINDTODEVICE: number;
  };
}
