/**
 * The soak's pure parts: reading a daemon's /proc lines, memory growth per hour (least squares),
 * the daemons' summaries and the memory verdict, the audit's comparisons, the pieces of the
 * schedule, soak.json / soak.md / soak.html, the progress line, and the CLI's refusals.
 */
import { memoryIO } from '../../../src/cli/io';
import { runCli } from '../../../src/cli/program';
import { soakProgressLine } from '../../../src/cli/explore-soak';
import { exploreContext, exploreFaults } from '../../../src/explore/draw';
import { scheduleRng } from '../../../src/explore/run';
import {
  added,
  auditNode,
  auditNodes,
  parseSnapshot,
  type NodeSnapshot,
} from '../../../src/explore/soak-audit';
import { soakHtml } from '../../../src/explore/soak-html';
import {
  soakDocument,
  quietWindows,
  QUIET_AFTER_MS,
  soakMarkdown,
  soakSchema,
  type SoakInput,
} from '../../../src/explore/soak-model';
import {
  extent,
  soakEndMs,
  growthPerHour,
  leastSquaresSlope,
  memoryFailures,
  parseDaemonReading,
  summariseDaemons,
  type DaemonSample,
} from '../../../src/explore/soak-samples';
import { drawSoakPlan, pieceLengths } from '../../../src/explore/soak-schedule';
import { loadExploreInput } from '../../../src/explore/input';
import { settleMs } from '../../../src/explore/explore';
import { fsSource } from '../../../src/keepalived/fs-source';
import path from 'node:path';

const ROOT = path.join(__dirname, '../../..');
const COURSE = path.join(ROOT, 'scenarios/poweroff-master.yaml');

/** A /proc/PID/stat line: state, ppid, then zeros up to utime and stime. */
const stat = (pid: number, comm: string, ppid: number, utime: number, stime: number): string =>
  `${pid} (${comm}) S ${ppid} ${pid} ${pid} 0 -1 4194560 10 0 0 0 ${utime} ${stime} 0 0 20 0 1 0 100 0 0`;

describe('parseDaemonReading', () => {
  test('chaos-vrrpd: its node process; a track script child is not the daemon', () => {
    const text = [
      'impl chaos',
      'pid 33',
      'ticks 100',
      `proc 33 62320 ${stat(33, 'node', 1, 150, 50)}`,
      `proc 90 1200 ${stat(90, 'sh', 33, 1, 1)}`,
    ].join('\n');
    expect(parseDaemonReading(text)).toEqual({
      impl: 'chaos',
      pid: 33,
      rssKb: 62320,
      cpuMs: 2000,
    });
  });

  test("keepalived: the parent and its VRRP child, summed; a comm with spaces and ')'", () => {
    const text = [
      'impl keepalived',
      'pid 40',
      'ticks 250',
      `proc 40 3000 ${stat(40, 'keepalived', 1, 10, 5)}`,
      `proc 41 5000 ${stat(41, 'keepalived', 40, 200, 35)}`,
      `proc 42 700 ${stat(42, 'odd) name', 40, 9, 9)}`,
    ].join('\n');
    expect(parseDaemonReading(text)).toEqual({
      impl: 'keepalived',
      pid: 40,
      rssKb: 8000,
      cpuMs: 1000,
    });
  });

  test('no daemon (stopped, or its process gone): null', () => {
    expect(parseDaemonReading('')).toBeNull();
    expect(parseDaemonReading('impl chaos\npid 33\nticks 100\n')).toBeNull();
  });
});

const sample = (t: number, rssKb: number, o: Partial<DaemonSample> = {}): DaemonSample => ({
  t,
  node: 'server01',
  impl: 'chaos',
  pid: 33,
  rssKb,
  cpuMs: t / 100,
  ...o,
});

describe('growth per hour', () => {
  test('least squares: the slope of a line, and of noise around it', () => {
    expect(leastSquaresSlope([{ x: 0, y: 1 }])).toBeNull();
    expect(
      leastSquaresSlope([
        { x: 0, y: 1 },
        { x: 2, y: 5 },
      ]),
    ).toBe(2);
    const noisy = [0, 1, 2, 3, 4, 5].map((x) => ({ x, y: 3 * x + (x % 2 === 0 ? 1 : -1) }));
    expect(leastSquaresSlope(noisy)).toBeCloseTo(2.829, 3);
  });

  test('as a share of the first sample, per hour', () => {
    // 100 MiB growing 1 MiB every 6 minutes: 10 MiB an hour, 10 %.
    const s = [0, 1, 2, 3].map((k) => sample(k * 360_000, 102_400 + k * 1024));
    expect(growthPerHour(s)).toBeCloseTo(0.1, 10);
    expect(growthPerHour([sample(0, 5000), sample(60_000, 5000)])).toBe(0);
    expect(growthPerHour([sample(0, 5000)])).toBeNull();
  });

  test("a daemon's longest life is fitted, after its first minute; restarts counted", () => {
    const s = [
      sample(0, 50_000, { pid: 10 }),
      sample(5000, 50_000, { pid: 10 }),
      // Restarted (power-off): a new pid, warming up for a minute, then flat.
      ...[0, 1, 2, 3, 4, 5, 6, 7, 8].map((k) =>
        sample(10_000 + k * 30_000, k < 2 ? 40_000 + k * 10_000 : 60_000, { pid: 20 }),
      ),
      sample(400_000, 61_000, { node: 'server03', impl: 'keepalived', pid: 7 }),
    ];
    const [one, three] = summariseDaemons(s);
    expect(one).toMatchObject({
      node: 'server01',
      samples: 11,
      restarts: 1,
      firstRssKb: 40_000,
      lastRssKb: 60_000,
      maxRssKb: 60_000,
      firstMs: 10_000,
      lastMs: 250_000,
      fitFromMs: 70_000,
      growthPerHour: 0,
    });
    // 1 ms of CPU per 100 ms: 1 % of a core.
    expect(one?.cpuPercent).toBeCloseTo(1, 10);
    expect(three).toMatchObject({ node: 'server03', impl: 'keepalived', growthPerHour: null });
  });

  test('the verdict: chaos-vrrpd over 10 %/h fails when fitted over 10 minutes; keepalived never', () => {
    const grow = (node: string, impl: string, minutes: number) =>
      Array.from({ length: minutes + 1 }, (_, k) =>
        sample(k * 60_000, 100_000 + k * 400, { node, impl }),
      );
    // 400 KiB a minute: 24,000 KiB an hour, on the first fitted sample (100,400 KiB, after the
    // first minute): 23.9 %.
    const summaries = summariseDaemons([
      ...grow('a', 'chaos', 12),
      ...grow('b', 'chaos', 5),
      ...grow('c', 'keepalived', 12),
    ]);
    expect(summaries.map((d) => d.growthPerHour?.toFixed(3))).toEqual(['0.239', '0.239', '0.239']);
    expect(memoryFailures(summaries).map((d) => d.node)).toEqual(['a']);
  });

  test('a week of samples: the figures come from loops, not arguments spread into Math.max', () => {
    // 2 nodes x 7 days x one sample per 5 s = 241,920 samples: more than a call's arguments.
    const week = Array.from({ length: 241_920 }, (_, k) => sample(k * 2500, 60_000 + (k % 7)));
    expect(extent(week.map((x) => x.rssKb))).toEqual({ min: 60_000, max: 60_006 });
    expect(extent([])).toBeNull();
    expect(soakEndMs(1000, week)).toBe(241_919 * 2500 + 1);
    expect(summariseDaemons(week)[0]?.maxRssKb).toBe(60_006);
  });

  test("a flood's heap high-water mark is not growth: fitted over the quiet windows only", () => {
    // 16 minutes, a sample a minute: 60 MiB, then a flood from minute 8 to 11 that lifts RSS to
    // 90 MiB, given back after the heal (as a 6-minute 1000 pps flood did on Docker).
    const rss = (k: number): number => (k >= 8 && k <= 11 ? 90_000 : 60_000 + (k % 2) * 200);
    const s = Array.from({ length: 17 }, (_, k) => sample(k * 60_000, rss(k)));
    const [all] = summariseDaemons(s);
    expect(all?.growthPerHour).toBeGreaterThan(0.1); // the flood read as growth
    const quiet = [
      { fromMs: 0, toMs: 8 * 60_000 },
      { fromMs: 12 * 60_000, toMs: 17 * 60_000 },
    ];
    const [calm] = summariseDaemons(s, quiet);
    expect(calm).toMatchObject({
      fitSamples: 12,
      fitQuiet: true,
      fitFromMs: 60_000,
      fitToMs: 16 * 60_000,
    });
    // A soak without two quiet samples: the figure over all of them, never judged.
    const [short] = summariseDaemons(s, [{ fromMs: 0, toMs: 1 }]);
    expect(short).toMatchObject({ fitQuiet: false, fitSamples: 16 });
    expect(memoryFailures([short!])).toEqual([]);
    expect(Math.abs(calm!.growthPerHour!)).toBeLessThan(0.01);
    expect(memoryFailures([calm!])).toEqual([]);
    // A leak shows between the faults as well.
    const leak = s.map((x) => ({ ...x, rssKb: x.rssKb + (x.t / 60_000) * 500 }));
    expect(memoryFailures(summariseDaemons(leak, quiet)).map((d) => d.node)).toEqual(['server01']);
  });

  test("the quiet windows: after each piece's last heal and the settle margin, to the next piece", () => {
    const piece = (i: number, startMs: number, faults: [number, number][]) => ({
      i,
      seed: i,
      startMs,
      horizonMs: 120_000,
      faults: faults.map(([atMs, forMs]) => ({ kind: 'loss', input: {}, atMs, forMs })),
      status: 'passed' as const,
      error: null,
      runDir: null,
    });
    expect(
      quietWindows(
        [
          piece(0, 5000, [
            [10_000, 30_000],
            [50_000, 5000],
          ]),
          piece(1, 130_000, []),
          {
            ...piece(2, 0, []),
            startMs: null,
            status: 'not-run' as const,
          },
        ],
        250_000,
      ),
    ).toEqual([
      { fromMs: 5000 + 55_000 + QUIET_AFTER_MS, toMs: 130_000 },
      { fromMs: 130_000 + QUIET_AFTER_MS, toMs: 250_000 },
    ]);
  });
});

const snap = (node: string, rules: string[], processes: string[]): NodeSnapshot => ({
  node,
  rules,
  processes,
});

describe('the audit', () => {
  test('lines added, counted as a multiset', () => {
    expect(added(['a', 'b', 'b'], ['b', 'a', 'b', 'b', 'c'])).toEqual(['b', 'c']);
    expect(added(['a', 'b'], ['a'])).toEqual([]);
  });

  test('a rule left, a helper left, a stray process; a passing track script is not one', () => {
    const before = snap('server01', ['-P INPUT ACCEPT'], ['nginx: worker process', 'node main.js']);
    const rule = '-A INPUT -p vrrp -j NFQUEUE --queue-num 7';
    const after1 = snap(
      'server01',
      ['-P INPUT ACCEPT', rule],
      [
        'nginx: worker process',
        'node main.js',
        'chaos-delayq -q 7 -l 50',
        'sleep 1000',
        'sh check.sh',
      ],
    );
    const after2 = { ...after1, processes: after1.processes.filter((p) => p !== 'sh check.sh') };
    expect(auditNode(before, [after1, after2])).toEqual([
      { kind: 'rule-left', node: 'server01', detail: rule },
      { kind: 'helper-left', node: 'server01', detail: 'chaos-delayq -q 7 -l 50' },
      { kind: 'stray-process', node: 'server01', detail: 'sleep 1000' },
    ]);
    expect(auditNode(before, [before, before])).toEqual([]);
  });

  test('a node that did not answer afterwards is unreadable', () => {
    const a = snap('server01', [], []);
    const b = snap('server03', [], []);
    expect(auditNodes([a, b], [[a], [a]])).toEqual([
      { kind: 'unreadable', node: 'server03', detail: 'no snapshot after the run' },
    ]);
  });

  test("the snapshot's output, without its own shell and ps", () => {
    const text = [
      '## rules',
      '-P INPUT ACCEPT',
      'qdisc noqueue 0: dev lo root refcnt 2',
      '## processes',
      '/sbin/tini -- /opt/chaos/bin/web-entrypoint',
      'sh -c : soak-mark',
      '',
    ].join('\n');
    expect(parseSnapshot('server01', text, 'soak-mark')).toEqual({
      node: 'server01',
      rules: ['-P INPUT ACCEPT', 'qdisc noqueue 0: dev lo root refcnt 2'],
      processes: ['/sbin/tini -- /opt/chaos/bin/web-entrypoint'],
    });
  });
});

describe('the pieces of a soak', () => {
  test('full horizons; a remainder under 20 s joins the last', () => {
    expect(pieceLengths(90_000, 120_000)).toEqual([90_000]);
    expect(pieceLengths(180_000, 120_000)).toEqual([120_000, 60_000]);
    expect(pieceLengths(250_000, 120_000)).toEqual([120_000, 130_000]);
    expect(pieceLengths(1_800_000, 120_000)).toHaveLength(15);
  });

  test("explore's generator: deterministic, every fault healed before each piece's settle", () => {
    const base = loadExploreInput(COURSE, fsSource());
    const { faults } = exploreFaults(null);
    const lab = base.loaded.scenario.lab;
    const settle = settleMs(base);
    const draw = () =>
      drawSoakPlan(scheduleRng(7), faults, () => exploreContext(lab, base.password), {
        durationMs: 600_000,
        horizonMs: 120_000,
        maxFaults: 4,
        settleMs: settle,
      });
    const plan = draw();
    expect(plan).toEqual(draw());
    expect(plan.map((p) => p.horizonMs)).toEqual([120_000, 120_000, 120_000, 120_000, 120_000]);
    expect(plan.some((p) => p.faults.length > 0)).toBe(true);
    for (const p of plan)
      for (const f of p.faults) expect(f.atMs + f.forMs).toBeLessThanOrEqual(p.horizonMs - settle);
  });
});

function input(o: Partial<SoakInput> = {}): SoakInput {
  return {
    file: 'scenarios/poweroff-master.yaml',
    seed: 1,
    durationMs: 90_000,
    elapsedMs: 95_000,
    horizonMs: 120_000,
    maxFaults: 2,
    sampleEveryMs: 5000,
    faults: ['partition', 'kill-process'],
    skipped: [],
    invariants: ['single-master', 'slo'],
    interrupted: null,
    pieces: [
      {
        i: 0,
        seed: 42,
        startMs: 3000,
        horizonMs: 90_000,
        faults: [{ kind: 'kill-process', input: { node: 'server01' }, atMs: 1000, forMs: 2000 }],
        status: 'passed',
        error: null,
        runDir: 'pieces/piece-0',
      },
    ],
    violations: [],
    samples: [
      sample(0, 62_000),
      sample(45_000, 62_500),
      sample(90_000, 63_000),
      sample(0, 8000, { node: 'server03', impl: 'keepalived', pid: 8 }),
      sample(90_000, 8000, { node: 'server03', impl: 'keepalived', pid: 8 }),
    ],
    audit: [],
    ...o,
  };
}

describe('soak.json, soak.md, soak.html', () => {
  test('a clean short soak passes (its memory reported, not judged), and validates', () => {
    const doc = soakDocument(input());
    expect(soakSchema.parse(JSON.parse(JSON.stringify(doc)))).toEqual(doc);
    expect(doc.faultsApplied).toBe(1);
    expect(doc.verdict).toEqual({
      passed: true,
      maxGrowthPerHour: 0.1,
      minJudgedSpanMs: 600_000,
      memoryUnjudged: ['server01'],
      memoryFailures: [],
      violations: 0,
      auditFindings: 0,
      erroredPieces: 0,
    });
    expect(soakMarkdown(doc)).toMatchInlineSnapshot(`
     "# chaos soak on Docker: scenarios/poweroff-master.yaml

     Verdict: **passed**.

     A soak of 90 s (95 s with the lab's start and the evidence), seed 1, 1 piece(s) of up to 2 min, 1 fault(s) applied, daemons sampled every 5 s.

     ## Daemons

     | node | daemon | samples | restarts | first RSS | last RSS | max RSS | growth per hour | CPU |
     | --- | --- | --- | --- | --- | --- | --- | --- | --- |
     | server01 | chaos-vrrpd | 3 | 0 | 60.5 MiB | 61.5 MiB | 61.5 MiB | 64.00 % | 1.00 % |
     | server03 | keepalived | 2 | 0 | 7.8 MiB | 7.8 MiB | 7.8 MiB | 0.00 % | 1.00 % |

     Growth: the least-squares slope of RSS over the daemon's longest life (after its first minute when it ran 3 minutes or more), per hour, as a share of the first fitted sample, fitted over the samples taken while no fault was active and the lab had settled (a flood's heap high-water mark is not a leak); chaos-vrrpd's may be at most 10 %, judged when those samples span 10 min or more. CPU: percent of one core over that life.

     Not judged (fitted over less than 10 min): server01.

     ## Invariant violations

     None.

     ## Audit

     Clean: no rule, helper or stray process left in a node after its heal, no rogue or flood container before teardown, no labelled resource after it.

     ## Pieces

     | piece | began | length | faults | status | evidence |
     | --- | --- | --- | --- | --- | --- |
     | 0 | 3 s | 90 s | kill-process | passed | pieces/piece-0 |

     "
    `);
  });

  test('a violation, an audit finding or an interruption fail it', () => {
    const violation = {
      invariant: 'single-master' as const,
      piece: 0,
      atMs: 40_000,
      boundMs: 4600,
      observed: 'server01 and server03 both master',
    };
    const v = soakDocument(input({ violations: [violation] }));
    expect(v.verdict.passed).toBe(false);
    expect(soakMarkdown(v)).toContain(
      '| 40 s | 0 | single-master | 4.6 s | server01 and server03 both master |',
    );
    const a = soakDocument(
      input({ audit: [{ kind: 'rule-left', node: 'server01', detail: '-A INPUT -j DROP' }] }),
    );
    expect(a.verdict.passed).toBe(false);
    expect(soakMarkdown(a)).toContain('- rule-left in server01: `-A INPUT -j DROP`');
    expect(soakDocument(input({ interrupted: 'SIGINT' })).verdict.passed).toBe(false);
  });

  test('soak.html: one line per daemon, the violations marked, nothing fetched', () => {
    const html = soakHtml(
      soakDocument(
        input({
          violations: [
            { invariant: 'slo', piece: 0, atMs: 45_000, boundMs: 0, observed: 'downtime 5 s' },
          ],
        }),
      ),
    );
    expect(html.match(/<path data-daemon="[^"]+"/g)).toEqual([
      '<path data-daemon="server01"',
      '<path data-daemon="server03"',
    ]);
    expect(html).toContain('server03 keepalived');
    // 45 s of 95 s on a 680 px plot starting at 70 px.
    expect(html).toContain('<line data-violation="slo" x1="392.1"');
    expect(html).not.toMatch(/<script|src="http|href="http/);
  });

  test('the progress line', () => {
    expect(
      soakProgressLine(
        { elapsedMs: 90_500, durationMs: 1_800_000, faultsApplied: 1, violations: 2 },
        10,
      ),
    ).toBe('\r[----------]  90 s/30 min  1 fault applied  2 violations');
  });
});

describe('chaos explore --driver docker at the CLI', () => {
  const cli = async (...args: string[]) => {
    const io = memoryIO();
    return { code: await runCli(args, io), err: io.err };
  };

  test('the soak needs --duration; --duration needs the Docker driver', async () => {
    const a = await cli('explore', COURSE, '--driver', 'docker');
    expect(a.code).toBe(2);
    expect(a.err).toMatch(/--driver docker runs a soak.*--duration/);
    const b = await cli('explore', COURSE, '--driver', 'sim', '--duration', '30m');
    expect(b.code).toBe(2);
    expect(b.err).toMatch(/--duration is the soak's/);
    const c = await cli('explore', COURSE, '--duration', '30m');
    expect(c.code).toBe(2);
    const d = await cli('explore', COURSE, '--driver', 'docker', '--duration', '5s');
    expect(d.code).toBe(2);
  });
});
