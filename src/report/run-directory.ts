/**
 * The run directory, at the edge (file system): write the documents atomically, read a
 * stored report back, read evidence files. Everything it writes is rendered by the pure
 * modules; this file only moves bytes.
 *
 *   <dir>/report.json   report.md   junit.xml   report.html   journal.json (Chaos Toolkit's shape)
 *
 * Each file is written to `<name>.<pid>.tmp` in the same folder and renamed over the old one,
 * so a reader (or a killed run) sees the previous complete file or the new one, never half.
 */
import fs from 'node:fs';
import path from 'node:path';
import { ChaosError, InputError } from '../errors';
import { parseReport } from './build';
import { parseDaemonEvents, parseProberJsonl } from './evidence';
import { renderHtml } from './html';
import { buildJournal } from './journal';
import { renderJunit } from './junit';
import { renderMarkdown } from './markdown';
import { renderMetrics } from './metrics';
import type { Report } from './model';
import type { ScenarioEvidence } from './timeline';

export const REPORT_WRITE_FAILED = 'REPORT_WRITE_FAILED';
export const REPORT_NOT_FOUND = 'REPORT_NOT_FOUND';

export const REPORT_FILES = [
  'report.json',
  'report.md',
  'junit.xml',
  'report.html',
  'journal.json',
] as const;

/** The documents of a report, by file name. Pure. */
export function renderDocuments(report: Report): Record<(typeof REPORT_FILES)[number], string> {
  return {
    'report.json': `${JSON.stringify(report, null, 2)}\n`,
    'report.md': renderMarkdown(report),
    'junit.xml': renderJunit(report),
    'report.html': renderHtml(report),
    'journal.json': `${JSON.stringify(buildJournal(report), null, 2)}\n`,
  };
}

/** Write `text` to `file` atomically (temp file in the same folder, then rename). */
export function writeFileAtomic(file: string, text: string): void {
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    fs.writeFileSync(tmp, text);
    fs.renameSync(tmp, file);
  } catch (error) {
    try {
      fs.rmSync(tmp, { force: true });
    } catch {
      // Nothing more to clean.
    }
    throw new ChaosError(REPORT_WRITE_FAILED, `cannot write ${file}`, { cause: error });
  }
}

/** Write a report's documents into `dir` (created if needed); report.json last. */
export function writeReportDocuments(report: Report, dir: string): string[] {
  try {
    fs.mkdirSync(dir, { recursive: true });
  } catch (error) {
    throw new ChaosError(REPORT_WRITE_FAILED, `cannot create ${dir}`, { cause: error });
  }
  const docs = renderDocuments(report);
  // report.json last: its presence means the others are there too.
  const order = ['report.md', 'junit.xml', 'report.html', 'journal.json', 'report.json'] as const;
  return order.map((name) => {
    const file = path.join(dir, name);
    writeFileAtomic(file, docs[name]);
    return file;
  });
}

/** `--metrics FILE`: the report's OpenMetrics text, atomically (a textfile collector reads *.prom). */
export function writeMetricsFile(report: Report, file: string): void {
  writeFileAtomic(file, renderMetrics(report));
}

/** report.json of a run directory, or the file itself. */
export function reportPathOf(p: string): string {
  try {
    if (fs.statSync(p).isDirectory()) return path.join(p, 'report.json');
  } catch {
    // Not there: reported by the read below.
  }
  return p;
}

/** A stored report (a run directory or a report.json; also a plain RunResult JSON). */
export function loadReport(p: string): Report {
  const file = reportPathOf(p);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new InputError(REPORT_NOT_FOUND, `no report at ${file}`, { cause: error });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new InputError('REPORT_INVALID', `${file} is not JSON`, { cause: error });
  }
  return parseReport(value, file);
}

/** `--baseline PATH`: the same as loadReport (a report.json or a run directory). */
export const loadBaseline = loadReport;

/**
 * Evidence files in a folder: prober.jsonl and events*.jsonl (or events/*.jsonl, one file per
 * node named after it). Times become relative to `originEpochMs` (when the lab came up).
 * Missing files leave that evidence out ("not measured").
 */
export function loadScenarioEvidence(dir: string, originEpochMs: number): ScenarioEvidence {
  const evidence: ScenarioEvidence = {};
  const read = (f: string): string | null => {
    try {
      return fs.readFileSync(f, 'utf8');
    } catch {
      return null;
    }
  };
  const prober = read(path.join(dir, 'prober.jsonl'));
  if (prober !== null) evidence.probes = parseProberJsonl(prober, originEpochMs).records;
  const events = [];
  let entries: string[] = [];
  try {
    entries = fs.readdirSync(dir).sort();
  } catch {
    return evidence;
  }
  for (const f of entries.filter((e) => /^events.*\.jsonl$/.test(e))) {
    const text = read(path.join(dir, f));
    if (text !== null) events.push(...parseDaemonEvents(text, originEpochMs).records);
  }
  const sub = path.join(dir, 'events');
  let nodeFiles: string[] = [];
  try {
    nodeFiles = fs
      .readdirSync(sub)
      .filter((e) => e.endsWith('.jsonl'))
      .sort();
  } catch {
    // No per-node folder.
  }
  for (const f of nodeFiles) {
    const text = read(path.join(sub, f));
    if (text !== null)
      events.push(...parseDaemonEvents(text, originEpochMs, f.replace(/\.jsonl$/, '')).records);
  }
  if (events.length > 0) evidence.events = events.sort((a, b) => a.t - b.t);
  return evidence;
}
