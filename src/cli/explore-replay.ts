/**
 * `chaos explore --replay DIR [--driver docker|sim] [--only a,b]`: runs every finding of an
 * explore folder (DIR/explore.json's violations) again, on Docker by default, and writes
 * DIR/replay-<driver>.json and .md (src/explore/replay.ts) with each run's evidence under
 * DIR/replay-<driver>/. Exit 1 when a finding reproduced (the design really breaks), 0 when
 * none did, 2 on a bad folder, 3 when a run errored or was interrupted.
 *
 * On Docker the findings run as one suite on one lab, one after the other; in the simulator
 * each runs with its own seed and the explore run's jitter, so it replays exactly.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { DRIVERS } from '../drivers';
import { InputError } from '../errors';
import { exploreSchema, type ExploreDocument } from '../explore/model';
import { replayDocument, replayMarkdown, type ReplayDocument } from '../explore/replay';
import { writeFileAtomic } from '../report/run-directory';
import type { ScenarioResult } from '../run/result';
import { interruptedError, runSuite, type SuiteOutcome } from '../run/suite';
import type { DriverName } from '../scenario/types';
import type { CommandContext } from './context';
import { EXIT } from './exit-codes';
import { interruptOnSignals, type SignalSource } from './run';

export const EXPLORE_REPLAY_BAD_DIR = 'EXPLORE_REPLAY_BAD_DIR';

export interface ReplayOptions {
  driver: DriverName;
  only?: string[];
}

function badDir(message: string): InputError {
  return new InputError(EXPLORE_REPLAY_BAD_DIR, message);
}

/** DIR/explore.json, checked, and the findings to replay (all, or those `--only` names). */
export function loadReplayInput(
  dir: string,
  only: readonly string[] | undefined,
): { doc: ExploreDocument; files: string[] } {
  const file = path.join(dir, 'explore.json');
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw badDir(`${file}: not a chaos explore folder (${(e as Error).message})`);
  }
  const parsed = exploreSchema.safeParse(raw);
  if (!parsed.success)
    throw badDir(`${file}: not an explore.json of version 1: ${parsed.error.issues[0]?.message}`);
  const doc = parsed.data;
  const name = (f: string): string => path.basename(f, '.yaml');
  const known = doc.violations.map((v) => name(v.file));
  for (const o of only ?? [])
    if (!known.includes(o))
      throw badDir(`no finding '${o}' in ${file}; it has: ${known.join(', ') || 'none'}`);
  const chosen = doc.violations.filter((v) => !only || only.includes(name(v.file)));
  if (chosen.length === 0) throw badDir(`${file} has no findings to replay`);
  for (const v of chosen)
    if (!fs.existsSync(path.join(dir, v.file)))
      throw badDir(`${path.join(dir, v.file)} is missing`);
  return {
    doc: { ...doc, violations: chosen },
    files: chosen.map((v) => v.file),
  };
}

type Runs = Map<string, { result: ScenarioResult | undefined; runDir: string | null }>;

/** Each finding's result by its file (relative to DIR), and the folder of its evidence. */
function collect(dir: string, files: readonly string[], outcomes: SuiteOutcome[], runs: Runs) {
  for (const rel of files) {
    const abs = path.resolve(dir, rel);
    for (const o of outcomes) {
      const result = o.run.scenarios.find((s) => path.resolve(s.file) === abs);
      if (!result) continue;
      // Docker keeps each scenario's evidence in a folder of its own; the simulator writes only
      // the suite's report.
      const scenarioDir = o.outDir === undefined ? null : path.join(o.outDir, result.name);
      const runDir = scenarioDir && fs.existsSync(scenarioDir) ? scenarioDir : (o.outDir ?? null);
      runs.set(rel, { result, runDir: runDir === null ? null : path.relative(dir, runDir) });
    }
  }
}

export async function replayAction(
  ctx: CommandContext,
  program: Command,
  dir: string,
  o: ReplayOptions,
  signals: SignalSource = process,
): Promise<ReplayDocument> {
  const { doc, files } = loadReplayInput(dir, o.only);
  const out = path.join(dir, `replay-${o.driver}`);
  fs.rmSync(out, { recursive: true, force: true });
  const interrupt = interruptOnSignals(ctx, signals);
  const common = {
    driver: DRIVERS[o.driver],
    signal: interrupt.signal,
    generatedAt: new Date().toISOString(),
    chaosVersion: program.version() ?? null,
    nodeVersion: process.version,
    log: (line: string) => ctx.log.info('explore.replay.progress', line),
    onScenario: (r: ScenarioResult) =>
      ctx.log.info('explore.replay.scenario', `replay: ${r.status} ${r.name}`, {
        scenario: r.name,
        status: r.status,
      }),
  };
  const outcomes: SuiteOutcome[] = [];
  try {
    if (o.driver === 'docker') {
      outcomes.push(
        await runSuite({ ...common, paths: files.map((f) => path.join(dir, f)), seed: 1, out }),
      );
    } else {
      // Each finding with its own run seed and the explore run's jitter: an exact replay.
      for (const v of doc.violations) {
        const one = await runSuite({
          ...common,
          paths: [path.join(dir, v.file)],
          seed: v.runSeed,
          simulator: { jitterMs: doc.jitterMs },
          out: path.join(out, path.basename(v.file, '.yaml')),
        });
        outcomes.push(one);
        if (one.interrupted !== undefined) break;
      }
    }
  } finally {
    interrupt.release();
  }
  const runs: Runs = new Map();
  collect(dir, files, outcomes, runs);
  const replay = replayDocument(doc, o.driver, runs);
  writeFileAtomic(
    path.join(dir, `replay-${o.driver}.json`),
    `${JSON.stringify(replay, null, 2)}\n`,
  );
  writeFileAtomic(path.join(dir, `replay-${o.driver}.md`), replayMarkdown(replay));
  const stopped = outcomes.find((x) => x.interrupted !== undefined);
  if (stopped) throw interruptedError(stopped);
  const c = replay.counts;
  ctx.io.stdout(
    `${replay.findings.length} finding(s) replayed on ${o.driver}: ${c.reproduced} reproduced, ${c['not-reproduced']} not reproduced, ${c.refused} refused, ${c.error} errors; ${path.join(dir, `replay-${o.driver}.md`)}\n` +
      replay.findings.map((f) => `  ${f.file}: ${f.verdict}: ${f.observed}\n`).join(''),
  );
  ctx.setExit(c.error > 0 ? EXIT.infra : c.reproduced > 0 ? EXIT.failed : EXIT.ok);
  return replay;
}
