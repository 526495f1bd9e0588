/**
 * soak.json: what a `chaos explore FILE --driver docker --duration D` soak saw, versioned: the
 * pieces of its schedule and the invariants' violations in each (times in ms since the soak
 * began), every daemon sample, each daemon's memory growth and CPU use, the audit, and the
 * verdict (chaos-vrrpd's memory grows by at most 10 % an hour, no violation, a clean audit, no
 * errored piece); soak.md says the same in words. Pure.
 */
import { z } from 'zod';
import { formatDuration } from '../scenario/duration';
import { INVARIANTS } from './invariants';
import { scheduledFaultSchema } from './model';
import { AUDIT_KINDS, type AuditFinding } from './soak-audit';
import {
  MAX_VRRPD_GROWTH_PER_HOUR,
  MIN_VERDICT_SPAN_MS,
  judged,
  memoryFailures,
  soakEndMs,
  summariseDaemons,
  type QuietWindow,
  type DaemonSample,
} from './soak-samples';

export const SOAK_VERSION = 1;

const soakViolationSchema = z.object({
  invariant: z.enum(INVARIANTS),
  piece: z.int(),
  /** ms since the soak began. */
  atMs: z.number(),
  boundMs: z.number(),
  observed: z.string(),
});
export type SoakViolation = z.infer<typeof soakViolationSchema>;

const pieceSchema = z.object({
  i: z.int(),
  seed: z.int(),
  /** When the piece's lab clock began, ms since the soak began (null: it did not run). */
  startMs: z.number().nullable(),
  horizonMs: z.number(),
  /** The piece's schedule, ms from its steady state. */
  faults: z.array(scheduledFaultSchema),
  status: z.enum(['passed', 'failed', 'skipped', 'error', 'not-run']),
  error: z.string().nullable(),
  /** The piece's evidence (pcaps, prober, logs), relative to the soak's folder. */
  runDir: z.string().nullable(),
});
export type SoakPiece = z.infer<typeof pieceSchema>;

const sampleSchema = z.object({
  t: z.number(),
  node: z.string(),
  impl: z.string(),
  pid: z.int(),
  rssKb: z.number(),
  cpuMs: z.number(),
});

const daemonSchema = z.object({
  node: z.string(),
  impl: z.string(),
  samples: z.int(),
  restarts: z.int(),
  firstRssKb: z.number(),
  lastRssKb: z.number(),
  maxRssKb: z.number(),
  firstMs: z.number(),
  lastMs: z.number(),
  fitFromMs: z.number(),
  /** Absent in soak.json written before quiet windows: the life's last sample. */
  fitToMs: z.number().optional(),
  fitSamples: z.int().optional(),
  fitQuiet: z.boolean().optional(),
  growthPerHour: z.number().nullable(),
  cpuPercent: z.number().nullable(),
});

export const soakSchema = z.object({
  version: z.literal(SOAK_VERSION),
  file: z.string(),
  seed: z.int(),
  durationMs: z.number(),
  /** How long it ran, ms (less than asked when interrupted). */
  elapsedMs: z.number(),
  horizonMs: z.number(),
  maxFaults: z.int(),
  sampleEveryMs: z.number(),
  faults: z.array(z.string()),
  skipped: z.array(z.object({ kind: z.string(), reason: z.string() })),
  invariants: z.array(z.enum(INVARIANTS)),
  interrupted: z.string().nullable(),
  pieces: z.array(pieceSchema),
  faultsApplied: z.int(),
  violations: z.array(soakViolationSchema),
  samples: z.array(sampleSchema),
  daemons: z.array(daemonSchema),
  audit: z.array(
    z.object({ kind: z.enum(AUDIT_KINDS), node: z.string().nullable(), detail: z.string() }),
  ),
  verdict: z.object({
    passed: z.boolean(),
    maxGrowthPerHour: z.number(),
    /** The fitted span the memory verdict needs, ms; a shorter one is reported, not judged. */
    minJudgedSpanMs: z.number(),
    /** Nodes whose chaos-vrrpd ran too briefly to judge. */
    memoryUnjudged: z.array(z.string()),
    /** Nodes whose chaos-vrrpd grew faster. */
    memoryFailures: z.array(z.string()),
    violations: z.int(),
    auditFindings: z.int(),
    erroredPieces: z.int(),
  }),
});
export type SoakDocument = z.infer<typeof soakSchema>;

export interface SoakInput {
  file: string;
  seed: number;
  durationMs: number;
  elapsedMs: number;
  horizonMs: number;
  maxFaults: number;
  sampleEveryMs: number;
  faults: string[];
  skipped: { kind: string; reason: string }[];
  invariants: SoakDocument['invariants'];
  interrupted: string | null;
  pieces: SoakPiece[];
  violations: SoakViolation[];
  samples: DaemonSample[];
  audit: AuditFinding[];
}

/** After a piece's last heal, this long for the lab to settle before its samples are quiet. */
export const QUIET_AFTER_MS = 15_000;

/**
 * The quiet windows of a soak: the part of each piece after its last fault's heal (plus
 * QUIET_AFTER_MS: the piece's steady state comes a few seconds after its start, then the
 * settle time) until the next piece begins; a piece with no fault is quiet from its start.
 */
export function quietWindows(pieces: readonly SoakPiece[], endMs: number): QuietWindow[] {
  const ran = pieces.filter((p) => p.startMs !== null);
  return ran.map((p, i) => {
    const start = p.startMs!;
    const healed = Math.max(0, ...p.faults.map((f) => f.atMs + f.forMs));
    const next = ran[i + 1]?.startMs ?? endMs;
    return { fromMs: start + healed + QUIET_AFTER_MS, toMs: next };
  });
}

/** The document, with the daemons' figures and the verdict computed from the input. */
export function soakDocument(input: SoakInput): SoakDocument {
  const endMs = soakEndMs(input.elapsedMs, input.samples);
  const daemons = summariseDaemons(input.samples, quietWindows(input.pieces, endMs));
  const failing = memoryFailures(daemons).map((d) => d.node);
  const erroredPieces = input.pieces.filter((p) => p.status === 'error').length;
  return {
    version: SOAK_VERSION,
    ...input,
    faultsApplied: input.pieces
      .filter((p) => p.status !== 'not-run')
      .reduce((s, p) => s + p.faults.length, 0),
    daemons,
    verdict: {
      passed:
        failing.length === 0 &&
        input.violations.length === 0 &&
        input.audit.length === 0 &&
        erroredPieces === 0 &&
        input.interrupted === null,
      maxGrowthPerHour: MAX_VRRPD_GROWTH_PER_HOUR,
      minJudgedSpanMs: MIN_VERDICT_SPAN_MS,
      memoryUnjudged: daemons.filter((d) => d.impl === 'chaos' && !judged(d)).map((d) => d.node),
      memoryFailures: failing,
      violations: input.violations.length,
      auditFindings: input.audit.length,
      erroredPieces,
    },
  };
}

export const percent = (x: number | null, digits = 1): string =>
  x === null ? 'n/a' : `${(x * 100).toFixed(digits)} %`;
export const mib = (kb: number): string => `${(kb / 1024).toFixed(1)} MiB`;
export const at = (ms: number): string => formatDuration(Math.round(ms));

const DAEMON_NAME: Record<string, string> = { chaos: 'chaos-vrrpd', keepalived: 'keepalived' };
export const daemonName = (impl: string): string => DAEMON_NAME[impl] ?? impl;

/** The verdict in one line. */
export function verdictLine(doc: SoakDocument): string {
  const v = doc.verdict;
  if (v.passed) return 'passed';
  const why = [
    ...(v.memoryFailures.length > 0
      ? [
          `chaos-vrrpd grew more than ${percent(v.maxGrowthPerHour, 0)}/h on ${v.memoryFailures.join(', ')}`,
        ]
      : []),
    ...(v.violations > 0 ? [`${v.violations} invariant violation(s)`] : []),
    ...(v.auditFindings > 0 ? [`${v.auditFindings} audit finding(s)`] : []),
    ...(v.erroredPieces > 0 ? [`${v.erroredPieces} piece(s) errored`] : []),
    ...(doc.interrupted !== null ? [`interrupted by ${doc.interrupted}`] : []),
  ];
  return `failed: ${why.join('; ')}`;
}

/** How the growth is measured and judged, in words. */
export function growthRule(doc: SoakDocument): string {
  return `Growth: the least-squares slope of RSS over the daemon's longest life (after its first minute when it ran 3 minutes or more), per hour, as a share of the first fitted sample, fitted over the samples taken while no fault was active and the lab had settled (a flood's heap high-water mark is not a leak); chaos-vrrpd's may be at most ${percent(doc.verdict.maxGrowthPerHour, 0)}, judged when those samples span ${at(doc.verdict.minJudgedSpanMs)} or more.`;
}

const cell = (s: string): string => s.replace(/\|/g, '\\|');

/** soak.md: the verdict, the daemons' memory and CPU, the violations, the audit. */
export function soakMarkdown(doc: SoakDocument): string {
  const lines = [
    `# chaos soak on Docker: ${doc.file}`,
    '',
    `Verdict: **${verdictLine(doc)}**.`,
    '',
    `A soak of ${at(doc.durationMs)} (${at(doc.elapsedMs)} with the lab's start and the evidence), seed ${doc.seed}, ${doc.pieces.length} piece(s) of up to ${at(doc.horizonMs)}, ${doc.faultsApplied} fault(s) applied, daemons sampled every ${at(doc.sampleEveryMs)}.`,
    '',
    '## Daemons',
    '',
    '| node | daemon | samples | restarts | first RSS | last RSS | max RSS | growth per hour | CPU |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...doc.daemons.map(
      (d) =>
        `| ${d.node} | ${daemonName(d.impl)} | ${d.samples} | ${d.restarts} | ${mib(d.firstRssKb)} | ${mib(d.lastRssKb)} | ${mib(d.maxRssKb)} | ${percent(d.growthPerHour, 2)} | ${d.cpuPercent === null ? 'n/a' : `${d.cpuPercent.toFixed(2)} %`} |`,
    ),
    '',
    `${growthRule(doc)} CPU: percent of one core over that life.`,
    ...(doc.verdict.memoryUnjudged.length > 0
      ? [
          '',
          `Not judged (fitted over less than ${at(doc.verdict.minJudgedSpanMs)}): ${doc.verdict.memoryUnjudged.join(', ')}.`,
        ]
      : []),
    '',
    '## Invariant violations',
    '',
    ...(doc.violations.length === 0
      ? ['None.']
      : [
          '| at | piece | invariant | bound | observed |',
          '| --- | --- | --- | --- | --- |',
          ...doc.violations.map(
            (v) =>
              `| ${at(v.atMs)} | ${v.piece} | ${v.invariant} | ${at(v.boundMs)} | ${cell(v.observed)} |`,
          ),
        ]),
    '',
    '## Audit',
    '',
    ...(doc.audit.length === 0
      ? [
          'Clean: no rule, helper or stray process left in a node after its heal, no rogue or flood container before teardown, no labelled resource after it.',
        ]
      : doc.audit.map((f) => `- ${f.kind}${f.node ? ` in ${f.node}` : ''}: \`${f.detail}\``)),
    '',
    '## Pieces',
    '',
    '| piece | began | length | faults | status | evidence |',
    '| --- | --- | --- | --- | --- | --- |',
    ...doc.pieces.map(
      (p) =>
        `| ${p.i} | ${p.startMs === null ? '-' : at(p.startMs)} | ${at(p.horizonMs)} | ${cell(p.faults.map((f) => f.kind).join(', ') || 'none')} | ${p.status}${p.error ? `: ${cell(p.error)}` : ''} | ${p.runDir ?? '-'} |`,
    ),
    '',
  ];
  return `${lines.join('\n')}\n`;
}
