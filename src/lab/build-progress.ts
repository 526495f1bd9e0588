/**
 * What an image build shows while it runs (pure): Docker's build stream (JSON events such as
 * `{"stream":"Step 5/12 : RUN apt-get ..."}`) turned into log lines, and one progress line per
 * image, `web: step 5/12 (18.3 s)`, shown at most once per interval. The full log goes to a
 * file (images.ts), its last lines into the error of a failed build.
 */

/** One event of Docker's (classic builder's) build stream. */
export interface BuildEvent {
  stream?: string;
  status?: string;
  error?: string;
  errorDetail?: { message?: string };
}

/** The text lines of an event, as the build log keeps them (blank lines dropped). */
export function eventLines(event: BuildEvent): string[] {
  const lines: string[] = [];
  const text = event.stream ?? event.status;
  if (text !== undefined)
    for (const raw of text.split(/\r?\n/)) {
      const line = raw.trimEnd();
      if (line !== '') lines.push(line);
    }
  const error = buildError(event);
  if (error !== undefined) lines.push(`ERROR: ${error}`);
  return lines;
}

/** The error an event reports, if any. */
export function buildError(event: BuildEvent): string | undefined {
  return event.error === undefined ? undefined : (event.errorDetail?.message ?? event.error);
}

/** `Step 5/12 : RUN ...` (the classic builder's step header): its number and the total. */
export function parseStep(line: string): { step: number; total: number } | undefined {
  const m = /^Step (\d+)\/(\d+) :/.exec(line);
  return m ? { step: Number(m[1]), total: Number(m[2]) } : undefined;
}

/** Keeps the last `max` lines. */
export class LastLines {
  private readonly lines: string[] = [];

  constructor(private readonly max = 20) {}

  push(line: string): void {
    this.lines.push(line);
    if (this.lines.length > this.max) this.lines.shift();
  }

  toString(): string {
    return this.lines.join('\n');
  }
}

/**
 * The progress line of one image's build: fed every log line with the time (ms), it answers
 * the line to show when one is due: the first step at once, then at most once per `intervalMs`.
 */
export class BuildProgress {
  private step: { step: number; total: number } | undefined;
  private shownAt = -Infinity;

  constructor(
    private readonly name: string,
    private readonly startMs: number,
    private readonly intervalMs = 1000,
  ) {}

  /** A log line at `nowMs`; the progress line to show now, or undefined. */
  update(line: string, nowMs: number): string | undefined {
    const step = parseStep(line);
    if (step) this.step = step;
    if (this.step === undefined || nowMs - this.shownAt < this.intervalMs) return undefined;
    this.shownAt = nowMs;
    return this.line(nowMs);
  }

  /** `web: step 5/12 (18.3 s)` (before the first step: `web: starting (0.2 s)`). */
  line(nowMs: number): string {
    const elapsed = `${((nowMs - this.startMs) / 1000).toFixed(1)} s`;
    const where = this.step ? `step ${this.step.step}/${this.step.total}` : 'starting';
    return `${this.name}: ${where} (${elapsed})`;
  }
}
