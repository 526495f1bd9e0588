/**
 * The shapes of the VRRP timeline analysis: its options, the AnalysisResult it returns and the
 * parts of that result (runs, master periods, switchovers, split brain, GARP bursts). The rules
 * that fill them are in timeline.ts and the timeline-*.ts files it calls.
 */
import type { AdvertObservation } from './frame';

export interface TimelineOptions {
  /** The same packet in two captures: at most this far apart (default 0.001 s). */
  duplicateWindowSeconds?: number;
  /** Added to every liveness window W (default 0). */
  livenessToleranceSeconds?: number;
  /** Shorter overlaps are not split brain; default half the largest advert interval involved. */
  minSplitBrainSeconds?: number;
  /** Gratuitous ARPs (same MAC and IP) closer than this form one burst (default 1 s). */
  garpBurstGapSeconds?: number;
  /** A burst starting up to this long before a switchover still follows it (default 0.1 s). */
  garpLeadSeconds?: number;
  /** The captures the observations came from, copied into the result. */
  sources?: CaptureSource[];
  /** Keep every advert in `VridTimeline.adverts` (default true; `chaos analyze --adverts`). */
  adverts?: boolean;
}

/** One analysed capture file. */
export interface CaptureSource {
  /** The `source` index its observations carry. */
  index: number;
  /** The path, or `-` for standard input. */
  path: string;
  format: 'pcap' | 'pcapng';
  /** The link type of the (first) interface. */
  linkType: number;
  /** Every interface's link type (pcapng may describe several; classic pcap has one). */
  linkTypes: number[];
  packets: number;
  /** true for nanosecond-resolution files. */
  nanosecond: boolean;
  /** The input stopped inside its last record: what and where (the rest was analysed). */
  truncated: string | null;
}

/** The same shape as the observation: an advert of the timeline. */
export type Advert = AdvertObservation;

export type RunEnd = 'priority-0' | 'silence' | 'capture-end';

/** Consecutive adverts of one router, each within the liveness window of the previous one. */
export interface AdvertRun {
  vrid: number;
  src: string;
  srcMac: string | null;
  /** First advert. */
  start: number;
  /** Last advert (the priority-0 one when the run ended with it). */
  end: number;
  /** Last advert with priority > 0: the run covers [start, lastMasterAdvert]. */
  lastMasterAdvert: number;
  /** Adverts in the run, the final priority-0 one included. */
  adverts: number;
  /** Distinct priorities in order of appearance. */
  priorities: number[];
  version: 2 | 3;
  /** Interval of the run's last advert, ms. */
  intervalMs: number;
  endReason: RunEnd;
}

export type MasterPeriodEnd = 'silence' | 'priority-0' | 'preempted' | 'capture-end';

/** A router as master of record; periods of one VRID never overlap. */
export interface MasterPeriod {
  vrid: number;
  router: string;
  start: number;
  /** Its last advert in the period. */
  end: number;
  adverts: number;
  endReason: MasterPeriodEnd;
}

export type SwitchoverReason = 'silence' | 'priority-0' | 'preempted';

export interface Switchover {
  vrid: number;
  /** Old master (IPv4 source of its adverts). */
  from: string;
  to: string;
  /** First advert of the new master, seconds since the epoch. */
  at: number;
  /** From the old master's last advert before `at` to `at`. */
  gapSeconds: number;
  /** The old master's last advert before `at`. */
  lastAdvertAt: number;
  reason: SwitchoverReason;
  /** Priority of the old master's last advert before `at` (0 when it resigned). */
  fromPriority: number;
  /** Priority of the new master's first advert. */
  toPriority: number;
  /** Ethernet source of the new master's adverts, when the capture has it. */
  toMac: string | null;
  /** `at` falls inside a reported split-brain interval of this VRID. */
  duringSplitBrain: boolean;
  /** First gratuitous ARP burst after `at` for the VRID's addresses: seconds after `at`. */
  garpAfterSeconds: number | null;
  /** GARPs in that burst (0 when none). */
  garpCount: number;
  garpMac: string | null;
}

export interface SplitBrain {
  vrid: number;
  /** Routers advertising as master at the same time, in address order. */
  masters: string[];
  start: number;
  end: number;
  durationSeconds: number;
}

export interface PriorityZeroEvent {
  vrid: number;
  src: string;
  time: number;
  source: number;
  frame: number;
  /** It ended a run of that router (false: a resignation from a router not seen as master). */
  endedRun: boolean;
}

export interface GarpBurst {
  /** First GARP of the burst. */
  time: number;
  /** Last GARP of the burst. */
  end: number;
  senderMac: string;
  ip: string;
  count: number;
  /** The VRID whose virtual address it announces, or null. */
  vrid: number | null;
  /** Index into AnalysisResult.switchovers of the switchover it follows, or null. */
  switchoverIndex: number | null;
  afterSwitchoverSeconds: number | null;
}

export interface ErrorExample {
  code: string;
  message: string;
  source: number;
  frame: number;
  time: number;
}

/** A router's adverts with one priority within one of its runs: a line of the text timeline. */
export interface AdvertSegment {
  src: string;
  priority: number;
  start: number;
  end: number;
  count: number;
}

/** Adverts of one router in one VRID group. */
export interface SenderCount {
  src: string;
  /** Ethernet source of its first advert, when the capture has it. */
  srcMac: string | null;
  adverts: number;
}

/**
 * Adverts a router of the group would drop on receipt (RFC 3768 7.1, RFC 5798 7.1), by reason:
 * a TTL other than 255, an advert interval or an authentication (version, type, password)
 * other than the group's first advert's. Malformed packets (bad checksum, bad length, ...) are
 * decode errors, counted in AnalysisResult.errors by code and in errorsByVrid per VRID.
 */
export interface ReceiveChecks {
  ttl: number;
  interval: number;
  auth: number;
}

export interface VridTimeline {
  vrid: number;
  versions: number[];
  /** Every router that advertised, in address order. */
  routers: string[];
  /** Virtual addresses announced by any advert. */
  addresses: string[];
  /** Adverts per router, in address order. */
  senders: SenderCount[];
  /** The advert intervals seen, ms, ascending. */
  intervalsMs: number[];
  /** Authentication seen, in order of appearance (at most 4): `none`, `PASS "1111"`, `AH`, `none (v3)`. */
  auth: string[];
  receiveChecks: ReceiveChecks;
  /** The text timeline's lines: a new one where a run starts, the priority changes, or a router resigns. */
  segments: AdvertSegment[];
  /** Every advert (duplicates removed), in time order; only with the `adverts` option. */
  adverts?: Advert[];
  runs: AdvertRun[];
  masterPeriods: MasterPeriod[];
  switchovers: Switchover[];
  splitBrain: SplitBrain[];
  priorityZero: PriorityZeroEvent[];
}

export interface AnalysisCounts {
  adverts: number;
  arp: number;
  gratuitousArp: number;
  /** Frames that are neither VRRP nor ARP. */
  ignored: number;
  /** Adverts and ARP packets dropped as copies from another capture. */
  duplicates: number;
  /** Frames that failed to decode (sum of `errors`). */
  errors: number;
}

export interface AnalysisResult {
  /** Frames analysed, duplicates included. */
  packetCount: number;
  /** First and last frame timestamps (seconds since the epoch), null without frames. */
  start: number | null;
  end: number | null;
  durationSeconds: number;
  sources: CaptureSource[];
  vrids: VridTimeline[];
  /** Every VRID's switchovers, by time. */
  switchovers: Switchover[];
  /** Every VRID's split-brain intervals, by start. */
  splitBrain: SplitBrain[];
  priorityZero: PriorityZeroEvent[];
  garps: GarpBurst[];
  /** Decode errors by code. */
  errors: Record<string, number>;
  /**
   * The malformed VRRP messages among them by VRID (where the VRID octet could be read), by
   * code: the receive-check failures a router of that VRID sees beside `receiveChecks`.
   */
  errorsByVrid: Record<string, Record<string, number>>;
  /** The first error of each code. */
  errorExamples: ErrorExample[];
  counts: AnalysisCounts;
}

/** TimelineOptions with the defaults filled in (sources aside). */
export interface ResolvedOptions {
  adverts: boolean;
  duplicateWindowSeconds: number;
  livenessToleranceSeconds: number;
  minSplitBrainSeconds: number | undefined;
  garpBurstGapSeconds: number;
  garpLeadSeconds: number;
}
