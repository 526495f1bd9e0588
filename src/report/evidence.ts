/**
 * Evidence files as text -> evidence records, pure (the caller reads the files). Times in the
 * files are epoch milliseconds; the report's are relative to the lab coming up, so each parser
 * takes that moment (`originEpochMs`). Bad lines are counted, never fatal: a report is still
 * made from what could be read.
 */
import type { AnalysisResult } from '../capture';
import type { ProbeRecord } from '../run/driver';
import { parseProbeLine } from '../run/probe-record';
import type { MasterPeriodRecord, NodeEvent } from './timeline';

export interface Parsed<T> {
  records: T[];
  /** 1-based line numbers that were not valid records. */
  badLines: number[];
}

function jsonLines(text: string): { line: number; value: unknown }[] {
  const out: { line: number; value: unknown }[] = [];
  text.split('\n').forEach((raw, i) => {
    if (raw.trim() === '') return;
    try {
      out.push({ line: i + 1, value: JSON.parse(raw) as unknown });
    } catch {
      out.push({ line: i + 1, value: undefined });
    }
  });
  return out;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** prober.jsonl (src/prober/record.ts) -> the driver's ProbeRecord, t in ms since the origin. */
export function parseProberJsonl(text: string, originEpochMs: number): Parsed<ProbeRecord> {
  const records: ProbeRecord[] = [];
  const badLines: number[] = [];
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    const record = parseProbeLine(line, originEpochMs);
    if (record) records.push(record);
    else badLines.push(i + 1);
  });
  records.sort((a, b) => a.t - b.t);
  return { records, badLines };
}

/**
 * events.jsonl of chaos-vrrpd (src/daemon/jsonl-event-log.ts JsonlEventLog: `t` epoch ms, `node`,
 * `event`, ...) -> NodeEvent, t in seconds since the origin. `node` overrides the file's node
 * name (the container hostname may differ from the lab's name).
 */
export function parseDaemonEvents(
  text: string,
  originEpochMs: number,
  node?: string,
): Parsed<NodeEvent> {
  const records: NodeEvent[] = [];
  const badLines: number[] = [];
  for (const { line, value } of jsonLines(text)) {
    if (!isObject(value) || typeof value.t !== 'number' || typeof value.event !== 'string') {
      badLines.push(line);
      continue;
    }
    const name = node ?? (typeof value.node === 'string' ? value.node : undefined);
    if (name === undefined) {
      badLines.push(line);
      continue;
    }
    const e: NodeEvent = { node: name, t: (value.t - originEpochMs) / 1000, event: value.event };
    if (typeof value.to === 'string') e.to = value.to;
    if (Array.isArray(value.vips)) e.vips = value.vips.filter((v) => typeof v === 'string');
    records.push(e);
  }
  records.sort((a, b) => a.t - b.t);
  return { records, badLines };
}

/** Master periods of the capture analysis, addresses turned into node names. */
export function masterPeriodsOf(
  analysis: AnalysisResult,
  names: ReadonlyMap<string, string>,
  vrid?: number,
): MasterPeriodRecord[] {
  return analysis.vrids
    .filter((v) => vrid === undefined || v.vrid === vrid)
    .flatMap((v) =>
      v.masterPeriods.map((p) => ({
        node: names.get(p.router) ?? p.router,
        start: p.start,
        end: p.end,
      })),
    );
}
