/**
 * What the daemon needs from the outside world, as interfaces. The real implementations are
 * named by mechanism (RawSocketTransport, IprouteVips, ArpingGarp, ChildProcessScripts,
 * JsonlEventLog, SystemScheduler); tests give fakes.
 */
import type { VipConfig } from '../vrrp/config';

/** Sends and receives whole IPv4 datagrams of protocol 112 on one interface. */
export interface Transport {
  send(dst: string, datagram: Uint8Array): Promise<void>;
  onPacket(handler: (datagram: Uint8Array) => void): void;
  /** Decode or socket errors at the edge, counted, never fatal. */
  onError(handler: (error: Error) => void): void;
  close(): void;
}

export interface VipManager {
  add(vips: readonly VipConfig[], iface: string): Promise<void>;
  remove(vips: readonly VipConfig[], iface: string): Promise<void>;
  /** The VIPs of this list currently on the interface. */
  present(vips: readonly VipConfig[], iface: string): Promise<VipConfig[]>;
}

export interface GarpSender {
  /** Get ready to send `count` for each VIP quickly later (may do nothing). */
  prepare(vips: readonly VipConfig[], iface: string, count: number): void;
  /** `count` gratuitous ARPs for each VIP, back to back. */
  send(vips: readonly VipConfig[], iface: string, count: number): Promise<void>;
}

export interface ScriptResult {
  ok: boolean;
  exitCode: number | null;
  timedOut: boolean;
  durationMs: number;
}

export interface ScriptRunner {
  run(command: string, timeoutMs: number): Promise<ScriptResult>;
  /** Fire and forget (notify scripts). */
  spawnDetached(command: string, args: readonly string[]): void;
}

export interface TimerHandle {
  cancel(): void;
}

/** Time and timers in milliseconds since the epoch, sub-millisecond where the OS gives it. */
export interface Scheduler {
  now(): number;
  at(time: number, fn: () => void): TimerHandle;
}

export interface DaemonEvent {
  event: string;
  [key: string]: unknown;
}

export interface EventSink {
  write(event: DaemonEvent): void;
}

/** Watches the interface's state (up/down). */
export interface LinkMonitor {
  onChange(handler: (up: boolean) => void): void;
  isUp(): boolean;
  close(): void;
}
