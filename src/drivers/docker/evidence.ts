/**
 * Pure helpers of the Docker driver (driver.ts): the prober's JSONL read in pieces, pcaps
 * cut to their complete records, tar archives (docker cp) unpacked, evidence names, the rogue
 * router's config, the prober's duration bound. No I/O here.
 */
import type { Observation } from '../../capture';
import {
  PCAP_GLOBAL_HEADER_LENGTH,
  PCAP_RECORD_HEADER_LENGTH,
  magicOf,
} from '../../capture/pcap-format';
import type { VrrpStateName } from '../../vrrp/state-machine';
import type { ProbeRecord } from '../../run/driver';
import { parseProbeLine } from '../../run/probe-record';
import type { Scenario } from '../../scenario/types';

/** Where evidence lives inside the containers. */
export const LOG_DIR = '/var/log/chaos';

export interface ProbeChunk {
  records: ProbeRecord[];
  /** An unfinished last line, to prepend to the next chunk. */
  rest: string;
  /** Lines that were not prober records. */
  bad: number;
}

/**
 * Parse new prober output (JSON lines with epoch-ms `t`) into records with `t` in ms since
 * `originMs` (the lab's start, epoch ms). `carry` is the previous chunk's `rest`.
 */
export function parseProbeChunk(carry: string, text: string, originMs: number): ProbeChunk {
  const all = carry + text;
  const cut = all.lastIndexOf('\n');
  const rest = cut < 0 ? all : all.slice(cut + 1);
  const complete = cut < 0 ? '' : all.slice(0, cut);
  const records: ProbeRecord[] = [];
  let bad = 0;
  for (const line of complete.split('\n')) {
    if (line.trim() === '') continue;
    const record = parseProbeLine(line, originMs);
    if (record) records.push(record);
    else bad++;
  }
  return { records, rest, bad };
}

/**
 * The length of a pcap's complete part: the global header and every whole record. A tcpdump
 * killed with its container (power-off) may leave half a record; 0 when not even a header.
 */
export function completePcapLength(buf: Uint8Array): number {
  if (buf.length < PCAP_GLOBAL_HEADER_LENGTH) return 0;
  const magic = magicOf(buf);
  if (magic === null) return 0;
  const little = magic.byteOrder === 'LE';
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  let at = PCAP_GLOBAL_HEADER_LENGTH;
  while (at + PCAP_RECORD_HEADER_LENGTH <= buf.length) {
    const incl = view.getUint32(at + 8, little);
    if (at + PCAP_RECORD_HEADER_LENGTH + incl > buf.length) break;
    at += PCAP_RECORD_HEADER_LENGTH + incl;
  }
  return at;
}

export { untar, type TarFile } from '../../lab/tar';

/** Observations with times moved to seconds since the lab's start (`originMs`, epoch ms). */
export function shiftObservations(observations: Observation[], originMs: number): Observation[] {
  const origin = originMs / 1000;
  return observations.map((o) => ({ ...o, time: o.time - origin }));
}

/** A VRRP node's state as a sample has it. */
export function sampledState(
  containerRunning: boolean,
  vrrp: { running: boolean; state: string | null } | null,
): VrrpStateName {
  if (!containerRunning || vrrp === null || !vrrp.running) return 'STOPPED';
  const s = vrrp.state;
  return s === 'MASTER' || s === 'BACKUP' || s === 'FAULT' ? s : 'INIT';
}

/**
 * How long the prober may run: every wait and `within` of the scenario, the steady-state wait,
 * a minute per fault or heal step (power-on waits until the node is ready; a flapping fault: a
 * minute per apply and heal, plus its phases) and a margin. The driver stops it earlier; the
 * bound only keeps a forgotten prober from running forever.
 */
export function proberDurationS(scenario: Scenario, steadyMs: number): number {
  let ms = steadyMs + 120_000;
  for (const step of scenario.steps) {
    if (step.kind === 'wait') ms += step.ms;
    else if (step.kind === 'expect') ms += (step.withinMs ?? 0) + 5_000;
    // A flapping fault: both phases, and a minute for each apply and heal.
    else if (step.kind === 'fault' && step.flap)
      ms += step.flap.times * 2 * (step.flap.everyMs + 60_000);
    else ms += 60_000;
  }
  return Math.ceil(ms / 1000);
}

/** `2024-05-01T12-30-05Z`: a UTC timestamp usable in a folder name. */
export function utcStamp(epochMs: number): string {
  return new Date(epochMs)
    .toISOString()
    .replace(/\.\d+Z$/, 'Z')
    .replace(/:/g, '-');
}

/** `runs/<UTC>-<scenario>` (one scenario) or `runs/<UTC>-<first>-and-<n>-more`. */
export function defaultOutDir(epochMs: number, names: readonly string[]): string {
  const safe = (n: string): string => n.replace(/[^A-Za-z0-9_.-]+/g, '-').slice(0, 60) || 'run';
  const first = safe(names[0] ?? 'run');
  const what = names.length > 1 ? `${first}-and-${names.length - 1}-more` : first;
  return `runs/${utcStamp(epochMs)}-${what}`;
}

/** A folder name for a scenario's evidence, unique among `taken`. */
export function evidenceFolder(name: string, taken: ReadonlySet<string>): string {
  const base = name.replace(/[^A-Za-z0-9_.-]+/g, '-').slice(0, 60) || 'scenario';
  if (!taken.has(base)) return base;
  for (let i = 2; ; i++) if (!taken.has(`${base}-${i}`)) return `${base}-${i}`;
}
