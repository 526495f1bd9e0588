/**
 * Builders for the capture tests: adverts and frames built with the real encoders, whole
 * captures written with the pcap writer into a temporary directory, a seeded PRNG, and the
 * location of the reference keepalived captures.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { dockerMac, gratuitousArpFrame, vrrpFrame } from '../../../src/capture/frame-builders';
import { observeFrame } from '../../../src/capture/frame';
import type { Observation } from '../../../src/capture/frame';
import { LINKTYPE_ETHERNET } from '../../../src/capture/link';
import { encodePcap } from '../../../src/capture/pcap-format';
import type { PcapWriteRecord } from '../../../src/capture/pcap-format';
import { AUTH_SIMPLE_TEXT, passwordAuthData } from '../../../src/vrrp/packet';
import type { VrrpPacket } from '../../../src/vrrp/packet';

export const VIP = '192.168.17.200';
export const NODE_A = '192.168.17.102';
export const NODE_B = '192.168.17.101';
export const NODE_C = '192.168.17.103';
/** An arbitrary epoch for synthetic captures: 2026-11-25 06:00:00 UTC. */
export const T0 = 1795586400;

// ---------------------------------------------------------------------------------------------
// Reference captures

/**
 * The real keepalived 2.2.7 captures, copied into the repo from the workplace's
 * shared/reference/keepalived (README.md there describes them); $CHAOS_REFERENCE_DIR overrides.
 */
export function referenceDir(): string {
  return (
    process.env.CHAOS_REFERENCE_DIR ??
    path.join(__dirname, '..', '..', 'fixtures', 'reference', 'keepalived')
  );
}

export function referencePcap(name: 'poweroff-master.pcap' | 'graceful-stop.pcap'): string {
  return path.join(referenceDir(), name);
}

// ---------------------------------------------------------------------------------------------
// Adverts and frames

export interface AdvertSpec {
  src: string;
  vrid?: number;
  priority?: number;
  version?: 2 | 3;
  /** v2: seconds; v3: centiseconds. Default 1 s / 100 cs. */
  interval?: number;
  password?: string;
  addresses?: string[];
}

export function vrrpPacket(spec: AdvertSpec): VrrpPacket {
  const common = {
    vrid: spec.vrid ?? 51,
    priority: spec.priority ?? 100,
    addresses: spec.addresses ?? [VIP],
    checksum: 0,
  };
  if ((spec.version ?? 2) === 3)
    return { ...common, version: 3, maxAdvertIntervalCs: spec.interval ?? 100 };
  return {
    ...common,
    version: 2,
    authType: AUTH_SIMPLE_TEXT,
    advertIntervalSec: spec.interval ?? 1,
    authData: passwordAuthData(spec.password ?? '1111'),
  };
}

/** A timed frame of a synthetic capture. */
export interface TimedFrame {
  time: number;
  data: Uint8Array;
}

/** Per-router IPv4 id counters, as the kernel numbers the datagrams a router sends. */
export class IpIds {
  private readonly next = new Map<string, number>();

  take(src: string): number {
    const id = this.next.get(src) ?? 1;
    this.next.set(src, (id + 1) & 0xffff);
    return id;
  }
}

export function advertFrame(time: number, spec: AdvertSpec, id = 0): TimedFrame {
  return { time, data: vrrpFrame(vrrpPacket(spec), { src: spec.src, id }) };
}

/**
 * Adverts of one router every `every` seconds from `from` while time < `to` (with a tiny
 * tolerance so `to` itself is excluded reliably despite float steps).
 */
export function advertSeries(
  from: number,
  to: number,
  spec: AdvertSpec,
  ids: IpIds,
  every = 1,
): TimedFrame[] {
  const out: TimedFrame[] = [];
  for (let k = 0; from + k * every < to - 1e-9; k++)
    out.push(advertFrame(from + k * every, spec, ids.take(spec.src)));
  return out;
}

export function garpBurst(
  time: number,
  ip: string,
  mac: string,
  count = 5,
  spacing = 0.00001,
): TimedFrame[] {
  return Array.from({ length: count }, (_, k) => ({
    time: time + k * spacing,
    data: gratuitousArpFrame(mac, ip),
  }));
}

export { dockerMac };

/** Frames to pcap records, ordered by time. */
export function records(frames: readonly TimedFrame[]): PcapWriteRecord[] {
  return [...frames]
    .sort((a, b) => a.time - b.time)
    .map((f) => ({ timestampSeconds: f.time, data: f.data }));
}

/** Frames to observations of capture `source` (frame numbers in time order). */
export function observe(
  frames: readonly TimedFrame[],
  source = 0,
  linkType = LINKTYPE_ETHERNET,
): Observation[] {
  return [...frames]
    .sort((a, b) => a.time - b.time)
    .map((f, i) => observeFrame(linkType, f.data, f.time, source, i + 1));
}

// ---------------------------------------------------------------------------------------------
// Files

/** A fresh temporary directory for one test file; removed by `cleanup`. */
export function tempDir(prefix: string): {
  dir: string;
  file(name: string): string;
  cleanup(): void;
} {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `chaos-${prefix}-`));
  return {
    dir,
    file: (name) => path.join(dir, name),
    cleanup: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}

export function writeCapture(
  file: string,
  frames: readonly TimedFrame[],
  linkType = LINKTYPE_ETHERNET,
): string {
  fs.writeFileSync(file, encodePcap(records(frames), { linkType }));
  return file;
}

// ---------------------------------------------------------------------------------------------
// Randomness

export { Rng } from '../../../bench/fuzz/rng';

export function hex(text: string): Uint8Array {
  return Uint8Array.from(Buffer.from(text.replace(/[\s:|]/g, ''), 'hex'));
}
