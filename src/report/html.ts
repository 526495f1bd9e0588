/**
 * report.html, pure: one self-contained file (inline CSS, inline SVG, no script, and a Content
 * Security Policy that forbids any fetch). Per scenario a timeline, then the numbers.
 *
 * The timeline's elements carry data attributes, so tests (and curious people) can find them:
 *   <svg data-timeline data-scenario=NAME>
 *     rect[data-band=state][data-node][data-state]     VRRP state of a node
 *     rect[data-band=vip][data-node]                   the node holds the VIP
 *     rect[data-band=probe][data-ok=true|false]        the prober's successes and failures
 *     rect[data-band=split-brain]                      split-brain interval (drawn over all rows)
 *     line[data-marker=fault|heal|rollback]            when a fault was applied or healed
 *     text[data-not-measured][data-row]                a row without evidence
 */
import { formatDuration } from '../scenario/duration';
import { LATENESS_HEAD, latenessCells } from './lateness';
import type { Report, ScenarioReport, Timeline } from './model';
import { SIM_CLIENT_NOTE, formatPercent, formatShare } from './sla';
import { describeSwitchoverRate } from './switchover-rate';
import { xmlEscape as esc } from './junit';
import { receiveCheckTable } from './receive-checks';

const NM = 'not measured';
const s = (seconds: number): string => formatDuration(seconds * 1000);
const sOr = (x: number | null, none = NM): string => (x === null ? none : s(x));
const f1 = (x: number): string => (Math.round(x * 10) / 10).toString();

const STATE_COLOURS: Record<string, string> = {
  MASTER: '#2e7d32',
  BACKUP: '#90caf9',
  INIT: '#bdbdbd',
  FAULT: '#ef6c00',
  STOPPED: '#616161',
  'not MASTER': '#cfd8dc',
};

const W = 960;
const LABEL = 150;
const PLOT = W - LABEL - 20;
const ROW = 22;

/** "Nice" tick spacing for a span of seconds. */
function tickStep(span: number): number {
  const raw = span / 10;
  const pow = 10 ** Math.floor(Math.log10(Math.max(raw, 1e-3)));
  for (const m of [1, 2, 5, 10]) if (raw <= m * pow) return m * pow;
  return 10 * pow;
}

/** A rect from time `a` to time `b`, `h` high at `yy`, with its data attributes and tooltip. */
type Rect = (
  a: number,
  b: number,
  yy: number,
  h: number,
  fill: string,
  data: string,
  title: string,
) => string;

/** Where a time falls on the plot (clamped to the timeline), and a rect between two times. */
interface Plot {
  x: (sec: number) => number;
  rect: Rect;
}

function plotOf(t: Timeline, span: number): Plot {
  const x = (sec: number): number =>
    LABEL + ((Math.min(Math.max(sec, t.start), t.end) - t.start) / span) * PLOT;
  const rect: Rect = (a, b, yy, h, fill, data, title) =>
    `<rect ${data} x="${f1(x(a))}" y="${yy}" width="${f1(Math.max(x(b) - x(a), 0.5))}" height="${h}" fill="${fill}"><title>${esc(title)}</title></rect>`;
  return { x, rect };
}

/** The timeline's rows (per node its state and its VIP, then the prober) and where they end. */
function timelineRows(
  t: Timeline,
  { rect }: Plot,
): { labels: string[]; rows: string[]; bottom: number } {
  const rows: string[] = [];
  const labels: string[] = [];
  let y = 24;
  const notMeasured = (row: string, yy: number): string =>
    `<text data-not-measured="true" data-row="${esc(row)}" x="${LABEL + 4}" y="${yy + 14}" class="nm">${NM}</text>`;

  /** One row: its label, then a rect per band, or "not measured" when there is no evidence. */
  const band = <B>(
    label: string,
    labelDy: number,
    bands: readonly B[] | null,
    missingDy: number,
    draw: (b: B) => string,
  ): void => {
    labels.push(`<text x="4" y="${y + labelDy}" class="label">${esc(label)}</text>`);
    if (bands === null) rows.push(notMeasured(label, y + missingDy));
    else for (const b of bands) rows.push(draw(b));
  };

  for (const n of t.nodes) {
    band(`${n.name} state`, 14, n.states, 0, (b) =>
      rect(
        b.start,
        b.end,
        y + 2,
        ROW - 4,
        STATE_COLOURS[b.state] ?? '#9e9e9e',
        `data-band="state" data-node="${esc(n.name)}" data-state="${esc(b.state)}"`,
        `${n.name} ${b.state} ${s(b.start)} - ${s(b.end)} (${n.source ?? ''})`,
      ),
    );
    y += ROW;
    band(`${n.name} VIP`, 12, n.vip, -2, (b) =>
      rect(
        b.start,
        b.end,
        y + 4,
        10,
        '#6a1b9a',
        `data-band="vip" data-node="${esc(n.name)}"`,
        `${n.name} holds the VIP ${s(b.start)} - ${s(b.end)}`,
      ),
    );
    y += ROW - 4;
  }
  if (t.nodes.length === 0) {
    band('VRRP nodes', 14, null, 0, () => '');
    y += ROW;
  }
  band('prober', 14, t.probes, 0, (b) =>
    rect(
      b.start,
      b.end,
      y + 2,
      ROW - 4,
      b.ok ? '#66bb6a' : '#e53935',
      `data-band="probe" data-ok="${b.ok}"`,
      `requests ${b.ok ? 'succeeding' : 'failing'} ${s(b.start)} - ${s(b.end)} (${t.probeSource ?? ''})`,
    ),
  );
  y += ROW;
  return { labels, rows, bottom: y + 4 };
}

/** Tick marks and their times along the axis at `bottom`. */
function timelineTicks(t: Timeline, span: number, x: Plot['x'], bottom: number): string[] {
  const step = tickStep(span);
  const ticks: string[] = [];
  for (let v = Math.ceil(t.start / step) * step; v <= t.end + 1e-9; v += step) {
    const tx = f1(x(v));
    ticks.push(
      `<line x1="${tx}" x2="${tx}" y1="${bottom}" y2="${bottom + 4}" stroke="#555"/><text x="${tx}" y="${bottom + 16}" class="tick">${esc(s(Math.round(v * 1000) / 1000))}</text>`,
    );
  }
  return ticks;
}

export function renderTimelineSvg(t: Timeline, scenario: string): string {
  const span = Math.max(t.end - t.start, 1e-3);
  const plot = plotOf(t, span);
  const { x, rect } = plot;
  const { labels, rows, bottom } = timelineRows(t, plot);

  const overlays = t.splitBrain.map((b) =>
    rect(
      b.start,
      b.end,
      16,
      bottom - 16,
      'rgba(229,57,53,0.18)',
      `data-band="split-brain" class="split"`,
      `split brain: ${b.nodes.join(' + ')} ${s(b.start)} - ${s(b.end)}`,
    ),
  );
  const markers = t.markers.map((m) => {
    const mx = f1(x(m.at));
    const colour = m.kind === 'fault' ? '#c62828' : '#1565c0';
    return `<line data-marker="${m.kind}" x1="${mx}" x2="${mx}" y1="12" y2="${bottom}" stroke="${colour}" stroke-width="2"${m.kind === 'rollback' ? ' stroke-dasharray="4 3"' : ''}><title>${esc(`${m.label} at ${s(m.at)}`)}</title></line><text x="${mx}" y="10" class="marker" fill="${colour}">${m.kind === 'fault' ? '⚡' : '✚'}</text>`;
  });
  const ticks = timelineTicks(t, span, x, bottom);
  const height = bottom + 24;
  return [
    `<svg data-timeline="true" data-scenario="${esc(scenario)}" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${height}" width="${W}" height="${height}" role="img" aria-label="${esc(`timeline of ${scenario}`)}">`,
    ...labels,
    ...rows,
    ...overlays,
    ...markers,
    `<line x1="${LABEL}" x2="${LABEL + PLOT}" y1="${bottom}" y2="${bottom}" stroke="#555"/>`,
    ...ticks,
    '</svg>',
  ].join('\n');
}

export function table(
  head: readonly string[],
  rows: readonly (readonly string[])[],
  cls = '',
): string {
  return `<table${cls ? ` class="${cls}"` : ''}><thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${rows
    .map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join('')}</tr>`)
    .join('')}</tbody></table>`;
}

const STATUS_CLASS: Record<ScenarioReport['status'], string> = {
  passed: 'ok',
  failed: 'bad',
  skipped: 'skip',
  error: 'bad',
};

/** The scenario's heading, file, description and what went wrong, if anything. */
function scenarioHead(r: ScenarioReport): string[] {
  const out = [
    `<section class="scenario" data-scenario="${esc(r.name)}" data-status="${r.status}">`,
    `<h2><span class="badge ${STATUS_CLASS[r.status]}">${r.status}</span> ${esc(r.name)}</h2>`,
    `<p class="file">${esc(r.file)} · ${esc(r.driver)} driver${r.seed === null ? '' : ` · seed ${r.seed}`}</p>`,
    `<p>${esc(r.description)}</p>`,
  ];
  if (r.notice) out.push(`<p class="notice">${esc(r.notice)}</p>`);
  if (r.error) out.push(`<p class="bad">Error (${esc(r.error.code)}): ${esc(r.error.message)}</p>`);
  if (r.failure) out.push(`<p class="bad">Failed: ${esc(r.failure)}</p>`);
  return out;
}

/** The timeline, with its legend and sources, or a line saying it was not measured. */
/** A timeline with its legend (or that it was not measured). */
export function timelineHtml(timeline: Timeline | null, name: string): string[] {
  const out: string[] = [];
  if (timeline) {
    out.push('<h3>Timeline</h3>', renderTimelineSvg(timeline, name));
    const sources = timeline.nodes
      .map((n) => `${n.name}: ${n.source ?? NM}`)
      .concat(`prober: ${timeline.probeSource ?? NM}`);
    out.push(
      `<p class="legend"><span class="sw" style="background:#2e7d32"></span>MASTER <span class="sw" style="background:#90caf9"></span>BACKUP <span class="sw" style="background:#6a1b9a"></span>holds VIP <span class="sw" style="background:#66bb6a"></span>requests ok <span class="sw" style="background:#e53935"></span>requests failing <span class="sw" style="background:rgba(229,57,53,0.3)"></span>split brain · ⚡ fault ✚ heal. Sources: ${esc(sources.join('; '))}.</p>`,
    );
  } else out.push(`<p class="nm">Timeline: ${NM}.</p>`);
  return out;
}

/** The service-level figures and objectives, then the incidents. */
function slaSection(r: ScenarioReport): string[] {
  const sla = r.sla;
  const out = ['<h3>Service level</h3>'];
  const slaRows: string[][] = [
    ['probing window', esc(sOr(sla.windowSeconds))],
    [
      'client downtime',
      esc(
        sla.downtimeSeconds === null
          ? NM
          : `${s(sla.downtimeSeconds)} in ${sla.incidents.length} outage(s); longest ${sOr(sla.longestOutageSeconds)}`,
      ),
    ],
    [
      'requests',
      esc(`${r.probes.requests} (${r.probes.failed} failed, every ${r.probes.intervalMs} ms)`),
    ],
    [
      'availability over the window',
      esc(sla.availability === null ? NM : formatPercent(sla.availability)),
    ],
  ];
  if (sla.budget)
    slaRows.push([
      `error budget of ${esc(formatPercent(sla.budget.targetAvailability))}`,
      esc(
        `${s(sla.budget.secondsPerYear)} a year, ${s(sla.budget.secondsPerMonth)} a month; this run spent ${formatShare(sla.budget.spentShareYear)} of a year's, ${formatShare(sla.budget.spentShareMonth)} of a month's`,
      ),
    ]);
  if (sla.projection)
    slaRows.push([
      `projection at ${sla.projection.incidentsPerYear} incidents a year`,
      esc(
        `${s(sla.projection.downtimeSecondsPerYear)} down a year, availability ${formatPercent(sla.projection.availability)}${sla.projection.budgetShareYear === null ? '' : `, ${formatShare(sla.projection.budgetShareYear)} of the yearly budget`}`,
      ),
    ]);
  for (const o of sla.objectives)
    slaRows.push([
      `objective ${o.objective}`,
      `<span class="${o.verdict === 'pass' ? 'ok' : o.verdict === 'fail' ? 'bad' : 'nm'}">${o.verdict}</span>: ${esc(o.message)}`,
    ]);
  out.push(table(['figure', 'value'], slaRows, 'kv'));
  if (r.driver === 'sim' && sla.incidents.length > 0) out.push(`<p>${esc(SIM_CLIENT_NOTE)}</p>`);
  if (sla.incidents.length > 0)
    out.push(
      table(
        ['incident', 'from', 'duration', 'share of yearly budget', 'share of monthly budget'],
        sla.incidents.map((i, k) => [
          String(k + 1),
          esc(s(i.start)),
          esc(`${s(i.durationSeconds)}${i.ongoing ? ' (still failing at the end)' : ''}`),
          esc(formatShare(i.budgetShareYear)),
          esc(formatShare(i.budgetShareMonth)),
        ]),
      ),
    );
  return out;
}

/** Switchovers and split brain seen on the wire, and how they square with the prober. */
function vrrpSection(r: ScenarioReport): string[] {
  const out = ['<h3>VRRP</h3>'];
  if (r.switchovers.length > 0 && r.switchoverRate)
    out.push(`<p>${esc(describeSwitchoverRate(r.switchoverRate))}.</p>`);
  out.push(
    r.switchovers.length === 0
      ? '<p>No switchover seen on the wire.</p>'
      : table(
          ['from', 'to', 'at', 'gap', 'reason'],
          r.switchovers.map((sw) => [
            esc(sw.from),
            esc(sw.to),
            esc(s(sw.at)),
            esc(s(sw.gapSeconds)),
            esc(`${sw.reason}${sw.duringSplitBrain ? ', during split brain' : ''}`),
          ]),
        ),
  );
  if (r.splitBrain.length > 0)
    out.push(
      table(
        ['split brain', 'from', 'for'],
        r.splitBrain.map((b) => [
          esc(b.nodes.join(' + ')),
          esc(s(b.start)),
          esc(s(b.durationSeconds)),
        ]),
      ),
    );
  if (r.advertLateness.length > 0)
    out.push(
      '<p>Advert lateness (interval minus the advertised interval):</p>',
      table(
        LATENESS_HEAD,
        r.advertLateness.map((l) => latenessCells(l).map(esc)),
      ),
    );
  if (r.receiveChecks) {
    const t = receiveCheckTable(r.receiveChecks);
    out.push(
      '<h3>Receive checks</h3>',
      table(
        t.head,
        t.rows.map((row) => row.map(esc)),
        'receive-checks',
      ),
      ...t.notes.map((n) => `<p class="notice">${esc(n)}</p>`),
    );
  }
  if (r.reconciliation.length > 0)
    out.push(
      '<h3>Prober vs VRRP</h3><ul>',
      ...r.reconciliation.map((x) => `<li>${esc(x.message)}</li>`),
      '</ul>',
    );
  return out;
}

/** The steps and their outcomes, then the lab. */
function stepsSection(r: ScenarioReport): string[] {
  const out = [
    '<h3>Steps</h3>',
    table(
      ['#', 'step', 'start', 'outcome', 'message'],
      r.steps.map((st) => [
        String(st.index + 1),
        esc(st.description + (st.note ? ` (${st.note})` : '')),
        esc(st.start === null ? '–' : s(st.start)),
        `<span class="${st.outcome === 'failed' || st.outcome === 'error' ? 'bad' : st.outcome === 'skipped' ? 'skip' : 'ok'}">${st.outcome}</span>`,
        esc(st.message ?? ''),
      ]),
    ),
  ];
  if (r.lab)
    out.push(
      '<h3>Lab</h3>',
      table(
        ['node', 'role', 'address', 'VRRP'],
        r.lab.nodes.map((n) => [esc(n.name), esc(n.role), esc(n.address), esc(n.vrrp ?? '–')]),
      ),
    );
  return out;
}

function scenarioHtml(r: ScenarioReport): string {
  const out = scenarioHead(r);
  if (r.status === 'skipped') {
    out.push('</section>');
    return out.join('\n');
  }
  out.push(
    ...timelineHtml(r.timeline, r.name),
    ...slaSection(r),
    ...vrrpSection(r),
    ...stepsSection(r),
  );
  out.push('</section>');
  return out.join('\n');
}

const CSS = `
body{font:14px/1.45 system-ui,sans-serif;margin:24px;color:#222;max-width:1000px}
h1{font-size:22px}h2{font-size:18px;margin-top:32px;border-top:1px solid #ddd;padding-top:16px}h3{font-size:15px;margin-bottom:4px}
table{border-collapse:collapse;margin:6px 0}td,th{border:1px solid #ddd;padding:3px 8px;text-align:left;vertical-align:top}th{background:#f5f5f5}
.kv td:first-child{white-space:nowrap;color:#555}
.ok{color:#2e7d32}.bad{color:#c62828}.skip{color:#757575}.nm{fill:#9e9e9e;color:#757575;font-style:italic}
.badge{display:inline-block;padding:0 8px;border-radius:4px;border:1px solid currentColor;font-size:13px}
.file{color:#666;font-family:monospace}.notice{color:#757575}
.label{font-size:12px;fill:#333}.tick{font-size:10px;fill:#555;text-anchor:middle}.marker{font-size:10px;text-anchor:middle}
.legend{font-size:12px;color:#555}.sw{display:inline-block;width:12px;height:10px;margin:0 3px 0 8px;vertical-align:middle}
`;

export function renderHtml(report: Report): string {
  const { passed, failed, skipped, error } = report.run.counts;
  const verdict = report.interrupted
    ? 'interrupted'
    : report.run.passed && !report.baseline?.regressed
      ? 'passed'
      : 'failed';
  const suiteRows = report.suite.map((r) => [
    esc(r.name),
    `<span class="${STATUS_CLASS[r.status]}">${r.status}</span>`,
    esc(r.status === 'skipped' ? '–' : String(r.switchovers)),
    esc(r.status === 'skipped' ? '–' : sOr(r.worstGapSeconds, 'none')),
    esc(r.status === 'skipped' ? '–' : sOr(r.downtimeSeconds)),
    esc(
      r.availability === null ? (r.status === 'skipped' ? '–' : NM) : formatPercent(r.availability),
    ),
    esc(r.slaVerdict),
  ]);
  const body = [
    `<h1>chaos report: <span class="${verdict === 'passed' ? 'ok' : 'bad'}" data-verdict="${verdict}">${verdict}</span></h1>`,
    `<p>${passed} passed, ${failed} failed, ${skipped} skipped, ${error} errors · ${esc(report.run.driver)} driver · seed ${report.run.seed}${report.generatedAt ? ` · ${esc(report.generatedAt)}` : ''}</p>`,
  ];
  if (report.interrupted)
    body.push(
      `<p class="bad" data-interrupted="true">The run was interrupted${report.interruption ? ` (${esc(report.interruption)})` : ''}: this report holds what was gathered until then.</p>`,
    );
  body.push(
    table(
      [
        'scenario',
        'verdict',
        'switchovers',
        'worst VRRP gap',
        'client downtime',
        'availability',
        'SLO',
      ],
      suiteRows,
    ),
  );
  if (report.baseline) {
    const b = report.baseline;
    const shown = b.findings.filter((f) => f.kind === 'regression' || f.kind === 'improved');
    body.push(
      `<h2>Baseline (${esc(b.source)})</h2>`,
      b.regressed
        ? `<p class="bad">Regressed: worse by more than ${b.maxRegressionPct}% and ${b.maxRegressionMs} ms.</p>`
        : `<p class="ok">No regression beyond ${b.maxRegressionPct}% and ${b.maxRegressionMs} ms.</p>`,
    );
    if (shown.length > 0)
      body.push(
        `<ul>${shown.map((f) => `<li class="${f.kind === 'regression' ? 'bad' : 'ok'}">${esc(f.message)}</li>`).join('')}</ul>`,
      );
  }
  body.push(...report.scenarios.map(scenarioHtml));
  const env = report.environment;
  body.push(
    `<p class="file">chaos ${esc(env.chaosVersion ?? NM)} · Docker ${esc(env.dockerVersion ?? NM)} · Node ${esc(env.nodeVersion ?? NM)} · report version ${report.version}</p>`,
  );
  return htmlPage(`chaos report: ${verdict}`, body);
}

/** A self-contained page: the report's CSS inline, a policy that forbids any fetch. */
export function htmlPage(title: string, body: readonly string[]): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>
<link rel="icon" href="data:,">
<style>${CSS}</style>
</head>
<body>
${body.join('\n')}
</body>
</html>
`;
}
