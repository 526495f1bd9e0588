/**
 * The files a `chaos explore` run leaves, as text by path (relative to the output folder):
 * one scenario per finding (violations/<invariant>-<n>.yaml) that `chaos run` accepts on both
 * drivers, the lab's keepalived configs beside them (violations/configs/), explore.json and
 * explore.md. Pure; the CLI writes them.
 */
import path from 'node:path';
import { stringify } from 'yaml';
import { formatDuration } from '../scenario/duration';
import type { ScenarioFile } from '../scenario/schema';
import type { ExploreOutcome, Finding } from './explore';
import type { ExploreBase } from './input';
import { exploreDocument, findingFile, type ExploreDocument, type ExploreSettings } from './model';
import { scenarioData } from './run';
import { scheduleSteps } from './schedule';

/** The lab of the findings: the base's, each web config copied beside them. */
function findingLab(base: ExploreBase): {
  lab: ScenarioFile['lab'];
  configs: Record<string, string>;
} {
  const lab = base.data.lab;
  const configs: Record<string, string> = {};
  if (!lab?.nodes) return { lab, configs };
  const nodes: typeof lab.nodes = {};
  for (const [name, n] of Object.entries(lab.nodes)) {
    if (n.config === undefined) {
      nodes[name] = n;
      continue;
    }
    const text = base.loaded.scenario.lab.nodes.find((x) => x.name === name)?.configText ?? '';
    const file = `configs/${name}${path.extname(n.config) || '.conf'}`;
    configs[`violations/${file}`] = text;
    nodes[name] = { ...n, config: file };
  }
  return { lab: { ...lab, nodes }, configs };
}

/** The finding's scenario data: the minimal schedule up to the violation, then its check. */
export function findingScenario(base: ExploreBase, f: Finding, lab: ScenarioFile['lab']) {
  const v = f.violation;
  const name = `explore-${f.invariant}-${f.n}`;
  const steps =
    v.expect === null
      ? scheduleSteps(f.schedule)
      : [
          ...scheduleSteps(f.schedule, v.atMs - f.steadyMs),
          { expect: v.expect, note: `${f.invariant}: ${v.observed}` },
        ];
  const { probe, slo } = scenarioData(base, name, steps);
  return {
    name,
    description: `chaos explore found a violation of ${f.invariant}: the minimal schedule, then the check that fails where it broke.`,
    ...(lab === undefined ? {} : { lab }),
    ...(probe === undefined ? {} : { probe }),
    steps,
    ...(f.invariant === 'slo' && slo ? { slo } : {}),
  } as ScenarioFile;
}

function header(f: Finding, s: ExploreSettings, file: string): string {
  const v = f.violation;
  return [
    `# chaos explore finding: ${f.invariant}`,
    `# seed ${s.seed}, run ${f.run} (run seed ${f.runSeed}), jitter ${s.jitterMs} ms, horizon ${formatDuration(s.horizonMs)}`,
    `# bound: ${v.boundMs} ms`,
    `# observed: ${v.observed}`,
    `# shrunk from ${f.original.faults.length} fault(s) to ${f.schedule.faults.length} in ${f.shrinkRuns} runs`,
    `# replay: chaos run --driver sim --seed ${f.runSeed} --jitter ${s.jitterMs} ${file}`,
    '',
  ].join('\n');
}

function markdown(doc: ExploreDocument): string {
  const lines = [
    `# chaos explore: ${doc.file}`,
    '',
    `${doc.runs} runs, seed ${doc.seed}, horizon ${formatDuration(doc.horizonMs)}, up to ${doc.maxFaults} faults, jitter ${doc.jitterMs} ms.`,
    `Runs with a violation: ${doc.counts.violatingRuns}; errored: ${doc.counts.errored}.`,
    '',
    '| invariant | violating runs |',
    '| --- | --- |',
    ...Object.entries(doc.counts.byInvariant).map(([k, n]) => `| ${k} | ${n} |`),
    '',
    '| fault | runs | with a violation |',
    '| --- | --- | --- |',
    ...Object.entries(doc.counts.byFault).map(([k, c]) => `| ${k} | ${c.runs} | ${c.violating} |`),
    '',
    ...doc.skipped.map((s) => `Not explored: ${s.kind} (${s.reason}).`),
    '',
    '## Findings',
    '',
  ];
  if (doc.violations.length === 0) lines.push('None.');
  for (const v of doc.violations)
    lines.push(
      `- [${v.file}](${v.file}): ${v.invariant}, run ${v.run} (seed ${v.runSeed}), ${v.faults.length} fault(s): ${v.faults.map((f) => `${f.kind} ${JSON.stringify(f.input)} at ${f.atMs} ms for ${f.forMs} ms`).join('; ') || 'none'}. ${v.observed}`,
    );
  return `${lines.join('\n')}\n`;
}

/** Every file of the output folder, by relative path. */
export function exploreFiles(
  base: ExploreBase,
  settings: ExploreSettings,
  out: ExploreOutcome,
): Record<string, string> {
  const { lab, configs } = findingLab(base);
  const files: Record<string, string> = out.findings.length > 0 ? { ...configs } : {};
  for (const f of out.findings) {
    const file = findingFile(f);
    // No anchors: a heal repeats its fault's targets in full, as a person writes them.
    const body = stringify(findingScenario(base, f, lab), {
      lineWidth: 0,
      aliasDuplicateObjects: false,
    });
    files[file] = `${header(f, settings, file)}${body}`;
  }
  const doc = exploreDocument(base, settings, out);
  files['explore.json'] = `${JSON.stringify(doc, null, 2)}\n`;
  files['explore.md'] = markdown(doc);
  return files;
}
