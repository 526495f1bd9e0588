/**
 * Advert lateness in words and table cells, one source for the terminal summary, report.md and
 * report.html: per sender, over the run or while faults were applied, the interval between its
 * adverts minus the interval it advertised (median, p95, max). Pure.
 */
import type { AdvertLatenessRecord } from '../run/result';

const WINDOW = { run: 'the run', faults: 'while faulted' } as const;

/** 0.1 ms is what a lateness needs: whole CFS periods, and a few ms of timer noise. */
export function formatMs(ms: number): string {
  return `${Number(ms.toFixed(1))} ms`;
}

export const LATENESS_HEAD: readonly string[] = [
  'adverts of',
  'over',
  'intervals',
  'advertised',
  'late: median',
  'p95',
  'max',
];

/** The cells of one record, in LATENESS_HEAD's order (plain text: the renderer escapes). */
export function latenessCells(l: AdvertLatenessRecord): string[] {
  return [
    l.node,
    WINDOW[l.window],
    String(l.intervals),
    formatMs(l.advertisedMs),
    formatMs(l.medianMs),
    formatMs(l.p95Ms),
    formatMs(l.maxMs),
  ];
}

/**
 * Worth a line on the terminal: a p95 of at least 5 % of the advertised interval (50 ms at 1 s;
 * the reports' tables show every sender anyway). Timer noise of a few ms is not news.
 */
export function notableLateness(l: AdvertLatenessRecord): boolean {
  return l.p95Ms >= 0.05 * l.advertisedMs;
}

/** One line: `server01's adverts while faulted: late by median 100 ms, p95 600 ms, max 800 ms (23 intervals of 1000 ms)`. */
export function latenessLine(l: AdvertLatenessRecord): string {
  return `${l.node}'s adverts ${l.window === 'run' ? 'over the run' : 'while faulted'}: late by median ${formatMs(l.medianMs)}, p95 ${formatMs(l.p95Ms)}, max ${formatMs(l.maxMs)} (${l.intervals} intervals of ${formatMs(l.advertisedMs)})`;
}
