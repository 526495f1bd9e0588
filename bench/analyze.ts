/**
 * Benchmark of `chaos analyze` against tshark.
 *
 *   npx tsc -p tsconfig.build.json && node dist/bench/analyze.js [--frames 300000] [--runs 5] [--keep]
 *
 * 1. Writes a synthetic capture (VRRPv2 and VRRPv3 adverts on several VRIDs, switchovers by
 *    silence and by priority 0, a split brain, gratuitous ARP bursts and client ARP chatter)
 *    into a temporary directory with the pcap writer.
 * 2. Times, `runs` times each after one warm-up, (a) analyzePcapFiles(), the library call
 *    `chaos analyze` makes (file reading included), alone and followed by JSON.stringify as
 *    with --json, and (b) `tshark -r FILE -Y vrrp` with its output sent to /dev/null.
 * 3. Prints medians, packets per second and the ratio ours / tshark.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { analyzePcapFiles } from '../src/capture/analyze-files';
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
}

function parseArgs(argv: readonly string[]): Args {
  const args: Args = { frames: 300_000, runs: 5, keep: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--frames') args.frames = Number(argv[++i]);
    else if (a === '--runs') args.runs = Number(argv[++i]);
    else if (a === '--keep') args.keep = true;
    else throw new Error(`unknown argument ${a}: use --frames N --runs N --keep`);
  }
  if (!(args.frames > 0) || !(args.runs > 0))
    throw new Error('--frames and --runs must be positive');
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

function runTshark(tshark: string, args: readonly string[]): { seconds: number; stdout: string } {
  const start = process.hrtime.bigint();
  const out = spawnSync(tshark, args, {
    stdio: ['ignore', 'pipe', 'pipe'],
    maxBuffer: 1 << 30,
    encoding: 'utf8',
  });
  const took = seconds(start);
  if (out.status !== 0)
    throw new Error(`tshark ${args.join(' ')} failed (${out.status}): ${out.stderr}`);
  return { seconds: took, stdout: out.stdout };
}

function row(cells: readonly string[], widths: readonly number[]): string {
  return cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
}

/** tshark's times over the capture (none when it is not installed), and its VRRP count. */
function timeTshark(file: string, runs: number, adverts: number): number[] {
  const tshark = findTshark();
  const tsharkTimes: number[] = [];
  if (tshark === null) {
    console.log('tshark not found on PATH: reporting ours only');
    return tsharkTimes;
  }
  runTshark(tshark, ['-r', file, '-Y', 'vrrp', '-c', '1']); // warm the page cache
  for (let run = 0; run < runs; run++)
    tsharkTimes.push(runTshark(tshark, ['-r', file, '-Y', 'vrrp']).seconds);
  const counted = runTshark(tshark, [
    '-r',
    file,
    '-Y',
    'vrrp',
    '-T',
    'fields',
    '-e',
    'frame.number',
  ]);
  const tsharkCount = counted.stdout.split('\n').filter((l) => l !== '').length;
  console.log(
    `tshark: ${tsharkCount} VRRP frames (ours: ${adverts} adverts) ${tsharkCount === adverts ? 'agree' : 'DISAGREE'}`,
  );
  return tsharkTimes;
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
      `synthetic capture: ${frames.length} frames, ${(size / 1e6).toFixed(1)} MB, ${simulated} s of traffic, 8 VRIDs (6 x VRRPv3 0.02 s, 2 x VRRPv2 1 s), built in ${seconds(start).toFixed(1)} s`,
    );
    console.log(`  ${file}`);

    // (a) ours: one warm-up, then `runs` timed runs.
    const analyzeTimes: number[] = [];
    const jsonTimes: number[] = [];
    let packets = 0;
    let adverts = 0;
    let summary = '';
    for (let run = 0; run <= args.runs; run++) {
      start = process.hrtime.bigint();
      const result = await analyzePcapFiles([file]);
      const analyzed = seconds(start);
      const json = JSON.stringify(result);
      const total = seconds(start);
      if (run === 0) {
        packets = result.packetCount;
        adverts = result.counts.adverts;
        summary =
          `ours: ${result.packetCount} packets, ${result.counts.adverts} adverts, ${result.switchovers.length} switchovers ` +
          `(${expectedSwitchovers} generated), ${result.splitBrain.length} split brain, ${result.garps.length} GARP bursts, ` +
          `${Object.keys(result.errors).length} error codes, JSON ${(json.length / 1e6).toFixed(0)} MB`;
        continue;
      }
      analyzeTimes.push(analyzed);
      jsonTimes.push(total);
    }
    console.log(summary);

    // (b) tshark.
    const tsharkTimes = timeTshark(file, args.runs, adverts);

    const widths = [44, 10, 14, 16];
    console.log('');
    console.log(
      row(['median of ' + args.runs + ' runs', 'seconds', 'packets/s', 'ours / tshark'], widths),
    );
    const tsharkMedian = tsharkTimes.length > 0 ? median(tsharkTimes) : null;
    const line = (name: string, times: number[]): void => {
      const m = median(times);
      const ratio = tsharkMedian === null ? 'n/a' : `${(tsharkMedian / m).toFixed(1)}x faster`;
      console.log(
        row(
          [
            name,
            m.toFixed(3),
            Math.round(packets / m).toLocaleString('en-US'),
            name.startsWith('tshark') ? '1.0x' : ratio,
          ],
          widths,
        ),
      );
    };
    line('analyzePcapFiles (read + decode + timeline)', analyzeTimes);
    line('  + JSON.stringify (chaos analyze --json)', jsonTimes);
    if (tsharkMedian !== null) line('tshark -r FILE -Y vrrp > /dev/null', tsharkTimes);
    console.log('');
    console.log(
      `runs: ours ${analyzeTimes.map((t) => t.toFixed(3)).join(' ')} | +json ${jsonTimes.map((t) => t.toFixed(3)).join(' ')}` +
        (tsharkTimes.length > 0
          ? ` | tshark ${tsharkTimes.map((t) => t.toFixed(3)).join(' ')}`
          : ''),
    );
  } finally {
    if (args.keep) console.log(`kept ${file}`);
    else fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
