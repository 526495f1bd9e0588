/**
 * One probe's outcome and its JSON line (pure).
 *   {"t":epochMs,"ok":bool,"status":N|null,"servedBy":string|null,"latencyMs":N,"error":string}
 * `t` is when the request was sent; `error` is absent when there was an HTTP answer.
 */

export interface ProbeRecord {
  t: number;
  ok: boolean;
  status: number | null;
  servedBy: string | null;
  latencyMs: number;
  error?: string;
}

/** An HTTP answer is ok when its status is 2xx or 3xx. */
export function isOkStatus(status: number): boolean {
  return status >= 200 && status < 400;
}

function round(ms: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(ms * f) / f;
}

export function formatRecord(r: ProbeRecord): string {
  const line: ProbeRecord = {
    t: round(r.t, 3),
    ok: r.ok,
    status: r.status,
    servedBy: r.servedBy,
    latencyMs: round(r.latencyMs, 3),
  };
  if (r.error !== undefined) line.error = r.error;
  return JSON.stringify(line) + '\n';
}

export interface ProbeSummary {
  requests: number;
  ok: number;
  failed: number;
  skippedSlots: number;
  /** servedBy -> count of ok answers. */
  servedBy: Record<string, number>;
}

export function emptySummary(): ProbeSummary {
  return { requests: 0, ok: 0, failed: 0, skippedSlots: 0, servedBy: {} };
}

export function addToSummary(s: ProbeSummary, r: ProbeRecord): ProbeSummary {
  const servedBy = { ...s.servedBy };
  if (r.ok && r.servedBy !== null) servedBy[r.servedBy] = (servedBy[r.servedBy] ?? 0) + 1;
  return {
    ...s,
    requests: s.requests + 1,
    ok: s.ok + (r.ok ? 1 : 0),
    failed: s.failed + (r.ok ? 0 : 1),
    servedBy,
  };
}
