/**
 * report.md, pure: the summary a person reads first (and `$GITHUB_STEP_SUMMARY`). GitHub
 * flavoured Markdown: a verdict line, the suite table, then per scenario its failure, SLA,
 * switchovers and reconciliation. Figures that were not measured say so.
 */
import { formatDuration } from '../scenario/duration';
import { LATENESS_HEAD, latenessCells } from './lateness';
import type { Report, ScenarioReport, SuiteRow } from './model';
import { SIM_CLIENT_NOTE, formatPercent, formatShare } from './sla';
import { receiveCheckTable } from './receive-checks';
import { describeSwitchoverRate } from './switchover-rate';
import { replaceInvalidChars } from './junit';

const NM = 'not measured';
const s = (seconds: number): string => formatDuration(seconds * 1000);
const sOr = (x: number | null, none = NM): string => (x === null ? none : s(x));

/**
 * A user's string (a scenario's name, a node's, a message quoting them) in running text: one
 * line (newlines and line separators become spaces), no characters XML and HTML cannot carry,
 * and no `<` that could open an HTML tag (GitHub renders some).
 */
export function inline(text: string): string {
  return replaceInvalidChars(text)
    .replace(/\r\n|[\r\n\u2028\u2029]/g, ' ')
    .replace(/</g, '&lt;');
}

/** Markdown table cells: inline text with its pipes escaped. */
export function cell(text: string): string {
  return inline(text).replace(/\|/g, '\\|');
}

/** A code span around any text: a fence longer than the longest run of backticks inside. */
export function codeSpan(text: string): string {
  const one = replaceInvalidChars(text).replace(/\r\n|[\r\n\u2028\u2029]/g, ' ');
  const longest = Math.max(0, ...(one.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  const pad = one.startsWith('`') || one.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${one}${pad}${fence}`;
}

const STATUS: Record<ScenarioReport['status'], string> = {
  passed: '✅ passed',
  failed: '❌ failed',
  skipped: '⏭️ skipped',
  error: '💥 error',
};

function verdictLine(report: Report): string {
  const { passed, failed, skipped, error } = report.run.counts;
  const parts = [`${passed} passed`, `${failed} failed`];
  if (skipped) parts.push(`${skipped} skipped`);
  if (error) parts.push(`${error} errors`);
  const head = report.interrupted
    ? '⚠️ **Interrupted**'
    : report.run.passed && !report.baseline?.regressed
      ? '✅ **Passed**'
      : '❌ **Failed**';
  const shard = report.shard ? `, shard ${report.shard.index}/${report.shard.total}` : '';
  return `${head}: ${parts.join(', ')} (${report.run.driver} driver, seed ${report.run.seed}${shard})`;
}

export function suiteTable(rows: readonly SuiteRow[]): string {
  const lines = [
    '| scenario | verdict | switchovers | worst VRRP gap | client downtime | availability | SLO |',
    '|---|---|---:|---:|---:|---:|---|',
  ];
  for (const r of rows) {
    const skipped = r.status === 'skipped';
    lines.push(
      `| ${cell(r.name)} | ${STATUS[r.status]} | ${skipped ? '–' : r.switchovers} | ${skipped ? '–' : sOr(r.worstGapSeconds, 'none')} | ${skipped ? '–' : sOr(r.downtimeSeconds)} | ${r.availability === null ? (skipped ? '–' : NM) : formatPercent(r.availability)} | ${r.slaVerdict} |`,
    );
  }
  return lines.join('\n');
}

/** The client's side: downtime, availability, budget, projection, objectives. */
function clientLines(r: ScenarioReport): string[] {
  const out: string[] = [];
  const sla = r.sla;
  out.push(
    '',
    `Client: ${sla.downtimeSeconds === null ? `downtime ${NM}` : `downtime ${s(sla.downtimeSeconds)} in ${sla.incidents.length} outage${sla.incidents.length === 1 ? '' : 's'}`}; availability ${sla.availability === null ? NM : formatPercent(sla.availability)}${sla.windowSeconds === null ? '' : ` over ${s(sla.windowSeconds)}`} (${r.probes.requests} requests, ${r.probes.failed} failed).`,
  );
  if (r.driver === 'sim' && sla.incidents.length > 0) out.push(SIM_CLIENT_NOTE);
  if (sla.budget)
    out.push(
      `Error budget of ${formatPercent(sla.budget.targetAvailability)}: ${s(sla.budget.secondsPerYear)} a year, ${s(sla.budget.secondsPerMonth)} a month; this run spent ${formatShare(sla.budget.spentShareYear)} of a year's, ${formatShare(sla.budget.spentShareMonth)} of a month's.`,
    );
  if (sla.projection)
    out.push(
      `Projection at ${sla.projection.incidentsPerYear} incidents a year: ${s(sla.projection.downtimeSecondsPerYear)} down, availability ${formatPercent(sla.projection.availability)}${sla.projection.budgetShareYear === null ? '' : ` (${formatShare(sla.projection.budgetShareYear)} of the yearly budget)`}.`,
    );
  for (const o of sla.objectives)
    out.push(
      `- ${o.verdict === 'pass' ? '✅' : o.verdict === 'fail' ? '❌' : '❔'} objective ${o.objective}: ${inline(o.message)}`,
    );
  return out;
}

function scenarioSection(r: ScenarioReport): string {
  const out = [`### ${STATUS[r.status]}: ${inline(r.name)}`, '', codeSpan(r.file)];
  if (r.notice) out.push('', inline(r.notice));
  if (r.error) out.push('', `**Error** (${inline(r.error.code)}): ${inline(r.error.message)}`);
  if (r.failure) out.push('', `**Failed:** ${inline(r.failure)}`);
  if (r.status === 'skipped') return out.join('\n');

  const expects = r.steps.filter((st) => st.kind === 'expect');
  const held = expects.filter((st) => st.outcome === 'passed').length;
  const notRun = expects.filter((st) => st.outcome === 'skipped').length;
  out.push(
    '',
    `Expectations: ${held} of ${expects.length} held${notRun > 0 ? ` (${notRun} not run)` : ''}.`,
  );
  for (const st of expects)
    if (st.outcome === 'failed' || st.outcome === 'error')
      out.push(`- ❌ step ${st.index + 1}: ${inline(st.message ?? st.description)}`);

  out.push(...clientLines(r));

  if (r.switchovers.length > 0) {
    if (r.switchoverRate) out.push('', `${describeSwitchoverRate(r.switchoverRate)}.`);
    out.push('', '| switchover | at | VRRP gap | reason |', '|---|---:|---:|---|');
    for (const sw of r.switchovers)
      out.push(
        `| ${cell(sw.from)} → ${cell(sw.to)} | ${s(sw.at)} | ${s(sw.gapSeconds)} | ${sw.reason}${sw.duringSplitBrain ? ', during split brain' : ''} |`,
      );
  }
  if (r.advertLateness.length > 0) {
    const rows = r.advertLateness.map((l) => latenessCells(l).map(cell));
    out.push(
      '',
      'Advert lateness (interval minus the advertised interval):',
      '',
      `| ${LATENESS_HEAD.join(' | ')} |`,
      `|---|---|${'---:|'.repeat(LATENESS_HEAD.length - 2)}`,
      ...rows.map((c) => `| ${c.join(' | ')} |`),
    );
  }
  for (const b of r.splitBrain)
    out.push(
      '',
      `Split brain: ${inline(b.nodes.join(' + '))} from ${s(b.start)} for ${s(b.durationSeconds)}.`,
    );
  if (r.reconciliation.length > 0) {
    out.push('', 'Reconciliation (prober vs VRRP):');
    for (const x of r.reconciliation) out.push(`- ${inline(x.message)}`);
  }
  if (r.receiveChecks) {
    const t = receiveCheckTable(r.receiveChecks);
    out.push('', 'Receive checks (broken VRRP sent, and dropped by each daemon, by reason):', '');
    out.push(
      `| ${t.head.map(cell).join(' | ')} |`,
      `|---|${t.head
        .slice(1)
        .map(() => '---:')
        .join('|')}|`,
    );
    for (const row of t.rows) out.push(`| ${row.map(cell).join(' | ')} |`);
    for (const n of t.notes) out.push(`- ${inline(n)}`);
  }
  for (const rb of r.rollback)
    if (!rb.ok)
      out.push('', `Rollback of ${rb.fault} failed: ${inline(rb.error ?? 'unknown error')}`);
  return out.join('\n');
}

export function renderMarkdown(report: Report): string {
  const out = ['# chaos report', '', verdictLine(report)];
  if (report.interrupted)
    out.push(
      '',
      `> The run was interrupted${report.interruption ? ` (${inline(report.interruption)})` : ''}: this report holds what was gathered until then.`,
    );
  out.push('', suiteTable(report.suite));
  if (report.baseline) {
    const b = report.baseline;
    const reg = b.findings.filter((f) => f.kind === 'regression');
    const imp = b.findings.filter((f) => f.kind === 'improved');
    out.push(
      '',
      `## Baseline (${cell(b.source)})`,
      '',
      reg.length === 0
        ? `No regression beyond ${b.maxRegressionPct}% and ${b.maxRegressionMs} ms.`
        : `**${reg.length} regression${reg.length === 1 ? '' : 's'}** (worse by more than ${b.maxRegressionPct}% and ${b.maxRegressionMs} ms):`,
    );
    for (const f of reg) out.push(`- ❌ ${inline(f.message)}`);
    for (const f of imp) out.push(`- ✅ ${inline(f.message)}`);
  }
  out.push('', '## Scenarios');
  for (const r of report.scenarios) out.push('', scenarioSection(r));
  const env = report.environment;
  out.push(
    '',
    `<sub>chaos ${env.chaosVersion ?? NM}, Docker ${env.dockerVersion ?? NM}, Node ${env.nodeVersion ?? NM}${report.generatedAt ? `, ${report.generatedAt}` : ''}</sub>`,
    '',
  );
  return out.join('\n');
}
