/**
 * Trend over several runs, pure: per scenario its client downtime and worst VRRP gap in each
 * run, as a Markdown table and an HTML page with one SVG line chart per scenario. Runs are in
 * the order given (the caller sorts them, e.g. by generatedAt). A run that did not measure a
 * figure leaves a hole in the line ("not measured" in the table), never a 0.
 */
import { formatDuration } from '../scenario/duration';
import type { Report } from './model';
import { xmlEscape as esc } from './junit';
import { cell } from './markdown';

export interface TrendRun {
  /** How the run is named in the table: its folder, or its generatedAt. */
  label: string;
  report: Report;
}

export interface TrendPoint {
  run: string;
  status: string | null;
  downtimeSeconds: number | null;
  worstGapSeconds: number | null;
}

export interface TrendSeries {
  scenario: string;
  points: TrendPoint[];
}

export function trendSeries(runs: readonly TrendRun[]): TrendSeries[] {
  const names: string[] = [];
  for (const r of runs)
    for (const row of r.report.suite) if (!names.includes(row.name)) names.push(row.name);
  return names.map((scenario) => ({
    scenario,
    points: runs.map((r) => {
      const row = r.report.suite.find((x) => x.name === scenario);
      return {
        run: r.label,
        status: row?.status ?? null,
        downtimeSeconds: row?.downtimeSeconds ?? null,
        worstGapSeconds: row?.worstGapSeconds ?? null,
      };
    }),
  }));
}

const s = (x: number | null): string => (x === null ? 'not measured' : formatDuration(x * 1000));

export function renderTrendMarkdown(series: readonly TrendSeries[]): string {
  const runs = series[0]?.points.map((p) => p.run) ?? [];
  const out = [
    '# chaos trend',
    '',
    'Client downtime / worst VRRP gap per run.',
    '',
    `| scenario | ${runs.map(cell).join(' | ')} |`,
    `|---|${runs.map(() => '---:').join('|')}|`,
  ];
  for (const sr of series)
    out.push(
      `| ${cell(sr.scenario)} | ${sr.points
        .map((p) =>
          p.status === null
            ? '–'
            : p.status === 'skipped'
              ? 'skipped'
              : `${s(p.downtimeSeconds)} / ${p.worstGapSeconds === null ? 'no switchover' : s(p.worstGapSeconds)}${p.status === 'passed' ? '' : ` (${p.status})`}`,
        )
        .join(' | ')} |`,
    );
  return `${out.join('\n')}\n`;
}

const CW = 640;
const CH = 160;
const PAD = { l: 60, r: 16, t: 12, b: 36 };

/** A line chart of one scenario's downtime and worst gap over the runs. */
export function renderTrendSvg(sr: TrendSeries): string {
  const values = sr.points.flatMap((p) => [p.downtimeSeconds, p.worstGapSeconds]);
  const max = Math.max(0.001, ...values.filter((v): v is number => v !== null));
  const n = sr.points.length;
  const x = (i: number): number => PAD.l + (n <= 1 ? 0 : (i / (n - 1)) * (CW - PAD.l - PAD.r));
  const y = (v: number): number => PAD.t + (1 - v / max) * (CH - PAD.t - PAD.b);
  const line = (metric: 'downtimeSeconds' | 'worstGapSeconds', colour: string): string => {
    // Break the line where a run did not measure the figure.
    const segments: string[][] = [[]];
    sr.points.forEach((p, i) => {
      const v = p[metric];
      if (v === null) segments.push([]);
      else segments.at(-1)?.push(`${x(i).toFixed(1)},${y(v).toFixed(1)}`);
    });
    const paths = segments
      .filter((seg) => seg.length > 0)
      .map(
        (seg) =>
          `<polyline data-series="${metric}" fill="none" stroke="${colour}" stroke-width="2" points="${seg.join(' ')}"/>`,
      );
    const dots = sr.points.map((p, i) =>
      p[metric] === null
        ? ''
        : `<circle data-point="${metric}" cx="${x(i).toFixed(1)}" cy="${y(p[metric]).toFixed(1)}" r="3" fill="${colour}"><title>${esc(`${p.run}: ${s(p[metric])}`)}</title></circle>`,
    );
    return [...paths, ...dots].join('');
  };
  const labels = sr.points.map(
    (p, i) =>
      `<text x="${x(i).toFixed(1)}" y="${CH - 18}" font-size="10" text-anchor="middle">${esc(p.run.length > 16 ? `…${p.run.slice(-15)}` : p.run)}</text>`,
  );
  return [
    `<svg data-trend="${esc(sr.scenario)}" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${CW} ${CH}" width="${CW}" height="${CH}">`,
    `<line x1="${PAD.l}" x2="${CW - PAD.r}" y1="${y(0)}" y2="${y(0)}" stroke="#999"/>`,
    `<text x="4" y="${PAD.t + 8}" font-size="10">${esc(formatDuration(max * 1000))}</text>`,
    `<text x="4" y="${y(0)}" font-size="10">0</text>`,
    line('downtimeSeconds', '#e53935'),
    line('worstGapSeconds', '#1565c0'),
    ...labels,
    `<text x="${PAD.l}" y="${CH - 4}" font-size="10" fill="#e53935">client downtime</text><text x="${PAD.l + 110}" y="${CH - 4}" font-size="10" fill="#1565c0">worst VRRP gap</text>`,
    '</svg>',
  ].join('\n');
}

export function renderTrendHtml(series: readonly TrendSeries[]): string {
  const sections = series.map(
    (sr) => `<section><h2>${esc(sr.scenario)}</h2>\n${renderTrendSvg(sr)}</section>`,
  );
  const md = renderTrendMarkdown(series)
    .split('\n')
    .filter((l) => l.startsWith('|') && !l.startsWith('|---'))
    .map((l, i) => {
      const cells = l
        .slice(1, -1)
        .split(' | ')
        .map((c) => c.trim().replace(/\\\|/g, '|'));
      const tag = i === 0 ? 'th' : 'td';
      return `<tr>${cells.map((c) => `<${tag}>${esc(c)}</${tag}>`).join('')}</tr>`;
    });
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>chaos trend</title>
<link rel="icon" href="data:,">
<style>body{font:14px system-ui,sans-serif;margin:24px}table{border-collapse:collapse}td,th{border:1px solid #ddd;padding:3px 8px}</style>
</head>
<body>
<h1>chaos trend</h1>
<table>${md.join('')}</table>
${sections.join('\n')}
</body>
</html>
`;
}
