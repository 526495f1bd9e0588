/**
 * One line of the prober's output (src/prober/record.ts: JSON with `t` in epoch ms) as the
 * driver's ProbeRecord, `t` in ms since `originMs`. Pure; shared by the Docker driver (reading
 * the live output) and the reports (reading prober.jsonl back).
 */
import type { ProbeRecord } from './driver';

/** The record on `line`, or null when the line is not a prober record. */
export function parseProbeLine(line: string, originMs: number): ProbeRecord | null {
  let raw: unknown;
  try {
    raw = JSON.parse(line);
  } catch {
    return null;
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return null;
  const r = raw as Record<string, unknown>;
  if (typeof r['t'] !== 'number' || typeof r['ok'] !== 'boolean') return null;
  const record: ProbeRecord = {
    t: r['t'] - originMs,
    ok: r['ok'],
    status: typeof r['status'] === 'number' ? r['status'] : null,
    servedBy: typeof r['servedBy'] === 'string' ? r['servedBy'] : null,
    latencyMs: typeof r['latencyMs'] === 'number' ? r['latencyMs'] : null,
  };
  if (typeof r['error'] === 'string') record.error = r['error'];
  return record;
}
