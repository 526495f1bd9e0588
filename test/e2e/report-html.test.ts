/**
 * report.html in a real browser: Debian's chromium, headless, driven by playwright-core. The
 * report is rendered from simulator evidence (test/fixtures/reports/builders.ts), opened from
 * a file:// URL with every network request refused, and checked: no console errors, no page
 * errors, no request leaves the file, and the timeline SVG is drawn (bands with a size).
 *
 * Needs /usr/bin/chromium (`apt-get install -y chromium`; .ci/run installs it). With CI=true a
 * missing chromium fails; elsewhere the test skips with a printed reason.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { renderHtml } from '../../src/report/html';
import { simReport } from '../fixtures/reports/builders';
import { chromiumAt, describeIf } from './requires';

const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

interface Counts {
  timelines: number;
  state: Record<string, number>;
  vip: number;
  probeOk: number;
  probeFail: number;
  splitBrain: number;
  faults: number;
  heals: number;
  zeroWidth: number;
  splitBrainWidth: number;
}

/** Runs in the page (a string: this project compiles without the DOM types). */
const COUNT_BANDS = `(() => {
  const all = (sel) => Array.from(document.querySelectorAll(sel));
  const state = {};
  for (const r of all('[data-timeline] rect[data-band="state"]')) {
    const s = r.getAttribute('data-state') || '';
    state[s] = (state[s] || 0) + 1;
  }
  return {
    timelines: all('svg[data-timeline]').length,
    state,
    vip: all('rect[data-band="vip"]').length,
    probeOk: all('rect[data-band="probe"][data-ok="true"]').length,
    probeFail: all('rect[data-band="probe"][data-ok="false"]').length,
    splitBrain: all('rect[data-band="split-brain"]').length,
    faults: all('line[data-marker="fault"]').length,
    heals: all('line[data-marker="heal"]').length,
    zeroWidth: all('[data-timeline] rect').filter((r) => r.getBBox().width <= 0).length,
    splitBrainWidth: all('svg[data-scenario="split-brain"] rect[data-band="split-brain"]')
      .map((r) => r.getBoundingClientRect().width)[0] || 0,
  };
})()`;

/** Headless chromium with a fresh profile (user data dir) under `tmp`. */
function launch(tmp: string): Promise<BrowserContext> {
  return chromium.launchPersistentContext(path.join(tmp, 'profile'), {
    executablePath: CHROMIUM,
    headless: true,
    args: ARGS.filter((a) => a !== '--headless'),
  });
}

describeIf('report.html in headless chromium', [chromiumAt(CHROMIUM)], () => {
  let context: BrowserContext | null = null;
  let tmp = '';

  beforeAll(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'chaos-html-'));
    context = await launch(tmp);
  });

  afterAll(async () => {
    await context?.close();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  test('loads with no console errors and draws the timeline bands', async () => {
    if (!context) throw new Error('no browser context (beforeAll failed)');
    const report = await simReport([
      'poweroff-master.yaml',
      'split-brain.yaml',
      'database-down.yaml',
    ]);
    const file = path.join(tmp, 'report.html');
    fs.writeFileSync(file, renderHtml(report));

    const page = await context.newPage();
    const problems: string[] = [];
    const requests: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(`${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
    page.on('request', (r) => {
      if (!r.url().startsWith('file:') && !r.url().startsWith('data:')) requests.push(r.url());
    });
    await page.route(/^(?!file:|data:)/, (route) => route.abort());

    await page.goto(`file://${file}`, { waitUntil: 'load' });

    const counts = await page.evaluate<Counts>(COUNT_BANDS);
    const title = await page.title();
    await page.close();

    expect(problems).toEqual([]);
    expect(requests).toEqual([]);
    expect(title).toBe('chaos report: passed');
    // poweroff-master and split-brain have timelines; the skipped database-down none.
    expect(counts.timelines).toBe(2);
    expect(counts.state['MASTER']).toBeGreaterThanOrEqual(3);
    expect(counts.state['BACKUP']).toBeGreaterThanOrEqual(2);
    expect(counts.vip).toBeGreaterThanOrEqual(3);
    expect(counts.probeOk).toBeGreaterThanOrEqual(2);
    expect(counts.probeFail).toBeGreaterThanOrEqual(2);
    expect(counts.splitBrain).toBe(1);
    expect(counts.faults).toBe(2);
    expect(counts.heals).toBe(2);
    expect(counts.zeroWidth).toBe(0);
    // 5 s of a 53 s timeline on a 790-px plot: about 75 px.
    expect(counts.splitBrainWidth).toBeGreaterThan(50);
  });
});
