/**
 * The human-readable timeline `chaos analyze` prints. Pure: AnalysisResult in, text out.
 * Times are UTC.
 */
import type { Advert, AdvertRun, AnalysisResult, Switchover, VridTimeline } from './timeline';

/** `HH:MM:SS.mmm` (UTC) of seconds since the epoch. */
export function formatClock(seconds: number): string {
  return new Date(Math.floor(seconds * 1000)).toISOString().slice(11, 23);
}

/** `YYYY-MM-DD HH:MM:SS.mmm` (UTC). */
export function formatDateTime(seconds: number): string {
  return new Date(Math.floor(seconds * 1000)).toISOString().slice(0, 23).replace('T', ' ');
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** Adverts of one router with one priority within one of its runs. */
interface Segment {
  src: string;
  priority: number;
  start: number;
  end: number;
  count: number;
}

/**
 * A VRID's runs (from the timeline analysis) split for display, ordered by their first advert:
 * a new segment where a run starts, where the priority changes, and after a priority-0 advert.
 * A priority-0 advert of a router not seen as master (in no run) is a segment of its own.
 */
export function advertSegments(v: Pick<VridTimeline, 'adverts' | 'runs'>): Segment[] {
  const segments: Segment[] = [];
  const current = new Map<string, Segment>();
  const cursors = runCursors(v.runs);
  for (const a of v.adverts) {
    const startsRun = beginsRun(cursors.get(a.src), a);
    const seg = current.get(a.src);
    if (seg && !startsRun && seg.priority === a.priority && seg.priority !== 0) {
      seg.end = a.time;
      seg.count += 1;
      continue;
    }
    const fresh: Segment = {
      src: a.src,
      priority: a.priority,
      start: a.time,
      end: a.time,
      count: 1,
    };
    current.set(a.src, fresh);
    segments.push(fresh);
  }
  return segments;
}

/** A router's runs in time order, and how far its adverts have got through them. */
interface RunCursor {
  runs: AdvertRun[];
  /** Index in `runs` of the next run to begin. */
  next: number;
  /** Adverts still to come in the current run. */
  left: number;
}

function runCursors(runs: readonly AdvertRun[]): Map<string, RunCursor> {
  const cursors = new Map<string, RunCursor>();
  for (const run of runs) {
    let cursor = cursors.get(run.src);
    if (!cursor) cursors.set(run.src, (cursor = { runs: [], next: 0, left: 0 }));
    cursor.runs.push(run);
  }
  return cursors;
}

/**
 * Does advert `a`, the router's next one, begin a run? A router's runs are consecutive
 * stretches of its adverts, each begun by an advert with priority > 0; between them there are
 * only priority-0 adverts in no run.
 */
function beginsRun(cursor: RunCursor | undefined, a: Advert): boolean {
  if (cursor === undefined || (a.priority === 0 && cursor.left === 0)) return false;
  if (cursor.left > 0) {
    cursor.left--;
    return false;
  }
  cursor.left = (cursor.runs[cursor.next++]?.adverts ?? 1) - 1;
  return true;
}

function describeAuth(v: VridTimeline): string {
  const kinds = new Set<string>();
  for (const a of v.adverts) {
    if (a.version === 3) kinds.add('none (v3)');
    else if (a.authType === 0) kinds.add('none');
    else if (a.authType === 1) kinds.add(`PASS ${JSON.stringify(a.password ?? '')}`);
    else kinds.add(a.authType === 2 ? 'AH' : `type ${a.authType}`);
    if (kinds.size > 3) break;
  }
  return [...kinds].join(' / ');
}

function describeIntervals(v: VridTimeline): string {
  const ms = [...new Set(v.adverts.map((a) => a.intervalMs))].sort((a, b) => a - b);
  return ms.map((m) => (m % 1000 === 0 ? `${m / 1000} s` : `${m} ms`)).join(', ');
}

function formatSwitchover(s: Switchover, index: number): string {
  const garp =
    s.garpAfterSeconds === null
      ? 'no GARP'
      : `GARP ${s.garpAfterSeconds >= 0 ? '+' : ''}${(s.garpAfterSeconds * 1000).toFixed(3)} ms x${s.garpCount}`;
  const split = s.duringSplitBrain ? ', during split brain' : '';
  return `  #${index} switchover ${formatClock(s.at)}  ${s.from} -> ${s.to}  gap ${s.gapSeconds.toFixed(4)} s  (${s.reason}${split})  ${garp}`;
}

export function formatAnalysis(result: AnalysisResult): string {
  const lines: string[] = [];
  const files = result.sources.length > 0 ? ` from ${plural(result.sources.length, 'file')}` : '';
  if (result.start === null || result.end === null) {
    lines.push(`${plural(result.packetCount, 'packet')}${files}`);
  } else {
    lines.push(
      `${plural(result.packetCount, 'packet')}${files}, ${formatDateTime(result.start)} .. ${formatClock(result.end)} UTC (${result.durationSeconds.toFixed(3)} s)`,
    );
  }
  const c = result.counts;
  lines.push(
    `${plural(c.adverts, 'VRRP advert')}, ${c.arp} ARP (${c.gratuitousArp} gratuitous), ${c.ignored} other, ${plural(c.duplicates, 'duplicate')}, ${plural(c.errors, 'decode error')}`,
  );

  for (const v of result.vrids) {
    lines.push('');
    const vips = v.addresses.length > 0 ? v.addresses.join(', ') : 'none';
    lines.push(
      `VRID ${v.vrid}  VRRPv${v.versions.join('/v')}  interval ${describeIntervals(v)}  auth ${describeAuth(v)}  VIP ${vips}`,
    );
    for (const seg of advertSegments(v)) {
      const state = seg.priority === 0 ? 'RESIGN' : 'MASTER';
      lines.push(
        `  ${formatClock(seg.start)} .. ${formatClock(seg.end)}  ${seg.src.padEnd(15)}  ${state} prio ${String(seg.priority).padEnd(3)}  (${plural(seg.count, 'advert')})`,
      );
    }
    if (v.switchovers.length === 0) lines.push('  no switchover');
    for (const s of v.switchovers) lines.push(formatSwitchover(s, result.switchovers.indexOf(s)));
    if (v.splitBrain.length === 0) lines.push('  no split brain');
    for (const sb of v.splitBrain) {
      lines.push(
        `  split brain ${formatClock(sb.start)} .. ${formatClock(sb.end)}  ${sb.durationSeconds.toFixed(4)} s  ${sb.masters.join(' + ')}`,
      );
    }
  }

  lines.push('');
  if (result.garps.length === 0) lines.push('Gratuitous ARPs: none');
  else lines.push('Gratuitous ARPs:');
  for (const g of result.garps) {
    const follows =
      g.switchoverIndex !== null && g.afterSwitchoverSeconds !== null
        ? `  after switchover #${g.switchoverIndex} (+${(g.afterSwitchoverSeconds * 1000).toFixed(3)} ms)`
        : '';
    lines.push(
      `  ${formatClock(g.time)}  ${g.senderMac}  ${g.ip.padEnd(15)}  x${g.count}${follows}`,
    );
  }

  const codes = Object.keys(result.errors).sort();
  if (codes.length === 0) lines.push('Decode errors: none');
  else lines.push('Decode errors:');
  for (const code of codes) {
    const example = result.errorExamples.find((e) => e.code === code);
    const where = example
      ? `  first: file ${example.source} frame ${example.frame}: ${example.message}`
      : '';
    lines.push(`  ${code} x${result.errors[code]}${where}`);
  }
  return `${lines.join('\n')}\n`;
}
