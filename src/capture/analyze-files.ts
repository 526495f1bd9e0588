/**
 * `chaos analyze` as a library call: read captures (the I/O edge), observe every frame,
 * build the timeline (pure) as the records stream by, so a capture of any size is analysed in
 * memory that grows with its events, not its packets. Several captures merge by time. The
 * scenario runner, the benchmark and `chaos analyze --follow` call this.
 */
import type { Readable } from 'node:stream';
import { InputError } from '../errors';
import { captureChunks } from './capture-input';
import { CaptureParser } from './capture-parser';
import { FrameObserver } from './frame-observer';
import type { Observation } from './frame';
import { SUPPORTED_LINKTYPES, linkTypeName } from './link';
import type { ReadCaptureOptions } from './pcap-file';
import { compareObservations } from './timeline-order';
import { TimelineBuilder } from './timeline-builder';
import type { TimelineEvent } from './timeline-builder';
import type { AnalysisResult, CaptureSource, TimelineOptions } from './timeline-types';

export type AnalyzeFilesOptions = Omit<TimelineOptions, 'sources'> & ReadCaptureOptions;

/** Throws PCAP_UNSUPPORTED_LINKTYPE for a link type the frame decoder does not know. */
export function checkLinkType(path: string, linkType: number): void {
  if (SUPPORTED_LINKTYPES.includes(linkType)) return;
  throw new InputError(
    'PCAP_UNSUPPORTED_LINKTYPE',
    `${path}: unsupported ${linkTypeName(linkType)} (supported: ${SUPPORTED_LINKTYPES.map(linkTypeName).join(', ')})`,
  );
}

/**
 * The observations of capture `index` in file order: to `sink` when given (yielding an empty
 * batch per chunk read), else a batch per chunk; its CaptureSource goes into `done` once the
 * input has ended.
 */
async function* observations(
  path: string,
  index: number,
  done: CaptureSource[],
  stdin: Readable | undefined,
  sink?: (o: Observation) => void,
): AsyncGenerator<Observation[]> {
  const observer = new FrameObserver();
  let batch: Observation[] = [];
  let checked = -1;
  const parser = new CaptureParser(
    path,
    (r) => {
      if (r.linkType !== checked) {
        checkLinkType(path, r.linkType);
        checked = r.linkType;
      }
      const end = r.offset + r.length;
      const o = observer.observeAt(
        r.linkType,
        r.chunk,
        r.offset,
        end,
        r.timestampSeconds,
        index,
        r.frame,
      );
      if (sink) sink(o);
      else batch.push(o);
    },
    false,
  );
  for await (const chunk of await captureChunks(path, stdin)) {
    parser.push(chunk);
    yield batch;
    if (batch.length > 0) batch = [];
  }
  const s = parser.end();
  const first = s.interfaces[0];
  done[index] = {
    index,
    path,
    format: s.format,
    linkType: first?.linkType ?? 0,
    linkTypes: s.interfaces.map((i) => i.linkType),
    packets: s.records,
    nanosecond: s.interfaces.some((i) => i.unitsPerSecond > 1e6),
    truncated: s.truncated?.message ?? null,
  };
}

const ABORTED = Symbol('aborted');

/** Settles when `signal` aborts (never without one): a read waiting for input gives up. */
function abortion(signal: AbortSignal | undefined): Promise<typeof ABORTED> {
  return new Promise((resolve) => {
    if (signal === undefined) return;
    if (signal.aborted) resolve(ABORTED);
    else signal.addEventListener('abort', () => resolve(ABORTED), { once: true });
  });
}

interface Head {
  batches: AsyncGenerator<Observation[]>;
  batch: Observation[];
  pos: number;
}

/** The next batch of a capture with observations left, or null when it has ended. */
async function refill(head: Head): Promise<Head | null> {
  for (;;) {
    const next = await head.batches.next();
    if (next.done === true) return null;
    if (next.value.length > 0) return { ...head, batch: next.value, pos: 0 };
  }
}

/**
 * Stream the captures' observations, merged by time (then capture, then frame), into `sink`.
 * Within a capture, records are taken in file order (as tcpdump writes them). `stop()` true
 * ends the reading early (a live capture interrupted).
 */
async function mergeCaptures(
  paths: readonly string[],
  stdin: Readable | undefined,
  sink: (o: Observation) => void,
  signal?: AbortSignal,
): Promise<CaptureSource[]> {
  if (paths.length === 0) throw new InputError('PCAP_NO_FILES', 'no pcap file given');
  const sources: CaptureSource[] = [];
  if (paths.length === 1) {
    // One capture: each observation straight to the sink, so it dies young.
    const chunks = observations(paths[0]!, 0, sources, stdin, sink);
    const aborted = abortion(signal);
    for (;;) {
      const next = await Promise.race([chunks.next(), aborted]);
      if (next === ABORTED || next.done === true) break;
    }
    return sources.filter((s) => s !== undefined);
  }
  let heads: Head[] = [];
  for (const [index, path] of paths.entries()) {
    const head = await refill({
      batches: observations(path, index, sources, stdin),
      batch: [],
      pos: 0,
    });
    if (head !== null) heads.push(head);
  }
  while (heads.length > 0 && signal?.aborted !== true) {
    if (heads.length === 1) {
      // One capture left: its batches in order, no comparisons.
      const head = heads[0]!;
      for (let i = head.pos; i < head.batch.length; i++) sink(head.batch[i]!);
      const next = await refill(head);
      heads = next === null ? [] : [next];
      continue;
    }
    let k = 0;
    for (let i = 1; i < heads.length; i++) {
      const h = heads[i]!;
      const best = heads[k]!;
      if (compareObservations(h.batch[h.pos]!, best.batch[best.pos]!) < 0) k = i;
    }
    const head = heads[k]!;
    sink(head.batch[head.pos++]!);
    if (head.pos < head.batch.length) continue;
    const next = await refill(head);
    if (next === null) heads.splice(k, 1);
    else heads[k] = next;
  }
  for (const h of heads) await h.batches.return(undefined);
  return sources.filter((s) => s !== undefined);
}

/** Observe every frame of the captures into one list; capture i's observations carry `source` i. */
export async function observePcapFiles(
  paths: readonly string[],
  opts: ReadCaptureOptions = {},
): Promise<{ observations: Observation[]; sources: CaptureSource[] }> {
  const observations: Observation[] = [];
  const sources = await mergeCaptures(paths, opts.stdin, (o) => observations.push(o));
  return { observations, sources };
}

/** Read, merge and analyse captures. Throws InputError for a missing or bad file. */
export async function analyzePcapFiles(
  paths: readonly string[],
  options: AnalyzeFilesOptions = {},
): Promise<AnalysisResult> {
  const { stdin, ...timeline } = options;
  const builder = new TimelineBuilder(timeline);
  const sources = await mergeCaptures(paths, stdin, (o) => builder.push(o));
  return builder.finish(sources);
}

export interface FollowOptions extends AnalyzeFilesOptions {
  /** Each event as it happens. */
  onEvent: (event: TimelineEvent) => void;
  /** Seconds on the real clock, to move capture time on while no packet comes. */
  now: () => number;
  /** Ends the reading early (Ctrl-C); the analysis so far is returned. */
  signal?: AbortSignal;
  /** How often capture time is moved on without packets, ms (default 500). */
  tickMs?: number;
}

/**
 * `chaos analyze --follow`: the captures' events as they happen, then the analysis. While no
 * packet comes, capture time moves on with the real clock from the last packet's, so a master
 * that falls silent is noticed without waiting for the next packet.
 */
export async function followPcapFiles(
  paths: readonly string[],
  options: FollowOptions,
): Promise<AnalysisResult> {
  const { stdin, onEvent, now, signal, tickMs, ...timeline } = options;
  const builder = new TimelineBuilder(timeline);
  let lastPacket: { capture: number; real: number } | null = null;
  const tell = (events: readonly TimelineEvent[]): void => events.forEach(onEvent);
  const timer = setInterval(() => {
    if (lastPacket === null) return;
    tell(builder.tick(lastPacket.capture + (now() - lastPacket.real)));
  }, tickMs ?? 500);
  try {
    const sources = await mergeCaptures(
      paths,
      stdin,
      (o) => {
        lastPacket = { capture: o.time, real: now() };
        tell(builder.push(o));
      },
      signal,
    );
    return builder.finish(sources);
  } finally {
    clearInterval(timer);
  }
}
