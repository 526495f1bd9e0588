/**
 * The simulator's prediction beside Docker's measurement, for one scenario: the switchovers
 * (the sequence of VIP owners and each gap), split-brain time, and client downtime, each with
 * the difference and whether it is within the targets (gaps 5 ms; the same owners; downtime
 * 10 % or 100 ms). Where they differ it says what differs. Pure: `npm run bench:agreement`
 * runs the scenarios and prints these.
 */
import type { ScenarioResult } from '../run/result';

export const AGREEMENT_TARGETS = { gapMs: 5, downtimeShare: 0.1, downtimeMs: 100 } as const;

export interface Agreement {
  name: string;
  /** `server01>server03` per switchover, each driver. */
  owners: { sim: string[]; docker: string[]; same: boolean };
  /**
   * The largest |sim - docker| over the bounded gaps both saw (silence, priority 0; not
   * preemptions, whose gap depends on the advert phase), ms; null when none.
   */
  worstGapDiffMs: number | null;
  splitBrainSeconds: { sim: number; docker: number };
  downtimeSeconds: { sim: number; docker: number };
  downtimeAgrees: boolean;
  agrees: boolean;
  /** What differs, in words (empty when everything agrees). */
  why: string[];
}

const sequence = (r: ScenarioResult): string[] => r.switchovers.map((s) => `${s.from}>${s.to}`);
const splitSeconds = (r: ScenarioResult): number =>
  r.splitBrain.reduce((sum, b) => sum + b.durationSeconds, 0);

export function compareDrivers(sim: ScenarioResult, docker: ScenarioResult): Agreement {
  const owners = { sim: sequence(sim), docker: sequence(docker), same: false };
  owners.same = owners.sim.join(' ') === owners.docker.join(' ');
  // Gaps with a protocol bound (silence: Master_Down_Interval; priority 0: Skew_Time). A
  // preemption's gap depends on where in the advert cycle the returning router starts.
  const pairs = Math.min(sim.switchovers.length, docker.switchovers.length);
  let worst: number | null = null;
  for (let i = 0; i < pairs; i++) {
    const a = sim.switchovers[i];
    const b = docker.switchovers[i];
    if (!a || !b || a.reason === 'preempted' || a.reason !== b.reason) continue;
    worst = Math.max(worst ?? 0, Math.abs(a.gapSeconds - b.gapSeconds) * 1000);
  }
  const downSim = sim.downtimeSeconds;
  const downDocker = docker.downtimeSeconds;
  const diffMs = Math.abs(downSim - downDocker) * 1000;
  const downtimeAgrees =
    diffMs <= AGREEMENT_TARGETS.downtimeMs ||
    diffMs <= AGREEMENT_TARGETS.downtimeShare * Math.max(downSim, downDocker) * 1000;
  const why: string[] = [];
  if (sim.status !== docker.status) why.push(`sim ${sim.status}, docker ${docker.status}`);
  if (!owners.same)
    why.push(
      `owners: sim ${owners.sim.join(', ') || 'none'}; docker ${owners.docker.join(', ') || 'none'}`,
    );
  if (worst !== null && worst > AGREEMENT_TARGETS.gapMs)
    why.push(`a gap differs by ${worst.toFixed(1)} ms (target ${AGREEMENT_TARGETS.gapMs} ms)`);
  if (!downtimeAgrees)
    why.push(
      `client downtime ${downSim.toFixed(3)} s vs ${downDocker.toFixed(3)} s${owners.same ? ' with the same VRRP switchovers: the clients differ (the simulator models an ideal client and an ARP cache, not HTTP)' : ''}`,
    );
  return {
    name: sim.name,
    owners,
    worstGapDiffMs: worst,
    splitBrainSeconds: { sim: splitSeconds(sim), docker: splitSeconds(docker) },
    downtimeSeconds: { sim: downSim, docker: downDocker },
    downtimeAgrees,
    agrees: why.length === 0,
    why,
  };
}

const pad = (text: string, width: number): string => text.padEnd(width);
const s3 = (seconds: number): string => `${seconds.toFixed(3)} s`;

/** The side-by-side table, a row per scenario, then what differs. */
export function formatAgreement(rows: readonly Agreement[]): string {
  const head = [
    'scenario',
    'owners (sim = docker)',
    'worst gap diff',
    'split brain sim/docker',
    'downtime sim/docker',
    'agrees',
  ];
  const lines = rows.map((r) => [
    r.name,
    `${r.owners.same ? '=' : '≠'} ${r.owners.docker.join(' ') || '-'}`,
    r.worstGapDiffMs === null ? '-' : `${r.worstGapDiffMs.toFixed(2)} ms`,
    `${s3(r.splitBrainSeconds.sim)} / ${s3(r.splitBrainSeconds.docker)}`,
    `${s3(r.downtimeSeconds.sim)} / ${s3(r.downtimeSeconds.docker)}`,
    r.agrees ? 'yes' : 'NO',
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...lines.map((l) => (l[i] ?? '').length)));
  const row = (cells: string[]): string => cells.map((c, i) => pad(c, widths[i] ?? 0)).join('  ');
  const out = [row(head), ...lines.map(row)];
  for (const r of rows) for (const w of r.why) out.push(`  ${r.name}: ${w}`);
  const agreeing = rows.filter((r) => r.agrees).length;
  out.push(`${agreeing} of ${rows.length} scenarios agree`);
  return `${out.join('\n')}\n`;
}
