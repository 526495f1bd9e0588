/**
 * A soak's daemon samples: what one reading of a web node's VRRP daemon shows (its processes'
 * resident memory and CPU time, from /proc), and the analysis over a soak: per daemon, memory
 * growth per hour as the least-squares slope of RSS over time, as a share of the first sample,
 * and the mean CPU use. Pure: the Docker side (src/drivers/docker/soak-lab.ts) runs the commands
 * and hands over their output.
 */

/** One reading of one node's daemon, `t` ms since the soak began. */
export interface DaemonSample {
  t: number;
  node: string;
  /** The implementation vrrp-start recorded: chaos (chaos-vrrpd) or keepalived. */
  impl: string;
  /** The daemon's main pid (a restart gives a new one). */
  pid: number;
  /** Resident memory of the daemon's processes, KiB (VmRSS). */
  rssKb: number;
  /** CPU time of the daemon's processes so far (utime + stime), ms. */
  cpuMs: number;
}

export type DaemonReading = Omit<DaemonSample, 't' | 'node'>;

interface ProcLine {
  pid: number;
  ppid: number;
  comm: string;
  rssKb: number;
  ticks: number;
}

/** `proc PID RSS_KB <the /proc/PID/stat line>`: comm is in parentheses and may hold spaces. */
function procLine(line: string): ProcLine | null {
  const m = /^proc (\d+) (\d*) \d+ \((.*)\) (.*)$/.exec(line);
  if (!m) return null;
  const fields = m[4]!.trim().split(/\s+/);
  // After the comm: state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime.
  const ppid = Number(fields[1]);
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  if (!Number.isFinite(ppid) || !Number.isFinite(utime) || !Number.isFinite(stime)) return null;
  return { pid: Number(m[1]), ppid, comm: m[3]!, rssKb: Number(m[2] || 0), ticks: utime + stime };
}

/**
 * The reading from the sampler's output (src/drivers/docker/soak-lab.ts, SAMPLE_SCRIPT): lines
 * `impl NAME`, `pid N`, `ticks HZ` and one `proc ...` per process (the daemon and its
 * children). The daemon is its main process and those children with the same command name
 * (keepalived's VRRP child); a track script's shell is not the daemon. null: no daemon runs.
 */
export function parseDaemonReading(text: string): DaemonReading | null {
  const lines = text.split('\n').map((l) => l.trim());
  const value = (key: string): string | undefined =>
    lines.find((l) => l.startsWith(`${key} `))?.slice(key.length + 1);
  const impl = value('impl');
  const pid = Number(value('pid'));
  const hz = Number(value('ticks')) || 100;
  if (!impl || !Number.isInteger(pid) || pid <= 0) return null;
  const procs = lines.flatMap((l) => {
    const p = procLine(l);
    return p ? [p] : [];
  });
  const main = procs.find((p) => p.pid === pid);
  if (!main) return null;
  const mine = procs.filter((p) => p === main || (p.ppid === pid && p.comm === main.comm));
  return {
    impl,
    pid,
    rssKb: mine.reduce((s, p) => s + p.rssKb, 0),
    cpuMs: Math.round((mine.reduce((s, p) => s + p.ticks, 0) * 1000) / hz),
  };
}

/** Least-squares slope of y over x (per unit of x); null with fewer than two distinct x. */
export function leastSquaresSlope(points: readonly { x: number; y: number }[]): number | null {
  const n = points.length;
  if (n < 2) return null;
  const mx = points.reduce((s, p) => s + p.x, 0) / n;
  const my = points.reduce((s, p) => s + p.y, 0) / n;
  let sxy = 0;
  let sxx = 0;
  for (const p of points) {
    sxy += (p.x - mx) * (p.y - my);
    sxx += (p.x - mx) ** 2;
  }
  return sxx === 0 ? null : sxy / sxx;
}

const HOUR_MS = 3_600_000;

/**
 * The smallest and largest of `values` (a loop: a week's soak has hundreds of thousands of
 * samples, too many to spread into Math.min / Math.max as arguments); null when empty.
 */
export function extent(values: Iterable<number>): { min: number; max: number } | null {
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return min <= max ? { min, max } : null;
}

/** Where a soak's clock ends: its elapsed time, or past its last sample if that came later. */
export function soakEndMs(elapsedMs: number, samples: readonly Pick<DaemonSample, 't'>[]): number {
  return Math.max(elapsedMs, (extent(samples.map((s) => s.t))?.max ?? -1) + 1);
}

/**
 * Memory growth per hour as a share of the first sample (0.1: 10 % an hour): the least-squares
 * slope of RSS over the samples' times. null with fewer than two samples or a first RSS of 0.
 */
export function growthPerHour(
  samples: readonly Pick<DaemonSample, 't' | 'rssKb'>[],
): number | null {
  const first = samples[0];
  if (!first || first.rssKb <= 0) return null;
  const slope = leastSquaresSlope(samples.map((s) => ({ x: s.t, y: s.rssKb })));
  return slope === null ? null : (slope * HOUR_MS) / first.rssKb;
}

/**
 * A daemon's first minute is left out of the fit when its life is long enough: a process that
 * just started grows its heap to its working size (chaos-vrrpd went from 59 to 64 MiB in its
 * first 100 s on Docker), which is not a leak.
 */
export const WARM_UP_MS = 60_000;
/** The memory verdict needs this much fitted time: a slope over minutes says little per hour. */
export const MIN_VERDICT_SPAN_MS = 600_000;

/** The samples the growth is fitted over: after the warm-up, when twice that is left. */
export function fitted<T extends Pick<DaemonSample, 't'>>(life: readonly T[]): readonly T[] {
  const start = life[0]?.t ?? 0;
  const last = life.at(-1)?.t ?? 0;
  return last - start >= 3 * WARM_UP_MS ? life.filter((s) => s.t - start >= WARM_UP_MS) : life;
}

/** One daemon's figures over a soak. */
export interface DaemonSummary {
  node: string;
  impl: string;
  samples: number;
  /** Times the daemon's pid changed (a power-off or a stop restarted it). */
  restarts: number;
  /** Over the longest life (the pid with the most samples). */
  firstRssKb: number;
  lastRssKb: number;
  maxRssKb: number;
  /** From `firstMs` to `lastMs` of that life. */
  firstMs: number;
  lastMs: number;
  /** Fitted over that life after its warm-up (see fitted), from `fitFromMs` to `fitToMs`. */
  fitFromMs: number;
  fitToMs: number;
  /** How many samples the fit used (only those in quiet windows, when the soak gave them). */
  fitSamples: number;
  /** Whether they were the quiet windows' (false: too few of those, so all of the life's). */
  fitQuiet: boolean;
  growthPerHour: number | null;
  /** Mean CPU use over that life, percent of one core. */
  cpuPercent: number | null;
}

/** The samples of one node in lives (runs of the same pid), in time order. */
function lives(samples: readonly DaemonSample[]): DaemonSample[][] {
  const out: DaemonSample[][] = [];
  for (const s of samples) {
    const cur = out.at(-1);
    if (cur && cur[0]!.pid === s.pid) cur.push(s);
    else out.push([s]);
  }
  return out;
}

/**
 * A stretch of the soak's clock with no fault active and the lab settled, [fromMs, toMs). A
 * flood or a delay makes the daemon's heap grow to a size set by the fault and give it back
 * after the heal (a 6-minute 1000 pps flood: 62 to 93-96 MiB, flat, then 66 MiB after it), so
 * a fit through the faults reads their high-water marks as growth; a leak shows between them.
 */
export interface QuietWindow {
  fromMs: number;
  toMs: number;
}

const inQuiet = (quiet: readonly QuietWindow[], t: number): boolean =>
  quiet.some((w) => t >= w.fromMs && t < w.toMs);

/**
 * Per node (in the order first seen), its daemon's figures over its longest life; the growth
 * fitted over the samples in `quiet` when given (all of them otherwise).
 */
export function summariseDaemons(
  samples: readonly DaemonSample[],
  quiet?: readonly QuietWindow[],
): DaemonSummary[] {
  const nodes = [...new Set(samples.map((s) => s.node))];
  return nodes.map((node) => {
    const mine = samples.filter((s) => s.node === node).sort((a, b) => a.t - b.t);
    const all = lives(mine);
    const life = all.reduce((a, b) => (b.length > a.length ? b : a));
    const first = life[0]!;
    const last = life.at(-1)!;
    const span = last.t - first.t;
    const warm = fitted(life);
    // Too short a soak to have two quiet samples: the figure over all of them, never judged.
    const calm = quiet ? warm.filter((x) => inQuiet(quiet, x.t)) : warm;
    const fit = calm.length >= 2 ? calm : warm;
    return {
      node,
      impl: last.impl,
      samples: mine.length,
      restarts: all.length - 1,
      firstRssKb: first.rssKb,
      lastRssKb: last.rssKb,
      maxRssKb: extent(life.map((s) => s.rssKb))!.max,
      firstMs: first.t,
      lastMs: last.t,
      fitFromMs: fit[0]?.t ?? first.t,
      fitToMs: fit.at(-1)?.t ?? first.t,
      fitSamples: fit.length,
      fitQuiet: fit === calm,
      growthPerHour: fit.length >= 2 ? growthPerHour(fit) : null,
      cpuPercent: span > 0 ? ((last.cpuMs - first.cpuMs) * 100) / span : null,
    };
  });
}

/** chaos-vrrpd's memory may grow by at most this share an hour. */
export const MAX_VRRPD_GROWTH_PER_HOUR = 0.1;

/** Whether a daemon's growth was fitted over long enough to judge. */
export const judged = (d: Omit<DaemonSummary, 'fitQuiet'> & { fitQuiet?: boolean }): boolean =>
  d.growthPerHour !== null &&
  d.fitQuiet !== false &&
  d.fitToMs - d.fitFromMs >= MIN_VERDICT_SPAN_MS;

/**
 * The chaos-vrrpd daemons that grew faster than the limit over a span long enough to judge
 * (keepalived is only reported).
 */
export function memoryFailures(summaries: readonly DaemonSummary[]): DaemonSummary[] {
  return summaries.filter(
    (d) =>
      d.impl === 'chaos' &&
      judged(d) &&
      d.growthPerHour !== null &&
      d.growthPerHour > MAX_VRRPD_GROWTH_PER_HOUR,
  );
}
