/**
 * `chaos run --dry-run`: load and check the scenarios as a run does, resolve their labs, and
 * print the plan planRun() (src/run/plan.ts) builds: the images (tags computed from the
 * checkout's files, src/lab/images.ts, no engine asked), each lab's network, containers and
 * addresses, each step with its targets and deadline, the bounds. It starts, builds, connects
 * to and writes nothing. Exits: 0 the plan; 2 a file invalid, or a step the driver refuses (as
 * the run itself would).
 */
import { ChaosError } from '../errors';
import { dockerRefusals } from '../drivers/docker/refusals';
import { simRefusals } from '../drivers/sim/refusals';
import { packageRoot } from '../lab/docker-support';
import { labImageTags } from '../lab/images';
import { shardScenarios, type Shard } from '../report';
import type { Refusal } from '../run/driver';
import { planRun, type PlanImages, type RunPlan, type ScenarioPlan } from '../run/plan';
import { expandScenarioPaths, groupByLab, loadScenarios } from '../run/suite';
import { formatDuration } from '../scenario/duration';
import type { DriverName, Scenario } from '../scenario/types';
import type { CommandContext } from './context';
import { EXIT } from './exit-codes';

/** Each driver's refusals, pure (the drivers' own refusals() return the same). */
const REFUSALS: Readonly<Record<DriverName, (s: Scenario) => Refusal[]>> = {
  sim: simRefusals,
  docker: dockerRefusals,
};

/** The tags the Docker driver would use, or why they cannot be computed (no dist/: build). */
function images(rootDir: string): PlanImages {
  try {
    return { kind: 'tags', ...labImageTags(rootDir) };
  } catch (error) {
    if (error instanceof ChaosError) return { kind: 'unknown', problem: error.message };
    throw error;
  }
}

const ms = (n: number): string => formatDuration(n);

function table(rows: readonly (readonly string[])[], indent: string): string[] {
  const widths = rows[0]?.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length))) ?? [];
  return rows.map((r) =>
    `${indent}${r.map((cell, c) => cell.padEnd(widths[c] ?? 0)).join('  ')}`.trimEnd(),
  );
}

function scenarioLines(s: ScenarioPlan): string[] {
  const { lab, bounds } = s;
  const lines = [
    '',
    `${s.name}  (${s.file})${s.runs ? '' : `  skipped: it runs only on ${s.drivers.join(', ')}`}`,
    `  lab ${lab.name}: ${lab.network ? `network ${lab.network}, ` : ''}subnet ${lab.subnet}, gateway ${lab.gateway}, VIP ${lab.vip}, VRID ${lab.vrid}${s.sameLabAsPrevious && lab.network ? " (the previous scenario's: reused, VRRP restarted)" : ''}`,
    ...table(
      lab.nodes.map((n) => [
        n.name,
        n.role,
        n.address,
        n.vrrp ?? '',
        n.container ?? '',
        n.image ?? '',
        n.config === undefined ? '' : (n.config ?? "the seed's config"),
      ]),
      '    ',
    ),
    `  probe ${s.probe.url} every ${ms(s.probe.intervalMs)}, timeout ${ms(s.probe.timeoutMs)}`,
    `  bounds: Master_Down_Interval up to ${ms(bounds.masterDownMs)}, adverts every ${ms(bounds.advertMs)}, settled within ${ms(bounds.settleMs)}`,
    ...bounds.nodes.map(
      (b) =>
        `    ${b.node}: priority ${b.priority}${b.weighted ? ' (weighted track scripts)' : ''}, advert ${ms(b.advertMs)}, Master_Down_Interval ${ms(b.masterDownMs)}, ${b.preempt ? 'preempt' : 'nopreempt'}${b.preemptDelayMs > 0 ? ` after ${ms(b.preemptDelayMs)}` : ''}`,
    ),
    `  steps (after the steady state, at most ${ms(s.steadyStateTimeoutMs)}; "by": the latest end):`,
    ...table(
      s.steps.map((t) => [
        String(t.index),
        t.text,
        t.targets.length > 0 ? `[${t.targets.join(', ')}]` : '',
        `by ${ms(t.byMs)}`,
      ]),
      '   ',
    ),
  ];
  if (s.slo)
    lines.push(
      `  slo: ${[
        s.slo.maxDowntimeMs !== undefined ? `max downtime ${ms(s.slo.maxDowntimeMs)}` : '',
        s.slo.availability !== undefined ? `availability ${s.slo.availability} %` : '',
        s.slo.incidentsPerYear !== undefined ? `${s.slo.incidentsPerYear} incidents a year` : '',
      ]
        .filter(Boolean)
        .join(', ')}`,
    );
  for (const r of s.refusals) lines.push(`  refused: ${r}`);
  return lines;
}

/** The plan in words. */
export function describePlan(plan: RunPlan): string {
  const refused = plan.scenarios.reduce((n, s) => n + s.refusals.length, 0);
  const lines = [
    `dry run: ${plan.scenarios.length} scenario(s) on the ${plan.driver} driver, seed ${plan.seed}, in the order they would run; nothing is started, built, connected to or written`,
  ];
  if (plan.images?.kind === 'tags')
    lines.push(
      'images (built only if the engine lacks the tag):',
      ...table(
        (['web', 'mysql', 'prober'] as const).map((n) => [
          n,
          plan.images?.kind === 'tags' ? plan.images[n] : '',
        ]),
        '  ',
      ),
    );
  else if (plan.images)
    lines.push(
      `images: cannot compute the tags (a Docker run would stop here too): ${plan.images.problem}`,
    );
  else lines.push('images: none (the simulator builds and starts nothing)');
  for (const s of plan.scenarios) lines.push(...scenarioLines(s));
  lines.push(
    '',
    refused > 0
      ? `the ${plan.driver} driver refuses ${refused} step(s): the run would stop before any lab comes up`
      : 'run without --dry-run to carry it out',
  );
  return `${lines.join('\n')}\n`;
}

export interface DryRunOptions {
  driver: DriverName;
  seed: number;
  shard?: Shard;
  json?: boolean;
}

export function dryRun(ctx: CommandContext, paths: readonly string[], o: DryRunOptions): void {
  let files = expandScenarioPaths(paths);
  if (o.shard) files = shardScenarios(files, o.shard.index, o.shard.total);
  const plan = planRun({
    driver: o.driver,
    seed: o.seed,
    scenarios: groupByLab(loadScenarios(files)),
    images: o.driver === 'docker' ? images(packageRoot()) : null,
    refusals: (l) => REFUSALS[o.driver](l.scenario),
  });
  ctx.io.stdout(o.json ? `${JSON.stringify(plan, null, 2)}\n` : describePlan(plan));
  if (plan.scenarios.some((s) => s.refusals.length > 0)) ctx.setExit(EXIT.badInput);
}
