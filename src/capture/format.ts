/**
 * The human-readable timeline `chaos analyze` prints. Pure: AnalysisResult in, text out.
 * Times are UTC.
 */
import type { AnalysisResult, Switchover, TimelineEvent, VridTimeline } from './timeline';

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

function describeIntervals(v: VridTimeline): string {
  return v.intervalsMs.map((m) => (m % 1000 === 0 ? `${m / 1000} s` : `${m} ms`)).join(', ');
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
      `VRID ${v.vrid}  VRRPv${v.versions.join('/v')}  interval ${describeIntervals(v)}  auth ${v.auth.join(' / ')}  VIP ${vips}`,
    );
    for (const seg of v.segments) {
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
  for (const [vrid, byCode] of Object.entries(result.errorsByVrid))
    lines.push(
      `  VRID ${vrid}: ${Object.entries(byCode)
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([code, n]) => `${code} x${n}`)
        .join(', ')}`,
    );
  return `${lines.join('\n')}\n`;
}

/** One line of `chaos analyze --follow`: an event as it happens. */
export function formatEvent(e: TimelineEvent): string {
  switch (e.kind) {
    case 'master':
      return `${formatClock(e.time)}  VRID ${e.vrid}  master ${e.router}${e.again ? ' (again, after its own silence)' : ''}`;
    case 'switchover': {
      const s = e.switchover;
      return `${formatClock(s.at)}  VRID ${s.vrid}  switchover ${s.from} -> ${s.to}  gap ${s.gapSeconds.toFixed(4)} s  (${s.reason})`;
    }
    case 'split-brain-begins':
      return `${formatClock(e.time)}  VRID ${e.vrid}  split brain begins  ${e.masters.join(' + ')}`;
    case 'split-brain-ends':
      return `${formatClock(e.end)}  VRID ${e.vrid}  split brain ends  ${(e.end - e.start).toFixed(4)} s  ${e.masters.join(' + ')}`;
    case 'garp-burst':
      return `${formatClock(e.burst.time)}  GARP burst  ${e.burst.senderMac}  ${e.burst.ip}  x${e.burst.count}`;
  }
}
