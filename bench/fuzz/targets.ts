/**
 * The fuzz targets: per input format, how a case is drawn (from the shipped files or generated),
 * how it runs through the real parser, how it is written to disk (a reproducer, or the input of
 * the CLI check), and which `chaos` command reads it. Pure apart from `write`.
 */
import fs from 'node:fs';
import path from 'node:path';
import { CaptureParser } from '../../src/capture/capture-parser';
import type { CaptureSummary } from '../../src/capture/capture-parser';
import { decodeFrame, observeFrame } from '../../src/capture/frame';
import type { Observation } from '../../src/capture/frame';
import { analyzeTimeline } from '../../src/capture/timeline';
import { ChaosError } from '../../src/errors';
import { loadKeepalivedConf, memorySource } from '../../src/keepalived';
import { parseLabFile } from '../../src/lab/lab-file';
import { parseScenarioText } from '../../src/scenario/loader';
import { generateCapture } from './capture-cases';
import type { CaptureCase } from './capture-cases';
import { CONF_ENTRY, generateConf, mutateConf } from './conf-cases';
import type { ConfCase } from './conf-cases';
import type { Rng } from './rng';
import { generateYaml, mutateYaml } from './yaml-cases';

/** A shipped file a target mutates: its path (under seeds.ts SEED_ROOT) and its text. */
export interface SeedFile {
  file: string;
  text: string;
}

/** The shipped inputs: scenarios, lab files, keepalived configs (each with what it refers to). */
export interface Seeds {
  scenarios: SeedFile[];
  labs: SeedFile[];
  confs: SeedFile[];
}

export interface FuzzTarget<C> {
  name: 'scenario' | 'lab' | 'keepalived' | 'capture';
  draw(rng: Rng): C;
  /** Parse the case: true when the input is valid; throws what the parser throws. */
  run(c: C): boolean;
  /** Write the case under `dir`; returns the file to hand to the parser or the CLI. */
  write(c: C, dir: string): string;
  /** The `chaos` command line that reads `file`, if there is one that needs no Docker. */
  cli?: (file: string) => string[];
}

/** A text case: a file name (relative to the repository) and its text. */
export type TextCase = SeedFile;

function writeText(c: TextCase, dir: string): string {
  const file = path.join(dir, c.file);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, c.text);
  return file;
}

function drawText(rng: Rng, seeds: readonly SeedFile[]): TextCase {
  const seed = rng.pick(seeds);
  return {
    file: seed.file,
    text: rng.chance(0.15) ? generateYaml(rng) : mutateYaml(rng, seed.text),
  };
}

/** Every shipped file as a memorySource, at its repository path: what the YAML files name. */
function repoSource(seeds: Seeds) {
  return memorySource(
    Object.fromEntries([...seeds.confs, ...seeds.scenarios].map((s) => [s.file, s.text])),
  );
}

export function scenarioTarget(seeds: Seeds): FuzzTarget<TextCase> {
  const source = repoSource(seeds);
  return {
    name: 'scenario',
    draw: (rng) => drawText(rng, seeds.scenarios),
    run: (c) => parseScenarioText(c.text, c.file, source).errors.length === 0,
    write: writeText,
    cli: (file) => ['validate', file],
  };
}

export function labTarget(seeds: Seeds): FuzzTarget<TextCase> {
  const source = repoSource(seeds);
  return {
    name: 'lab',
    draw: (rng) => drawText(rng, seeds.labs),
    run: (c) => parseLabFile(c.text, c.file, source) !== undefined,
    write: writeText,
  };
}

export function keepalivedTarget(seeds: Seeds): FuzzTarget<ConfCase> {
  return {
    name: 'keepalived',
    draw: (rng) =>
      rng.chance(0.15) ? generateConf(rng) : mutateConf(rng, rng.pick(seeds.confs).text),
    run: (c) => loadKeepalivedConf(CONF_ENTRY, memorySource(c.files)).errors.length === 0,
    write: (c, dir) => {
      for (const [file, text] of Object.entries(c.files)) {
        const to = path.join(dir, file);
        fs.mkdirSync(path.dirname(to), { recursive: true });
        fs.writeFileSync(to, text);
      }
      return path.join(dir, CONF_ENTRY);
    },
    cli: (file) => ['conf', 'check', file],
  };
}

/** Parse a capture pushed in `chunks`; the records' frames observed, then the timeline. */
function parseCapture(
  octets: Buffer,
  chunks: readonly number[],
): { summary: CaptureSummary; records: number[] } {
  const observations: Observation[] = [];
  const records: number[] = [];
  const parser = new CaptureParser('fuzz.pcap', (r) => {
    records.push(r.length, r.timestampSeconds);
    try {
      decodeFrame(r.linkType, r.data);
    } catch (error) {
      // observeFrame counts any decode error; an uncoded one is a bug the fuzzer must see
      if (!(error instanceof ChaosError)) throw error;
    }
    observations.push(observeFrame(r.linkType, r.data, r.timestampSeconds, r.interfaceId, r.frame));
  });
  let at = 0;
  for (const size of chunks) {
    if (at >= octets.length) break;
    parser.push(octets.subarray(at, at + size));
    at += size;
  }
  if (at < octets.length) parser.push(octets.subarray(at));
  const summary = parser.end();
  analyzeTimeline(observations);
  return { summary, records };
}

function outcome(f: () => unknown): string {
  try {
    return JSON.stringify(f());
  } catch (error) {
    return `throws ${error instanceof ChaosError ? error.code : String(error)}`;
  }
}

/**
 * The capture target also checks that octets pushed in small chunks decode as they do in one:
 * the same records, summary and error.
 */
export function captureTarget(): FuzzTarget<CaptureCase> {
  return {
    name: 'capture',
    draw: generateCapture,
    run: (c) => {
      if (c.chunks.length === 0) return parseCapture(c.octets, []).summary.records > 0;
      const whole = outcome(() => parseCapture(c.octets, []));
      const chunked = outcome(() => parseCapture(c.octets, c.chunks));
      if (whole !== chunked)
        throw new Error(
          `pushed in chunks ${c.chunks.join(',')} the capture decodes differently:\n  whole:   ${whole.slice(0, 300)}\n  chunked: ${chunked.slice(0, 300)}`,
        );
      return parseCapture(c.octets, c.chunks).summary.records > 0;
    },
    write: (c, dir) => {
      fs.mkdirSync(dir, { recursive: true });
      const file = path.join(dir, 'capture.pcap');
      fs.writeFileSync(file, c.octets);
      if (c.chunks.length > 0) fs.writeFileSync(`${file}.chunks`, `${c.chunks.join(' ')}\n`);
      return file;
    },
    cli: (file) => ['analyze', file, '--json'],
  };
}

export function allTargets(seeds: Seeds): FuzzTarget<unknown>[] {
  return [
    scenarioTarget(seeds),
    labTarget(seeds),
    keepalivedTarget(seeds),
    captureTarget(),
  ] as FuzzTarget<unknown>[];
}
