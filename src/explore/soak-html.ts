/**
 * soak.html: a soak on one self-contained page (report.html's style and policy, src/report/
 * html.ts): the verdict, memory over time per daemon as an inline SVG line chart (one line per
 * node's daemon, the invariants' violations as red marks at their times), the daemons' figures,
 * the violations, the audit and the pieces. Pure.
 */
import { htmlPage, table } from '../report/html';
import { xmlEscape as esc } from '../report/junit';
import { extent } from './soak-samples';
import {
  at,
  daemonName,
  growthRule,
  mib,
  percent,
  verdictLine,
  type SoakDocument,
} from './soak-model';

const W = 900;
const H = 300;
const LEFT = 70;
const RIGHT = 150;
const TOP = 16;
const BOTTOM = 36;
const COLOURS = ['#1e88e5', '#fb8c00', '#43a047', '#8e24aa', '#00897b', '#6d4c41'];

/** Round figures for an axis from lo to hi: about `n` ticks. */
function ticks(lo: number, hi: number, n = 5): number[] {
  const span = hi - lo || 1;
  const raw = span / n;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? raw;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + 1e-9; v += step) out.push(v);
  return out;
}

/** Memory (MiB) over time (since the soak began) per daemon, violations marked. */
export function memoryChart(doc: SoakDocument): string {
  const nodes = [...new Set(doc.samples.map((s) => s.node))];
  if (nodes.length === 0) return '<p class="nm">No daemon samples.</p>';
  const mibOf = (kb: number): number => kb / 1024;
  const tMax = Math.max(doc.elapsedMs, extent(doc.samples.map((s) => s.t))?.max ?? 1, 1);
  const rss = extent(doc.samples.map((s) => mibOf(s.rssKb)))!;
  const yLo = Math.floor(rss.min * 0.98);
  const yHi = Math.ceil(rss.max * 1.02) || 1;
  const plotW = W - LEFT - RIGHT;
  const plotH = H - TOP - BOTTOM;
  const x = (t: number): number => LEFT + (t / tMax) * plotW;
  const y = (v: number): number => TOP + plotH - ((v - yLo) / (yHi - yLo || 1)) * plotH;
  const f = (n: number): string => n.toFixed(1);
  const lines = nodes.map((node, i) => {
    const mine = doc.samples.filter((s) => s.node === node).sort((a, b) => a.t - b.t);
    const colour = COLOURS[i % COLOURS.length]!;
    const d = mine.map((s, k) => `${k === 0 ? 'M' : 'L'}${f(x(s.t))},${f(y(mibOf(s.rssKb)))}`);
    const impl = mine[0]?.impl ?? '';
    const label = `${node} ${daemonName(impl)}`;
    return [
      `<path data-daemon="${esc(node)}" d="${d.join(' ')}" fill="none" stroke="${colour}" stroke-width="1.5"><title>${esc(label)}</title></path>`,
      `<text x="${W - RIGHT + 8}" y="${TOP + 14 + i * 16}" fill="${colour}" font-size="12">${esc(label)}</text>`,
    ].join('');
  });
  const marks = doc.violations.map(
    (v) =>
      `<line data-violation="${esc(v.invariant)}" x1="${f(x(v.atMs))}" x2="${f(x(v.atMs))}" y1="${TOP}" y2="${TOP + plotH}" stroke="#e53935" stroke-dasharray="3,3"><title>${esc(`${v.invariant} at ${at(v.atMs)}: ${v.observed}`)}</title></line>`,
  );
  const yTicks = ticks(yLo, yHi).map(
    (v) =>
      `<line x1="${LEFT - 4}" x2="${LEFT + plotW}" y1="${f(y(v))}" y2="${f(y(v))}" stroke="#eee"/><text x="${LEFT - 8}" y="${f(y(v) + 4)}" text-anchor="end" font-size="11">${v} MiB</text>`,
  );
  const xTicks = ticks(0, tMax / 60_000).map(
    (m) =>
      `<text x="${f(x(m * 60_000))}" y="${H - BOTTOM + 16}" text-anchor="middle" font-size="11">${m} min</text>`,
  );
  return [
    `<svg data-memory-chart="true" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="daemon memory over time">`,
    ...yTicks,
    ...xTicks,
    `<line x1="${LEFT}" x2="${LEFT + plotW}" y1="${TOP + plotH}" y2="${TOP + plotH}" stroke="#555"/>`,
    ...marks,
    ...lines,
    '</svg>',
  ].join('\n');
}

export function soakHtml(doc: SoakDocument): string {
  const verdict = verdictLine(doc);
  const body = [
    `<h1>chaos soak: <span class="${doc.verdict.passed ? 'ok' : 'bad'}">${esc(verdict)}</span></h1>`,
    `<p class="file">${esc(doc.file)} · docker driver · seed ${doc.seed}</p>`,
    `<p>A soak of ${esc(at(doc.durationMs))} (${esc(at(doc.elapsedMs))} with the lab's start and the evidence), ${doc.pieces.length} piece(s), ${doc.faultsApplied} fault(s) applied, daemons sampled every ${esc(at(doc.sampleEveryMs))}.</p>`,
    '<h2>Memory over time</h2>',
    memoryChart(doc),
    table(
      ['node', 'daemon', 'samples', 'restarts', 'first RSS', 'last RSS', 'growth per hour', 'CPU'],
      doc.daemons.map((d) => {
        const bad = doc.verdict.memoryFailures.includes(d.node);
        return [
          esc(d.node),
          esc(daemonName(d.impl)),
          String(d.samples),
          String(d.restarts),
          mib(d.firstRssKb),
          mib(d.lastRssKb),
          `<span class="${bad ? 'bad' : ''}">${percent(d.growthPerHour, 2)}</span>`,
          d.cpuPercent === null ? 'n/a' : `${d.cpuPercent.toFixed(2)} %`,
        ];
      }),
    ),
    `<p>${esc(growthRule(doc))}${doc.verdict.memoryUnjudged.length > 0 ? ` Not judged: ${esc(doc.verdict.memoryUnjudged.join(', '))}.` : ''}</p>`,
    '<h2>Invariant violations</h2>',
    doc.violations.length === 0
      ? '<p class="ok">None.</p>'
      : table(
          ['at', 'piece', 'invariant', 'observed'],
          doc.violations.map((v) => [
            at(v.atMs),
            String(v.piece),
            esc(v.invariant),
            esc(v.observed),
          ]),
        ),
    '<h2>Audit</h2>',
    doc.audit.length === 0
      ? '<p class="ok">Clean: nothing left behind.</p>'
      : table(
          ['what', 'node', 'detail'],
          doc.audit.map((a) => [esc(a.kind), esc(a.node ?? '-'), `<code>${esc(a.detail)}</code>`]),
        ),
    '<h2>Pieces</h2>',
    table(
      ['piece', 'began', 'faults', 'status'],
      doc.pieces.map((p) => [
        String(p.i),
        p.startMs === null ? '-' : at(p.startMs),
        esc(p.faults.map((x) => x.kind).join(', ') || 'none'),
        esc(p.status + (p.error ? `: ${p.error}` : '')),
      ]),
    ),
  ];
  return htmlPage(`chaos soak: ${verdict}`, body);
}
