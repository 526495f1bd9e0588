/**
 * Minimal types for pcap-parser 0.2.1 (no @types package exists): the parts src/capture uses.
 * The parser reads classic pcap (microsecond magic only) from a path or a readable stream and
 * emits events; it stops silently when the input ends inside a record.
 */
declare module 'pcap-parser' {
  import type { EventEmitter } from 'node:events';
  import type { Readable } from 'node:stream';

  export interface GlobalHeader {
    magicNumber: number;
    majorVersion: number;
    minorVersion: number;
    gmtOffset: number;
    timestampAccuracy: number;
    snapshotLength: number;
    linkLayerType: number;
  }

  export interface PacketHeader {
    timestampSeconds: number;
    /** Microseconds (or nanoseconds when the caller fed it a nanosecond file with a patched magic). */
    timestampMicroseconds: number;
    capturedLength: number;
    originalLength: number;
  }

  export interface Packet {
    header: PacketHeader;
    /** A view into the parser's buffer: copy it to keep it. */
    data: Buffer;
  }

  export interface Parser extends EventEmitter {
    on(event: 'globalHeader', listener: (header: GlobalHeader) => void): this;
    on(event: 'packetHeader', listener: (header: PacketHeader) => void): this;
    on(event: 'packet', listener: (packet: Packet) => void): this;
    on(event: 'end', listener: () => void): this;
    on(event: 'error', listener: (error: Error) => void): this;
  }

  export function parse(input: string | Readable): Parser;
}
