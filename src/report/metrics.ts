/**
 * `--metrics FILE`: a run's figures as OpenMetrics text, for node_exporter's textfile collector
 * and the Pushgateway (both read it: `# UNIT` and `# EOF` are comments to the Prometheus text
 * parser). Pure: Report in, text out. Gauges only, one sample per label set:
 *
 *   chaos_failover_gap_seconds{scenario,vrid,node}   longest VRRP gap, node = the new master
 *   chaos_split_brain_seconds{scenario,vrid}          total time with two or more masters
 *   chaos_client_downtime_seconds{scenario}           the prober's total outage
 *   chaos_availability_ratio{scenario}                availability over the probing window, 0..1
 *   chaos_scenario_passed{scenario}                   1 passed, 0 failed or error
 *   chaos_run_timestamp_seconds                       when the run started (Unix time)
 *
 * A figure that was not measured is left out (never 0); a skipped scenario has no samples.
 */
import type { Report, ScenarioReport } from './model';

interface Sample {
  labels: readonly (readonly [string, string])[];
  value: number;
}

interface Family {
  name: string;
  unit: string | null;
  help: string;
  samples: (r: ScenarioReport) => Sample[];
}

/** Label value escaping of the exposition formats: backslash, double quote, newline. */
export function escapeLabelValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

/** HELP text escaping: backslash and newline. */
function escapeHelp(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

function formatValue(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? '+Inf' : '-Inf';
  return String(Math.round(x * 1e9) / 1e9);
}

function sampleLine(name: string, s: Sample): string {
  const labels = s.labels.map(([k, v]) => `${k}="${escapeLabelValue(v)}"`).join(',');
  return `${name}${labels === '' ? '' : `{${labels}}`} ${formatValue(s.value)}`;
}

/** The VRIDs a scenario is about: its lab's, and any seen in its switchovers or split brains. */
function vridsOf(r: ScenarioReport): number[] {
  const set = new Set<number>();
  if (r.lab) set.add(r.lab.vrid);
  for (const sw of r.switchovers) set.add(sw.vrid);
  for (const b of r.splitBrain) set.add(b.vrid);
  return [...set].sort((a, b) => a - b);
}

const measured = (r: ScenarioReport): boolean => r.status !== 'skipped';

/** Longest gap per (vrid, new master). */
function failoverGaps(r: ScenarioReport): Sample[] {
  const worst = new Map<string, { vrid: number; node: string; gap: number }>();
  for (const sw of r.switchovers) {
    const key = `${sw.vrid}\u0000${sw.to}`;
    const seen = worst.get(key);
    if (!seen || sw.gapSeconds > seen.gap)
      worst.set(key, { vrid: sw.vrid, node: sw.to, gap: sw.gapSeconds });
  }
  return [...worst.values()]
    .sort((a, b) => a.vrid - b.vrid || (a.node < b.node ? -1 : a.node > b.node ? 1 : 0))
    .map((w) => ({
      labels: [
        ['scenario', r.name],
        ['vrid', String(w.vrid)],
        ['node', w.node],
      ],
      value: w.gap,
    }));
}

function splitBrainSeconds(r: ScenarioReport): Sample[] {
  if (!measured(r)) return [];
  return vridsOf(r).map((vrid) => ({
    labels: [
      ['scenario', r.name],
      ['vrid', String(vrid)],
    ],
    value: r.splitBrain.filter((b) => b.vrid === vrid).reduce((s, b) => s + b.durationSeconds, 0),
  }));
}

const scenarioSample = (r: ScenarioReport, value: number | null): Sample[] =>
  value === null || !measured(r) ? [] : [{ labels: [['scenario', r.name]], value }];

const FAMILIES: readonly Family[] = [
  {
    name: 'chaos_failover_gap_seconds',
    unit: 'seconds',
    help: "Longest VRRP failover gap (old master's last advert to the new master's first), by new master.",
    samples: failoverGaps,
  },
  {
    name: 'chaos_split_brain_seconds',
    unit: 'seconds',
    help: 'Total time two or more routers were master of the VRID.',
    samples: splitBrainSeconds,
  },
  {
    name: 'chaos_client_downtime_seconds',
    unit: 'seconds',
    help: "Total client downtime seen by chaos's prober from the steady state to the end.",
    samples: (r) => scenarioSample(r, r.sla.downtimeSeconds),
  },
  {
    name: 'chaos_availability_ratio',
    unit: 'ratio',
    help: 'Share of the probing window the client was served (0 to 1).',
    samples: (r) =>
      scenarioSample(r, r.sla.availability === null ? null : r.sla.availability / 100),
  },
  {
    name: 'chaos_scenario_passed',
    unit: null,
    help: 'Whether the scenario passed (1) or failed or errored (0).',
    samples: (r) => scenarioSample(r, r.status === 'passed' ? 1 : 0),
  },
];

function familyText(
  name: string,
  unit: string | null,
  help: string,
  samples: readonly Sample[],
): string[] {
  return [
    `# TYPE ${name} gauge`,
    ...(unit === null ? [] : [`# UNIT ${name} ${unit}`]),
    `# HELP ${name} ${escapeHelp(help)}`,
    ...samples.map((s) => sampleLine(name, s)),
  ];
}

/**
 * The metrics text of a report. Two scenarios of the same name (from different files) would
 * give the same label set twice: the later ones get ` (file)` appended to the name.
 */
export function renderMetrics(report: Report): string {
  const scenarios = distinctNames(report.scenarios);
  const lines = FAMILIES.flatMap((f) =>
    familyText(
      f.name,
      f.unit,
      f.help,
      scenarios.flatMap((r) => f.samples(r)),
    ),
  );
  const started = report.generatedAt === null ? NaN : Date.parse(report.generatedAt);
  lines.push(
    ...familyText(
      'chaos_run_timestamp_seconds',
      'seconds',
      'When the run started, Unix time.',
      Number.isFinite(started) ? [{ labels: [], value: started / 1000 }] : [],
    ),
  );
  return `${lines.join('\n')}\n# EOF\n`;
}

function distinctNames(scenarios: readonly ScenarioReport[]): ScenarioReport[] {
  const seen = new Set<string>();
  return scenarios.map((r) => {
    const name = seen.has(r.name) ? `${r.name} (${r.file})` : r.name;
    seen.add(name);
    return name === r.name ? r : { ...r, name };
  });
}
