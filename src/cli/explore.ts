/**
 * `chaos explore FILE [--runs N] [--seed S] [--horizon 120s] [--max-faults K] [--faults a,b]
 * [--invariants a,b] [--jitter MS] [--out DIR] [--json]`: searches the simulator for schedules
 * of faults that break an invariant (src/explore), writes the findings and maps the outcome:
 * 0 none found, 1 a violation, 2 bad input. A progress line on a terminal. With `--driver docker
 * --duration D` the soak on the Docker lab instead (explore-soak.ts); `--replay DIR` replays
 * the findings (explore-replay.ts).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import { systemClock } from '../clock';
import { createSimDriver } from '../drivers/sim/driver';
import { InputError } from '../errors';
import { explore, type ExploreProgress } from '../explore/explore';
import { exploreFiles } from '../explore/findings';
import { loadExploreInput } from '../explore/input';
import { INVARIANTS, type InvariantName } from '../explore/invariants';
import { exploreDocument, exploreJsonSchema, type ExploreSettings } from '../explore/model';
import { exploreHtml, findingTimelines } from '../explore/html';
import { faultDef } from '../faults';
import { fsSource } from '../keepalived/fs-source';
import { writeFileAtomic } from '../report/run-directory';
import type { DriverName } from '../scenario/types';
import { parseDuration } from '../scenario/duration';
import type { CommandContext } from './context';
import { EXIT } from './exit-codes';
import { workerScript, workerSource } from './explore-pool';
import { replayAction } from './explore-replay';
import { soakAction } from './explore-soak';
import { parseDriver, parseJitter, parseSeed } from './run';

export const EXPLORE_BAD_OPTION = 'EXPLORE_BAD_OPTION';

/** Explore's default jitter: what Docker shows between nodes, about a millisecond. */
export const DEFAULT_EXPLORE_JITTER_MS = 1;

function parseCount(max: number) {
  return (value: string): number => {
    if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > max)
      throw new InvalidArgumentError(`an integer from 1 to ${max}`);
    return Number(value);
  };
}

function parseSoakDuration(value: string): number {
  const ms = parseDuration(value);
  if (ms === undefined || ms < 20_000 || ms > 7 * 86_400_000)
    throw new InvalidArgumentError('a duration from 20s to 7d, e.g. 30m');
  return ms;
}

function parseHorizon(value: string): number {
  const ms = parseDuration(value);
  if (ms === undefined || ms < 20_000 || ms > 3_600_000)
    throw new InvalidArgumentError('a duration from 20s to 1h, e.g. 120s');
  return ms;
}

const list = (value: string): string[] =>
  value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);

function invariantsOf(names: string[] | undefined): InvariantName[] {
  if (!names) return [...INVARIANTS];
  for (const n of names)
    if (!(INVARIANTS as readonly string[]).includes(n))
      throw new InputError(
        EXPLORE_BAD_OPTION,
        `unknown invariant '${n}'; known: ${INVARIANTS.join(', ')}`,
      );
  return INVARIANTS.filter((n) => names.includes(n));
}

type ExploreCommandOptions = ExploreCliOptions & {
  schema?: boolean;
  replay?: string;
  driver?: DriverName;
  duration?: number;
  only?: string[];
};

interface ExploreCliOptions {
  runs: number;
  seed: number;
  horizon: number;
  maxFaults: number;
  faults?: string[];
  invariants?: string[];
  jitter: number;
  workers?: number;
  out?: string;
  json?: boolean;
}

/** `[########------------]  1234/2000 runs  310 runs/s  5 violations`, rewritten in place. */
export function progressLine(p: ExploreProgress, width = 24): string {
  const rate = p.elapsedMs > 0 ? Math.round((p.done * 1000) / p.elapsedMs) : 0;
  const filled = p.runs > 0 ? Math.min(width, Math.floor((p.done / p.runs) * width)) : width;
  const bar = `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}]`;
  return `\r${bar}  ${p.done}/${p.runs} runs  ${rate} runs/s  ${p.violations} violation${p.violations === 1 ? '' : 's'}`;
}

function writeAll(dir: string, files: Record<string, string>): void {
  for (const [rel, text] of Object.entries(files)) {
    const file = path.join(dir, rel);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    writeFileAtomic(file, text);
  }
}

async function exploreAction(ctx: CommandContext, file: string, o: ExploreCliOptions) {
  const base = loadExploreInput(file, fsSource());
  for (const k of o.faults ?? []) faultDef(k);
  const settings: ExploreSettings = {
    seed: o.seed,
    runs: o.runs,
    horizonMs: o.horizon,
    maxFaults: o.maxFaults,
    jitterMs: o.jitter,
    invariants: invariantsOf(o.invariants),
  };
  let last = 0;
  // The progress display is for a person at a terminal, not for a JSON log.
  const display = ctx.io.isTTY && ctx.log.format() === 'text';
  const script = workerScript();
  const workers = o.workers ?? (script ? Math.min(4, os.availableParallelism()) : 1);
  const faults = o.faults ?? null;
  const source =
    script && workers > 1
      ? workerSource(script, workers, { ...settings, file, faults })
      : undefined;
  const outcome = await explore(base, {
    ...settings,
    faults,
    ...(source ? { source } : {}),
    createDriver: createSimDriver,
    clock: systemClock,
    onProgress: (p) => {
      if (!display || (p.elapsedMs - last < 250 && p.done < p.runs)) return;
      last = p.elapsedMs;
      ctx.io.stderr(progressLine(p));
    },
  });
  if (display) ctx.io.stderr('\n');
  const files = exploreFiles(base, settings, outcome);
  if (o.out !== undefined) {
    const timelines = await findingTimelines(base, outcome, createSimDriver, settings.jitterMs);
    files['explore.html'] = exploreHtml(exploreDocument(base, settings, outcome), timelines);
    writeAll(o.out, files);
  }
  if (o.json) ctx.io.stdout(files['explore.json'] ?? '');
  else
    ctx.io.stdout(
      `${outcome.runs} runs, ${outcome.violatingRuns} with a violation, ${outcome.findings.length} finding${outcome.findings.length === 1 ? '' : 's'}${o.out !== undefined ? ` in ${o.out}` : ''}\n` +
        outcome.findings
          .map(
            (f) =>
              `  ${f.invariant}-${f.n}: ${f.schedule.faults.length} fault(s); ${f.violation.observed}\n`,
          )
          .join(''),
    );
  ctx.setExit(outcome.violatingRuns > 0 ? EXIT.failed : EXIT.ok);
}

/** The soak's options from the command's (FILE given, --driver docker, --duration set). */
function soakOptions(o: ExploreCommandOptions, durationMs: number) {
  for (const k of o.faults ?? []) faultDef(k);
  return {
    seed: o.seed,
    durationMs,
    horizonMs: o.horizon,
    maxFaults: o.maxFaults,
    faults: o.faults ?? null,
    invariants: invariantsOf(o.invariants),
    ...(o.out !== undefined ? { out: o.out } : {}),
    ...(o.json ? { json: true } : {}),
  };
}

/**
 * FILE explored: in the simulator (the search, the default), or on Docker (`--driver docker`:
 * the soak, which needs --duration; --duration is refused without it).
 */
async function searchOrSoak(
  ctx: CommandContext,
  file: string | undefined,
  options: ExploreCommandOptions,
): Promise<void> {
  if (file === undefined)
    throw new InputError(EXPLORE_BAD_OPTION, `a scenario or lab file is needed`);
  if (options.driver === 'docker') {
    if (options.duration === undefined)
      throw new InputError(
        EXPLORE_BAD_OPTION,
        `--driver docker runs a soak on the Docker lab: give its --duration (e.g. 30m); the search runs in the simulator (--driver sim, the default)`,
      );
    await soakAction(
      ctx,
      loadExploreInput(file, fsSource()),
      soakOptions(options, options.duration),
    );
    return;
  }
  if (options.duration !== undefined)
    throw new InputError(
      EXPLORE_BAD_OPTION,
      `--duration is the soak's, on the Docker lab (--driver docker); the simulator's search takes --runs and --horizon`,
    );
  await exploreAction(ctx, file, options);
}

export function registerExploreCommand(program: Command, ctx: CommandContext): void {
  program
    .command('explore')
    .description(
      "search the simulator for fault schedules that break the lab's invariants; shrink and write each finding as a scenario",
    )
    .argument('[file]', 'a scenario (its lab, probe and slo; steps ignored) or a lab file')
    .option('--runs <n>', 'how many runs', parseCount(10_000_000), 1000)
    .option('--seed <s>', 'seed of the search', parseSeed, 1)
    .option('--horizon <duration>', 'length of each run', parseHorizon, 120_000)
    .option('--max-faults <k>', 'at most this many faults per run', parseCount(16), 4)
    .option('--faults <a,b>', 'the faults to draw (default every one the simulator can run)', list)
    .option(
      '--invariants <a,b>',
      `the invariants to check (default all: ${INVARIANTS.join(', ')})`,
      list,
    )
    .option(
      '--jitter <ms>',
      'seeded jitter per timer and packet, ms',
      parseJitter,
      DEFAULT_EXPLORE_JITTER_MS,
    )
    .option(
      '--workers <n>',
      'worker threads for the runs (default: the cores, up to 4; the outcome is the same)',
      parseCount(64),
    )
    .option('--out <dir>', 'write explore.json, explore.md and violations/ here')
    .option('--json', 'print explore.json')
    .option('--schema', "print explore.json's JSON Schema and exit")
    .option(
      '--replay <dir>',
      'run every finding of an explore folder again (on Docker unless --driver sim) and record each as reproduced or not (DIR/replay-<driver>.json, .md)',
    )
    .option(
      '--driver <driver>',
      'docker: with FILE, the soak on the Docker lab (needs --duration); with --replay, the default. sim: the search (the default with FILE)',
      parseDriver,
    )
    .option(
      '--duration <duration>',
      '--driver docker: how long the soak runs, e.g. 30m',
      parseSoakDuration,
    )
    .option('--only <names>', '--replay: only these findings, e.g. slo-1,single-master-2', list)
    .action(async (file: string | undefined, options: ExploreCommandOptions) => {
      if (options.schema) {
        ctx.io.stdout(`${JSON.stringify(exploreJsonSchema(), null, 2)}\n`);
        return;
      }
      if (options.replay !== undefined) {
        if (file !== undefined)
          throw new InputError(
            EXPLORE_BAD_OPTION,
            `--replay takes a folder, not a scenario as well`,
          );
        await replayAction(ctx, program, options.replay, {
          driver: options.driver ?? 'docker',
          ...(options.only ? { only: options.only } : {}),
        });
        return;
      }
      await searchOrSoak(ctx, file, options);
    });
}
