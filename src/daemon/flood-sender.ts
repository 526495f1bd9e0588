#!/usr/bin/env node
/**
 * flood-sender SPEC.json COUNTS.json: the malformed-adverts fault's sender in a web-image
 * container on the lab network. SPEC is a FloodSpec (src/faults/types.ts): IPv4 datagrams by
 * kind, built by src/vrrp/malformed.ts, and a rate. Each goes out whole in an Ethernet frame on
 * the native helper's packet socket (sendFrame: the IPv4 header exactly as built, TTL 254 and a
 * short total length included, which a raw IP socket would rewrite), round robin, in batches
 * every TICK_MS so that 10,000 pps cost 100 timer ticks a second. What was sent, by kind, is
 * written to COUNTS every second and on SIGINT/SIGTERM (then it exits 0).
 */
import fs from 'node:fs';
import { ETHERTYPE_IPV4 } from '../capture/link';
import { ethernetFrame, multicastMac } from '../capture/frame-builders';
import type { FloodSpec } from '../faults/types';
import { isMulticast, readIp } from '../vrrp/ipv4';
import { SysfsLinks } from './sysfs-links';
import { loadVrrpdNative } from './vrrpd-native';

const TICK_MS = 10;

/** The counts file: what was sent by kind, since when, replaced atomically. */
export interface FloodCounts {
  pid: number;
  startedAt: number;
  updatedAt: number;
  pps: number;
  sent: Record<string, number>;
  errors: number;
  lastError?: string;
}

function writeCounts(file: string, counts: FloodCounts): void {
  const tmp = `${file}.tmp`;
  fs.writeFileSync(tmp, `${JSON.stringify(counts)}\n`);
  fs.renameSync(tmp, file);
}

function main(argv: string[]): void {
  const [specFile, countsFile, iface = 'eth0'] = argv;
  if (!specFile || !countsFile)
    throw new Error('usage: flood-sender SPEC.json COUNTS.json [IFACE]');
  const spec = JSON.parse(fs.readFileSync(specFile, 'utf8')) as FloodSpec;
  const native = loadVrrpdNative();
  if (native instanceof Error) throw native;
  const { ifindex, mac } = new SysfsLinks().get(iface);
  const frames = spec.packets.map((p) => {
    const datagram = Buffer.from(p.hex, 'hex');
    const dst = readIp(datagram, 16);
    if (!isMulticast(dst)) throw new Error(`flood-sender: ${dst} is not multicast`);
    const frame = ethernetFrame(datagram, {
      dst: multicastMac(dst),
      src: mac,
      etherType: ETHERTYPE_IPV4,
    });
    return { kind: p.kind, frame: Buffer.from(frame) };
  });
  const started = Date.now();
  const counts: FloodCounts = {
    pid: process.pid,
    startedAt: started,
    updatedAt: started,
    pps: spec.pps,
    sent: Object.fromEntries(frames.map((f) => [f.kind, 0])),
    errors: 0,
  };
  let total = 0;
  const tick = (): void => {
    const due = Math.floor(((Date.now() - started) * spec.pps) / 1000) + 1;
    for (; total < due; total++) {
      const f = frames[total % frames.length]!;
      try {
        native.sendFrame(ifindex, f.frame);
        counts.sent[f.kind] = (counts.sent[f.kind] ?? 0) + 1;
      } catch (error) {
        counts.errors++;
        counts.lastError = error instanceof Error ? error.message : String(error);
      }
    }
  };
  const save = (): void => {
    counts.updatedAt = Date.now();
    writeCounts(countsFile, counts);
  };
  save();
  const sending = setInterval(tick, TICK_MS);
  const saving = setInterval(save, 1000);
  const stop = (): void => {
    clearInterval(sending);
    clearInterval(saving);
    save();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  tick();
}

if (require.main === module) {
  try {
    main(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(
      `flood-sender: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    process.exit(3);
  }
}
