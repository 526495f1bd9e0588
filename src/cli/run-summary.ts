/** `chaos run`'s words on the terminal: a few lines per scenario and the counts. Pure. */
import type { RunResult, ScenarioResult } from '../run/result';
import { describeSwitchoverRate, switchoverRate } from '../report/switchover-rate';
import { latenessLine, notableLateness } from '../report/lateness';
import { formatDuration } from '../scenario/duration';
import { receiveCheckTable } from '../report/receive-checks';

const s = (seconds: number): string => formatDuration(seconds * 1000);

/** The readable summary of one scenario. */
export function summariseScenario(r: ScenarioResult): string {
  const tag = { passed: 'PASS', failed: 'FAIL', skipped: 'SKIP', error: 'ERROR' }[r.status];
  const lines = [`${tag} ${r.name} (${r.file})`];
  if (r.notice) lines.push(`  ${r.notice}`);
  if (r.error) lines.push(`  ${r.error.message}`);
  if (r.failure) lines.push(`  failed: ${r.failure}`);
  if (r.status === 'skipped') return `${lines.join('\n')}\n`;
  const rate = switchoverRate(r);
  if (rate && rate.count > 1) lines.push(`  ${describeSwitchoverRate(rate)}`);
  for (const sw of r.switchovers)
    lines.push(
      `  switchover ${sw.from} -> ${sw.to} at ${s(sw.at)}: VRRP gap ${s(sw.gapSeconds)} (${sw.reason}${sw.duringSplitBrain ? ', during split brain' : ''})`,
    );
  for (const b of r.splitBrain)
    lines.push(
      `  split brain ${b.nodes.join(' + ')} from ${s(b.start)} for ${s(b.durationSeconds)}`,
    );
  // While faulted: what the faults did to the senders' timers (report.md has the whole run too).
  for (const l of r.advertLateness)
    if (l.window === 'faults' && notableLateness(l)) lines.push(`  ${latenessLine(l)}`);
  const longest = r.outages.reduce((m, o) => Math.max(m, o.durationSeconds), 0);
  lines.push(
    r.outages.length === 0
      ? `  client downtime: none (${r.probes.requests} requests, every ${r.probes.intervalMs} ms)`
      : `  client downtime ${s(r.downtimeSeconds)} in ${r.outages.length} outage${r.outages.length > 1 ? 's' : ''} (longest ${s(longest)}; ${r.probes.failed} of ${r.probes.requests} requests failed)`,
  );
  for (const c of r.slo?.checks ?? [])
    lines.push(`  objective ${c.passed ? 'met' : 'MISSED'}: ${c.message}`);
  if (r.receiveChecks) {
    const t = receiveCheckTable(r.receiveChecks);
    lines.push(`  receive checks: ${t.head.join(' | ')}`);
    for (const row of t.rows) lines.push(`    ${row.join(' | ')}`);
    for (const n of t.notes) lines.push(`    ${n}`);
  }
  for (const rb of r.rollback)
    if (!rb.ok) lines.push(`  rollback of ${rb.fault} failed: ${rb.error ?? ''}`);
  return `${lines.join('\n')}\n`;
}

export function summariseRun(run: RunResult): string {
  const { passed, failed, skipped, error } = run.counts;
  const parts = [`${passed} passed`, `${failed} failed`];
  if (skipped) parts.push(`${skipped} skipped`);
  if (error) parts.push(`${error} errors`);
  return `${run.scenarios.map(summariseScenario).join('')}${parts.join(', ')} (${run.driver} driver, seed ${run.seed})\n`;
}
