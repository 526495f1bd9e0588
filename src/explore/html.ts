/**
 * explore.html: what a `chaos explore` run found, as one self-contained page (report.html's
 * style and policy): the counts per invariant and per fault, then per finding its minimal
 * schedule and the timeline of its minimal run, drawn as report.html draws a scenario's.
 *
 * The timelines come from running each finding's scenario once more in the simulator with its
 * run seed and the explore run's jitter (findingTimelines): the same run that the finding's
 * file replays with `chaos run --driver sim`.
 */
import type { DriverFactory } from '../run/driver';
import { formatDuration } from '../scenario/duration';
import { htmlPage, table, timelineHtml } from '../report/html';
import { xmlEscape as esc } from '../report/junit';
import type { Timeline } from '../report/model';
import { buildTimeline } from '../report/timeline';
import type { ExploreOutcome } from './explore';
import { findingScenario } from './findings';
import type { ExploreBase } from './input';
import { findingFile, type ExploreDocument } from './model';
import { loadedFor, recordRun } from './run';

/** The minimal run's timeline of every finding, by the finding's file. */
export async function findingTimelines(
  base: ExploreBase,
  out: ExploreOutcome,
  createDriver: DriverFactory,
  jitterMs: number,
): Promise<Map<string, Timeline | null>> {
  const timelines = new Map<string, Timeline | null>();
  const names = base.loaded.scenario.lab.nodes.filter((n) => n.role === 'web').map((n) => n.name);
  for (const f of out.findings) {
    // The finding's steps as its file has them, on the base's lab.
    const loaded = loadedFor(base, findingScenario(base, f, base.data.lab));
    const { run, evidence } = await recordRun({ base, createDriver, jitterMs }, loaded, f.runSeed);
    timelines.set(findingFile(f), buildTimeline(run.result, evidence, names));
  }
  return timelines;
}

const ms = (x: number): string => formatDuration(x);

/** explore.html from explore.json and the findings' timelines. */
export function exploreHtml(
  doc: ExploreDocument,
  timelines: ReadonlyMap<string, Timeline | null>,
): string {
  const verdict =
    doc.violations.length === 0 ? 'nothing found' : `${doc.violations.length} finding(s)`;
  const body = [
    `<h1>chaos explore: <span class="${doc.violations.length === 0 ? 'ok' : 'bad'}">${esc(verdict)}</span></h1>`,
    `<p class="file">${esc(doc.file)}</p>`,
    `<p>${doc.runs} runs, seed ${doc.seed}, horizon ${esc(ms(doc.horizonMs))}, up to ${doc.maxFaults} faults, jitter ${doc.jitterMs} ms. Runs with a violation: ${doc.counts.violatingRuns}; errored: ${doc.counts.errored}.</p>`,
    table(
      ['invariant', 'violating runs'],
      Object.entries(doc.counts.byInvariant).map(([k, n]) => [esc(k), String(n)]),
    ),
    table(
      ['fault', 'runs', 'with a violation'],
      Object.entries(doc.counts.byFault).map(([k, c]) => [
        esc(k),
        String(c.runs),
        String(c.violating),
      ]),
    ),
    ...doc.skipped.map(
      (s) => `<p class="notice">Not explored: ${esc(s.kind)} (${esc(s.reason)}).</p>`,
    ),
  ];
  for (const v of doc.violations) {
    const name = v.file.replace(/^violations\//, '').replace(/\.yaml$/, '');
    body.push(
      `<section data-finding="${esc(name)}">`,
      `<h2>${esc(name)}</h2>`,
      `<p><span class="bad">${esc(v.observed)}</span></p>`,
      `<p class="file">${esc(v.file)} · run ${v.run} (seed ${v.runSeed}) · bound ${v.boundMs} ms · shrunk from ${v.originalFaults} fault(s) in ${v.shrinkRuns} runs · replay: chaos run --driver sim --seed ${v.runSeed} --jitter ${doc.jitterMs} ${esc(v.file)}</p>`,
      table(
        ['fault', 'targets and options', 'at', 'for'],
        v.faults.map((f) => [
          esc(f.kind),
          `<code>${esc(JSON.stringify(f.input))}</code>`,
          esc(ms(f.atMs)),
          esc(ms(f.forMs)),
        ]),
      ),
      ...timelineHtml(timelines.get(v.file) ?? null, name),
      '</section>',
    );
  }
  return htmlPage(`chaos explore: ${verdict}`, body);
}
