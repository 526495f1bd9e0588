#!/usr/bin/env node
/**
 * chaos-vrrpd --config keepalived.conf [--events events.jsonl] [--address IP] [--pid-file F]
 *
 * Our VRRP daemon: the pure state machine on a real interface. Configured with keepalived.conf
 * syntax, wire-compatible with keepalived. Exit codes: 0 clean stop, 2 bad config or arguments,
 * 3 could not run (socket, interface).
 */
import fs from 'node:fs';
import os from 'node:os';
import { Command } from 'commander';
import { ChaosError, InputError, ValidationError, formatDiagnostic } from '../errors';
import { assertValidKeepalivedConf, loadKeepalivedConf } from '../keepalived';
import { fsSource, hostPreprocessOptions } from '../keepalived/fs-source';
import type { KeepalivedConfig } from '../keepalived';
import type { InstanceConfig } from '../vrrp/config';
import { ArpingGarp } from './arping-garp';
import { ChildProcessScripts } from './child-process-scripts';
import { InstanceRunner } from './instance-runner';
import { IprouteVips } from './iproute-vips';
import { JsonlEventLog } from './jsonl-event-log';
import { NativeIpSender } from './native-ip-sender';
import { NetlinkVips } from './netlink-vips';
import { PacketSocketGarp } from './packet-socket-garp';
import type { DaemonEvent, EventSink, GarpSender, VipManager } from './ports';
import { RawSocketTransport } from './raw-socket-transport';
import { StateFile, type InstanceStatus } from './state-file';
import { SysfsLinkMonitor } from './sysfs-link-monitor';
import { SysfsLinks } from './sysfs-links';
import { SystemScheduler } from './system-scheduler';
import { loadVrrpdNative, type VrrpdNative } from './vrrpd-native';

/** How long after an event the state file is refreshed (off the path of the adverts). */
const STATE_FILE_DELAY_MS = 20;

interface Options {
  config: string;
  events?: string;
  address?: string;
  pidFile?: string;
  stateFile: string;
  statsFile: string;
  quiet?: boolean;
  configId?: string;
}

/** The first IPv4 address of `iface` that is not one of the VIPs. */
export function primaryAddress(iface: string, vips: readonly string[]): string {
  const addrs = os.networkInterfaces()[iface] ?? [];
  const found = addrs.find((a) => a.family === 'IPv4' && !vips.includes(a.address));
  if (!found)
    throw new ChaosError(
      'DAEMON_NO_ADDRESS',
      `Interface ${iface} has no IPv4 address (besides the VIPs)`,
    );
  return found.address;
}

function parseOptions(argv: string[]): Options {
  const program = new Command()
    .name('chaos-vrrpd')
    .description('VRRP daemon (keepalived.conf syntax, wire-compatible with keepalived)')
    .requiredOption('-f, --config <file>', 'keepalived.conf to run')
    .option('--events <file>', 'append the JSON-lines event log here')
    .option('--address <ip>', 'primary address (default: the interface first IPv4 address)')
    .option('--pid-file <file>', 'write our pid here (overwritten: no stale-pid trap)')
    .option(
      '--state-file <file>',
      'keep the current state here as JSON (replaced on every change)',
      '/run/chaos-vrrpd/state.json',
    )
    .option(
      '--stats-file <file>',
      'on SIGUSR2, write the drop counters by reason here as JSON',
      '/run/chaos-vrrpd/stats.json',
    )
    .option('-q, --quiet', 'do not echo events to stdout')
    .option(
      '-i, --config-id <id>',
      'which @ID lines of the config apply, as keepalived -i (default: the hostname up to its first dot)',
    )
    .exitOverride();
  program.parse(argv, { from: 'user' });
  return program.opts<Options>();
}

/** The config file, its warnings written to stderr; one instance at least. */
function loadConfig(file: string, configId: string | undefined): KeepalivedConfig {
  const parsed = loadKeepalivedConf(file, fsSource(), hostPreprocessOptions(configId));
  for (const w of parsed.warnings) process.stderr.write(`${formatDiagnostic(w)}\n`);
  const conf = assertValidKeepalivedConf(parsed);
  if (conf.instances.length === 0)
    throw new InputError('DAEMON_NO_INSTANCES', `${file} defines no vrrp_instance`);
  return conf;
}

/** The receive checks' drop counters of every instance, written on SIGUSR2 (write + rename). */
function writeStatsFile(file: string, runners: readonly InstanceRunner[], now: number): void {
  const instances = runners.map((r) => ({
    name: r.name,
    vrid: r.snapshot.config.vrid,
    drops: r.dropCounts,
    counters: r.snapshot.counters,
  }));
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, `${JSON.stringify({ pid: process.pid, at: now, instances })}\n`);
  fs.renameSync(tmp, file);
}

/** A runner's line in the state file. */
function instanceStatus(r: InstanceRunner): InstanceStatus {
  const st = r.snapshot;
  return {
    name: r.name,
    vrid: st.config.vrid,
    state: st.state,
    priority: st.effectivePriority,
    vips: st.state === 'MASTER' ? st.config.vips.map((v) => v.address) : [],
  };
}

/** The events the runners write: to the log, each one followed by a refresh of the state file. */
function stateRefreshingEvents(
  log: EventSink,
  stateFile: StateFile,
  runners: readonly InstanceRunner[],
  now: () => number,
): { events: EventSink; cancelRefresh: () => void } {
  const writeState = (): void => stateFile.update(runners.map(instanceStatus), now());
  // Every event may follow a state change: refresh the state file (written only on change),
  // soon after rather than at once. Writing it (a new file and a rename) takes 0.4 ms typically
  // and over 10 ms at worst on a busy host: deferred, one write covers the several events of an
  // input (a takeover has four) and stays out of the way of the inputs that follow. (Written at
  // once it used to delay the new master's first advert by as much.)
  let statePending: NodeJS.Timeout | undefined;
  const writeStateSoon = (): void => {
    statePending ??= setTimeout(() => {
      statePending = undefined;
      writeState();
    }, STATE_FILE_DELAY_MS);
  };
  const events = {
    write(event: DaemonEvent): void {
      log.write(event);
      writeStateSoon();
    },
  };
  return { events, cancelRefresh: () => clearTimeout(statePending) };
}

interface TakeoverIo {
  native: VrrpdNative | Error;
  vips: VipManager & { close(): void };
  garp: GarpSender & { close(): void };
}

/** The VIPs' and the gratuitous ARPs' mechanisms, chosen by whether the native helper loads. */
function takeoverIo(events: EventSink): TakeoverIo {
  // The takeover's kernel calls from the daemon itself and at once (adverts on a raw socket,
  // netlink for the VIPs, a packet socket for the gratuitous ARPs), as keepalived makes them,
  // where the native helper is built (the web image). Elsewhere raw-socket's queued sends,
  // iproute2 and iputils arping, a few milliseconds slower per takeover (bench:failover):
  // processes to wake between the advert and the first GARP.
  const native = loadVrrpdNative();
  const links = new SysfsLinks();
  const vips = native instanceof Error ? new IprouteVips() : new NetlinkVips(native, links);
  const garp = native instanceof Error ? new ArpingGarp() : new PacketSocketGarp(native, links);
  events.write(
    native instanceof Error
      ? {
          event: 'takeover-io',
          adverts: 'raw-socket',
          vips: 'iproute2',
          garp: 'arping',
          reason: native.message,
        }
      : { event: 'takeover-io', adverts: 'native', vips: 'netlink', garp: 'packet-socket' },
  );
  return { native, vips, garp };
}

/** What every interface's runners share. */
interface DaemonContext extends TakeoverIo {
  opts: Options;
  conf: KeepalivedConfig;
  scheduler: SystemScheduler;
  scripts: ChildProcessScripts;
  events: EventSink;
  /** Run at exit, in order. */
  closers: (() => void)[];
  /** Every interface's runners; those of `iface` are added before they start. */
  runners: InstanceRunner[];
}

/** The socket, the link monitor and the runners of one interface's instances, started. */
async function startInterface(
  iface: string,
  instances: readonly InstanceConfig[],
  ctx: DaemonContext,
): Promise<void> {
  const { opts, conf, native, scheduler, vips, garp, scripts, events, closers } = ctx;
  const allVips = instances.flatMap((i) => i.vips.map((v) => v.address));
  const address = opts.address ?? primaryAddress(iface, allVips);
  const transport = new RawSocketTransport({
    iface,
    address,
    multicast: instances.some((i) => i.unicastPeers.length === 0),
    ...(native instanceof Error ? {} : { sender: new NativeIpSender(native, iface) }),
  });
  const decodeErrors = { count: 0 };
  transport.onError((error) => {
    decodeErrors.count++;
    events.write({ event: 'socket-error', iface, message: error.message });
  });
  const link = new SysfsLinkMonitor(iface);
  closers.push(
    () => transport.close(),
    () => link.close(),
  );
  const local = instances.map(
    (config) =>
      new InstanceRunner({ config, address, scheduler, transport, vips, garp, scripts, events }),
  );
  transport.onPacket((datagram) => {
    for (const r of local) r.packet(datagram);
  });
  link.onChange((up) => {
    events.write({ event: 'link', iface, up });
    for (const r of local) {
      if (!conf.instanceOptions[r.name]?.dontTrackPrimary) r.link(up);
    }
  });
  ctx.runners.push(...local);
  for (const r of local) {
    await r.start();
    if (!link.isUp() && !conf.instanceOptions[r.name]?.dontTrackPrimary) r.link(false);
  }
}

/** Runs until SIGTERM or SIGINT, then stops the runners gracefully, cleans up and resolves 0. */
function untilSignal(
  runners: readonly InstanceRunner[],
  events: EventSink,
  cleanUp: () => void,
  writeStats: () => void,
): Promise<number> {
  return new Promise<number>((resolve) => {
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) return;
      stopping = true;
      events.write({ event: 'signal', signal });
      Promise.all(runners.map((r) => r.shutdown()))
        .catch(() => undefined)
        .finally(() => {
          cleanUp();
          resolve(0);
        });
    };
    process.on('SIGTERM', () => stop('SIGTERM'));
    process.on('SIGINT', () => stop('SIGINT'));
    // keepalived's SIGUSR2 writes /tmp/keepalived.stats; ours, the drop counters as JSON.
    process.on('SIGUSR2', () => writeStats());
    process.on('SIGHUP', () =>
      events.write({
        event: 'signal',
        signal: 'SIGHUP',
        note: 'reload is not supported; restart to apply a new config',
      }),
    );
  });
}

async function main(argv: string[]): Promise<number> {
  const opts = parseOptions(argv);
  const conf = loadConfig(opts.config, opts.configId);

  const scheduler = new SystemScheduler();
  const log = new JsonlEventLog(
    opts.events,
    { node: os.hostname(), pid: process.pid },
    () => scheduler.now(),
    opts.quiet ? undefined : (line) => process.stdout.write(line),
  );
  const runners: InstanceRunner[] = [];
  const stateFile = new StateFile(opts.stateFile, (message) =>
    log.write({ event: 'state-file-error', message }),
  );
  const { events, cancelRefresh } = stateRefreshingEvents(log, stateFile, runners, () =>
    scheduler.now(),
  );
  if (opts.pidFile) fs.writeFileSync(opts.pidFile, `${process.pid}\n`);

  const byInterface = new Map<string, InstanceConfig[]>();
  for (const inst of conf.instances)
    byInterface.set(inst.interface, [...(byInterface.get(inst.interface) ?? []), inst]);

  const closers: (() => void)[] = [];
  const { native, vips, garp } = takeoverIo(events);
  const scripts = new ChildProcessScripts();
  closers.push(
    () => vips.close(),
    () => garp.close(),
  );
  const ctx: DaemonContext = {
    opts,
    conf,
    scheduler,
    scripts,
    events,
    closers,
    runners,
    native,
    vips,
    garp,
  };
  for (const [iface, instances] of byInterface) await startInterface(iface, instances, ctx);

  const writeStats = (): void => {
    try {
      writeStatsFile(opts.statsFile, runners, scheduler.now());
    } catch (error) {
      log.write({ event: 'stats-error', message: (error as Error).message });
    }
  };
  return untilSignal(
    runners,
    events,
    () => {
      for (const c of closers) c();
      if (opts.pidFile) fs.rmSync(opts.pidFile, { force: true });
      cancelRefresh();
      stateFile.remove();
    },
    writeStats,
  );
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      if (error instanceof ValidationError) {
        process.stderr.write(`${error.diagnostics.map(formatDiagnostic).join('\n')}\n`);
        process.exit(2);
      }
      const name = (error as { code?: string }).code;
      if (
        error instanceof InputError ||
        name === 'commander.missingMandatoryOptionValue' ||
        name?.startsWith('commander.')
      ) {
        process.stderr.write(`chaos-vrrpd: ${(error as Error).message}\n`);
        process.exit(name === 'commander.helpDisplayed' || name === 'commander.version' ? 0 : 2);
      }
      process.stderr.write(
        `chaos-vrrpd: ${error instanceof Error ? error.message : String(error)}\n`,
      );
      process.exit(3);
    },
  );
}
