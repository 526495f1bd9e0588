/**
 * Benchmark of `chaos analyze` against tshark.
 *
 *   npm run bench:analyze -- [--frames 300000] [--runs 3] [--big-mb 1024] [--keep]
 *
 * 1. Writes a synthetic capture (VRRPv2 and VRRPv3 adverts on several VRIDs, switchovers by
 *    silence and by priority 0, a split brain, gratuitous ARP bursts and client ARP chatter)
 *    into a temporary directory with the pcap writer, and its other forms (analyze-forms.ts):
 *    pcapng, gzip, the pcap on standard input, and a capture of about `--big-mb` MB.
 * 2. Times each form, `runs` times after one warm-up, with `chaos analyze --json` (the built
 *    CLI, a child process) and `tshark -r FILE -Y vrrp`, alternating, output to /dev/null;
 *    peak memory from /usr/bin/time.
 * 3. Prints medians, packets per second, the ratio tshark / ours in time, peak memory, the
 *    JSON's size against the capture's, and tshark's advert count against ours.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { analyzePcapFiles } from '../src/capture/analyze-files';
import type { AnalysisResult } from '../src/capture/timeline';
import { makeForms, timed, tsharkCount } from './analyze-forms';
import type { Form, Timed } from './analyze-forms';
import {
  arpReplyFrame,
  arpRequestFrame,
  dockerMac,
  gratuitousArpFrame,
  vrrpFrame,
} from '../src/capture/frame-builders';
import { LINKTYPE_ETHERNET } from '../src/capture/link';
import { encodePcapGlobalHeader, encodePcapRecord } from '../src/capture/pcap-format';
import { AUTH_SIMPLE_TEXT, passwordAuthData } from '../src/vrrp/packet';
import type { VrrpPacket } from '../src/vrrp/packet';

interface Args {
  frames: number;
  runs: number;
  keep: boolean;
  /** Size of the big capture, MB; 0: none. */
  bigMegabytes: number;
}

function parseArgs(argv: readonly string[]): Args {
  const args: Args = { frames: 300_000, runs: 3, keep: false, bigMegabytes: 1024 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--frames') args.frames = Number(argv[++i]);
    else if (a === '--runs') args.runs = Number(argv[++i]);
    else if (a === '--keep') args.keep = true;
    else if (a === '--big-mb') args.bigMegabytes = Number(argv[++i]);
    else throw new Error(`unknown argument ${a}: use --frames N --runs N --big-mb N --keep`);
  }
  if (!(args.frames > 0) || !(args.runs > 0) || !(args.bigMegabytes >= 0))
    throw new Error('--frames and --runs must be positive, --big-mb at least 0');
  return args;
}

// ---------------------------------------------------------------------------------------------
// Synthetic capture

interface Frame {
  time: number;
  data: Uint8Array;
}

interface VridPlan {
  vrid: number;
  version: 2 | 3;
  /** Seconds. */
  interval: number;
  routers: string[];
  vip: string;
}

const T0 = 1_800_000_000;
const CLIENT = '10.0.0.50';
const CLIENT_MAC = dockerMac(CLIENT);

function packet(plan: VridPlan, priority: number): VrrpPacket {
  const common = { vrid: plan.vrid, priority, addresses: [plan.vip], checksum: 0 };
  return plan.version === 3
    ? { ...common, version: 3, maxAdvertIntervalCs: Math.round(plan.interval * 100) }
    : {
        ...common,
        version: 2,
        authType: AUTH_SIMPLE_TEXT,
        advertIntervalSec: plan.interval,
        authData: passwordAuthData('1111'),
      };
}

/** One VRID's traffic until `until`: masters take turns, by silence or by priority 0. */
function vridTraffic(
  plan: VridPlan,
  until: number,
  ids: Map<string, number>,
  expected: { switchovers: number },
): Frame[] {
  const frames: Frame[] = [];
  const nextId = (src: string): number => {
    const id = ids.get(src) ?? 1;
    ids.set(src, (id + 1) & 0xffff);
    return id;
  };
  const advert = (t: number, src: string, priority: number): void => {
    frames.push({ time: t, data: vrrpFrame(packet(plan, priority), { src, id: nextId(src) }) });
  };
  const skew = ((256 - 100) / 256) * (plan.version === 3 ? plan.interval : 1);
  let t = T0 + plan.vrid * 0.0123;
  let turn = 0;
  const periodSeconds = plan.version === 3 ? 15 : 40;
  while (t < until) {
    const master = plan.routers[turn % plan.routers.length]!;
    const end = Math.min(t + periodSeconds, until);
    // GARP burst right after the first advert of a new master.
    advert(t, master, 100);
    for (let k = 0; k < 5; k++)
      frames.push({
        time: t + 0.0001 + k * 0.00001,
        data: gratuitousArpFrame(dockerMac(master), plan.vip),
      });
    let last = t;
    for (let s = t + plan.interval; s < end; s += plan.interval) {
      advert(s, master, 100);
      last = s;
    }
    // A split brain on VRID 1 once: the next router advertises too for 10 intervals.
    if (plan.vrid === 1 && turn === 1) {
      const other = plan.routers[(turn + 1) % plan.routers.length]!;
      for (let k = 0; k < 10; k++)
        advert(t + 2 + k * plan.interval + plan.interval / 2, other, 100);
    }
    if (last + 5 >= until) break;
    if (turn % 2 === 0) {
      t = last + 3 * plan.interval + skew; // silence: the backup's Master_Down_Interval
    } else {
      advert(last + plan.interval / 3, master, 0); // graceful stop
      t = last + plan.interval / 3 + skew;
    }
    turn++;
    expected.switchovers++;
  }
  // Client ARP chatter for the VIP every half second.
  for (let s = T0 + 0.25; s < until; s += 0.5) {
    frames.push({ time: s, data: arpRequestFrame(CLIENT_MAC, CLIENT, plan.vip) });
    frames.push({
      time: s + 0.00004,
      data: arpReplyFrame(dockerMac(plan.routers[0]!), plan.vip, CLIENT_MAC, CLIENT),
    });
  }
  return frames;
}

function synthesize(target: number): {
  frames: Frame[];
  expectedSwitchovers: number;
  seconds: number;
} {
  const plans: VridPlan[] = [];
  for (let v = 1; v <= 8; v++) {
    const routers = [`10.0.${v}.1`, `10.0.${v}.2`, ...(v % 3 === 0 ? [`10.0.${v}.3`] : [])];
    plans.push({
      vrid: v,
      version: v <= 6 ? 3 : 2,
      interval: v <= 6 ? 0.02 : 1,
      routers,
      vip: `10.0.${v}.200`,
    });
  }
  // Frames per second of simulated time: v3 adverts, v2 adverts, ARP chatter (GARPs are few).
  const perSecond = plans.reduce((sum, p) => sum + 1 / p.interval + 4, 0);
  const seconds = Math.ceil(target / perSecond);
  const ids = new Map<string, number>();
  const expected = { switchovers: 0 };
  const frames = plans.flatMap((p) => vridTraffic(p, T0 + seconds, ids, expected));
  frames.sort((a, b) => a.time - b.time);
  return { frames, expectedSwitchovers: expected.switchovers, seconds };
}

function writeCapture(file: string, frames: readonly Frame[]): void {
  const fd = fs.openSync(file, 'w');
  try {
    fs.writeSync(fd, encodePcapGlobalHeader({ linkType: LINKTYPE_ETHERNET }));
    for (let i = 0; i < frames.length; i += 10_000) {
      const chunk = frames
        .slice(i, i + 10_000)
        .map((f) => encodePcapRecord({ timestampSeconds: f.time, data: f.data }));
      fs.writeSync(fd, Buffer.concat(chunk));
    }
  } finally {
    fs.closeSync(fd);
  }
}

// ---------------------------------------------------------------------------------------------
// Timing

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function seconds(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e9;
}

function findTshark(): string | null {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const candidate = path.join(dir, 'tshark');
    if (dir && fs.existsSync(candidate)) return candidate;
  }
  return null;
}

function row(cells: readonly string[], widths: readonly number[]): string {
  return cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
}

const CLI = path.join(__dirname, '..', 'src', 'cli', 'main.js');
const ours = (input: string): string[] => [CLI, 'analyze', '--json', input];
const theirs = (input: string): string[] => ['-r', input, '-Y', 'vrrp'];

interface FormResult {
  form: Form;
  packets: number;
  adverts: number;
  tsharkAdverts: number | null;
  jsonBytes: number;
  ours: Timed[];
  tshark: Timed[];
}

/** One warm-up of ours (its JSON kept for the counts), then `runs` of ours and tshark in turn. */
function timeForm(form: Form, runs: number, tshark: string | null, dir: string): FormResult {
  const json = path.join(dir, 'out.json');
  timed(process.execPath, ours, form, json);
  const result = JSON.parse(fs.readFileSync(json, 'utf8')) as AnalysisResult;
  const jsonBytes = fs.statSync(json).size;
  fs.rmSync(json);
  const big = fs.statSync(form.file).size > 1e8;
  const tsharkAdverts = tshark !== null && !big ? tsharkCount(tshark, form) : null;
  if (tshark !== null) timed(tshark, (i) => [...theirs(i), '-c', '1'], form); // page cache
  const out: FormResult = {
    form,
    packets: result.packetCount,
    adverts: result.counts.adverts,
    tsharkAdverts,
    jsonBytes,
    ours: [],
    tshark: [],
  };
  for (let run = 0; run < runs; run++) {
    out.ours.push(timed(process.execPath, ours, form));
    if (tshark !== null) out.tshark.push(timed(tshark, theirs, form));
  }
  return out;
}

function report(results: readonly FormResult[], runs: number): void {
  const widths = [16, 10, 10, 12, 12, 10, 9, 9, 11];
  console.log('');
  console.log(
    `median of ${runs} runs, side by side (chaos analyze --json FILE > /dev/null; tshark -r FILE -Y vrrp > /dev/null)`,
  );
  console.log(
    row(
      [
        'form',
        'packets',
        'ours s',
        'ours pkt/s',
        'tshark pkt/s',
        'ratio',
        'ours MB',
        'tshark MB',
        'JSON/capture',
      ],
      widths,
    ),
  );
  for (const r of results) {
    const o = median(r.ours.map((t) => t.seconds));
    const t = r.tshark.length > 0 ? median(r.tshark.map((x) => x.seconds)) : null;
    const rss = (xs: Timed[]): string => {
      const v = xs.map((x) => x.rssMb).filter((x): x is number => x !== null);
      return v.length > 0 ? Math.max(...v).toFixed(0) : 'n/a';
    };
    console.log(
      row(
        [
          r.form.name,
          String(r.packets),
          o.toFixed(3),
          Math.round(r.packets / o).toLocaleString('en-US'),
          t === null ? 'n/a' : Math.round(r.packets / t).toLocaleString('en-US'),
          t === null ? 'n/a' : `${(t / o).toFixed(2)}x`,
          rss(r.ours),
          r.tshark.length > 0 ? rss(r.tshark) : 'n/a',
          `${((100 * r.jsonBytes) / r.form.bytes).toFixed(2)} %`,
        ],
        widths,
      ),
    );
  }
  console.log('');
  for (const r of results) {
    const agree =
      r.tsharkAdverts === null
        ? 'not counted by tshark'
        : `tshark ${r.tsharkAdverts} ${r.tsharkAdverts === r.adverts ? 'agree' : 'DISAGREE'}`;
    console.log(
      `${r.form.name}: ${r.adverts} adverts (${agree}); runs ours ${r.ours.map((t) => t.seconds.toFixed(3)).join(' ')}` +
        (r.tshark.length > 0
          ? ` | tshark ${r.tshark.map((t) => t.seconds.toFixed(3)).join(' ')}`
          : ''),
    );
  }
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chaos-bench-analyze-'));
  const file = path.join(dir, 'synthetic.pcap');
  try {
    let start = process.hrtime.bigint();
    const { frames, expectedSwitchovers, seconds: simulated } = synthesize(args.frames);
    writeCapture(file, frames);
    const size = fs.statSync(file).size;
    console.log(
      `synthetic capture: ${frames.length} frames, ${(size / 1e6).toFixed(1)} MB, ${simulated} s of traffic, 8 VRIDs (6 x VRRPv3 0.02 s, 2 x VRRPv2 1 s), ${expectedSwitchovers} switchovers, built in ${seconds(start).toFixed(1)} s`,
    );
    const library = await analyzePcapFiles([file], { adverts: false });
    console.log(
      `ours: ${library.packetCount} packets, ${library.counts.adverts} adverts, ${library.switchovers.length} switchovers ` +
        `(${expectedSwitchovers} generated), ${library.splitBrain.length} split brain, ${library.garps.length} GARP bursts`,
    );
    start = process.hrtime.bigint();
    const { forms, copies } = makeForms(file, dir, args.bigMegabytes, simulated);
    console.log(
      `forms written in ${seconds(start).toFixed(1)} s${copies > 0 ? ` (the big one: ${copies} copies)` : ''}`,
    );
    const tshark = findTshark();
    if (tshark === null) console.log('tshark not found on PATH: reporting ours only');
    const results = forms.map((form) => timeForm(form, args.runs, tshark, dir));
    report(results, args.runs);
    if (copies > 0)
      console.log(
        `the big capture is ${copies} copies of the first: ${copies} x ${library.counts.adverts} = ${copies * library.counts.adverts} adverts expected`,
      );
  } finally {
    if (args.keep) console.log(`kept ${dir}`);
    else fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
