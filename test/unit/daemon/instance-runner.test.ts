/**
 * The daemon's InstanceRunner with fakes for every port: a virtual scheduler, a transport that
 * records datagrams, VIPs in a set. Checks the effects reach the outside world in order: the
 * VIP is added before the gratuitous ARPs, adverts carry our priority, SIGTERM sends priority 0
 * and removes the VIP, a hard-killed run's VIP is cleaned up at start, scripts feed back.
 */
import {
  DROP_EVENTS_PER_REASON,
  DROP_SUMMARY_MS,
  InstanceRunner,
} from '../../../src/daemon/instance-runner';
import { malformedDatagram, malformedKinds } from '../../../src/vrrp/malformed';
import type {
  DaemonEvent,
  GarpSender,
  Scheduler,
  ScriptResult,
  ScriptRunner,
  TimerHandle,
  Transport,
  VipManager,
} from '../../../src/daemon/ports';
import { seedInstance } from '../../../src/lab/seed-lab';
import type { InstanceConfig, VipConfig } from '../../../src/vrrp/config';
import { decodeVrrpDatagram, encodeVrrpDatagram } from '../../../src/vrrp/packet';

class FakeScheduler implements Scheduler {
  private t = 1_000_000;
  private timers: { at: number; fn: () => void; live: boolean }[] = [];
  now(): number {
    return this.t;
  }
  at(time: number, fn: () => void): TimerHandle {
    const timer = { at: time, fn, live: true };
    this.timers.push(timer);
    return { cancel: () => (timer.live = false) };
  }
  /** Run every timer due up to `time`, in order, letting promises settle between them. */
  async advance(ms: number): Promise<void> {
    const end = this.t + ms;
    for (;;) {
      const due = this.timers.filter((x) => x.live && x.at <= end).sort((a, b) => a.at - b.at)[0];
      if (!due) break;
      due.live = false;
      this.t = Math.max(this.t, due.at);
      due.fn();
      await settle();
    }
    this.t = end;
    await settle();
  }
}

async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await Promise.resolve();
}

class FakeTransport implements Transport {
  sent: { dst: string; datagram: Uint8Array }[] = [];
  send(dst: string, datagram: Uint8Array): Promise<void> {
    this.sent.push({ dst, datagram });
    return Promise.resolve();
  }
  onPacket(): void {}
  onError(): void {}
  close(): void {}
}

class FakeVips implements VipManager {
  held = new Set<string>();
  constructor(
    private readonly log: string[],
    initial: string[] = [],
  ) {
    for (const a of initial) this.held.add(a);
  }
  add(vips: readonly VipConfig[]): Promise<void> {
    for (const v of vips) this.held.add(v.address);
    this.log.push(`add ${vips.map((v) => v.address).join(',')}`);
    return Promise.resolve();
  }
  remove(vips: readonly VipConfig[]): Promise<void> {
    for (const v of vips) this.held.delete(v.address);
    this.log.push(`remove ${vips.map((v) => v.address).join(',')}`);
    return Promise.resolve();
  }
  present(vips: readonly VipConfig[]): Promise<VipConfig[]> {
    return Promise.resolve(vips.filter((v) => this.held.has(v.address)));
  }
}

class FakeGarp implements GarpSender {
  readonly prepared: string[] = [];
  constructor(private readonly log: string[]) {}
  prepare(vips: readonly VipConfig[], _iface: string, count: number): void {
    this.prepared.push(`${vips.map((v) => v.address).join(',')} x${count}`);
  }
  send(vips: readonly VipConfig[], _iface: string, count: number): Promise<void> {
    this.log.push(`garp ${vips.map((v) => v.address).join(',')} x${count}`);
    return Promise.resolve();
  }
}

class FakeScripts implements ScriptRunner {
  results: boolean[] = [];
  runs: string[] = [];
  notified: string[][] = [];
  constructor(private readonly log: string[]) {}
  run(command: string): Promise<ScriptResult> {
    this.runs.push(command);
    const ok = this.results.shift() ?? true;
    return Promise.resolve({ ok, exitCode: ok ? 0 : 1, timedOut: false, durationMs: 1 });
  }
  spawnDetached(command: string, args: readonly string[]): void {
    this.notified.push([command, ...args]);
    this.log.push(`notify ${command}`);
  }
}

function harness(config: InstanceConfig, initialVips: string[] = []) {
  const log: string[] = [];
  const events: DaemonEvent[] = [];
  const scheduler = new FakeScheduler();
  const transport = new FakeTransport();
  const vips = new FakeVips(log, initialVips);
  const scripts = new FakeScripts(log);
  const garp = new FakeGarp(log);
  const runner = new InstanceRunner({
    config,
    address: '192.168.17.102',
    scheduler,
    transport,
    vips,
    garp,
    scripts,
    events: { write: (e) => events.push(e) },
  });
  const adverts = () =>
    transport.sent.map((s) => {
      const d = decodeVrrpDatagram(s.datagram);
      return { dst: s.dst, priority: d.vrrp.priority, ttl: d.ip.ttl };
    });
  return { log, events, scheduler, transport, vips, garp, scripts, runner, adverts };
}

describe('InstanceRunner (daemon core with fake ports)', () => {
  it('a lone MASTER-configured router takes the VIP, then sends GARPs and adverts every second', async () => {
    const h = harness(seedInstance('server01'));
    await h.runner.start();
    expect(h.runner.vrrpState).toBe('BACKUP'); // keepalived starts every instance as BACKUP
    // The GARP burst is made ready at start, long before a takeover needs it.
    expect(h.garp.prepared).toEqual(['192.168.17.200 x5']);
    await h.scheduler.advance(5000);
    expect(h.runner.vrrpState).toBe('MASTER');
    expect(h.vips.held).toEqual(new Set(['192.168.17.200']));
    // Start removes the VIP (none held); the address is in place before the GARPs announce it.
    expect(h.log.slice(0, 3)).toEqual([
      'remove 192.168.17.200',
      'add 192.168.17.200',
      'garp 192.168.17.200 x5',
    ]);
    const adverts = h.adverts();
    expect(adverts.length).toBeGreaterThanOrEqual(4);
    expect(
      adverts.every((a) => a.dst === '224.0.0.18' && a.priority === 100 && a.ttl === 255),
    ).toBe(true);
    const states = h.events.filter((e) => e.event === 'state').map((e) => e.to);
    expect(states).toEqual(['BACKUP', 'MASTER']);
    // A timer's transition says how late the timer was processed (exactly on time here).
    const master = h.events.find((e) => e.event === 'state' && e.to === 'MASTER');
    expect(master).toMatchObject({ reason: 'master-down-timer', timerLateMs: 0 });
  });

  it('SIGTERM as master: priority 0 advert, VIP removed, nothing sent afterwards', async () => {
    const h = harness(seedInstance('server01'));
    await h.runner.start();
    await h.scheduler.advance(5000);
    const before = h.transport.sent.length;
    await h.runner.shutdown();
    const last = h.adverts().slice(before);
    expect(last.map((a) => a.priority)).toContain(0);
    expect(h.vips.held.size).toBe(0);
    const after = h.transport.sent.length;
    await h.scheduler.advance(5000);
    expect(h.transport.sent.length).toBe(after);
    expect(h.events.at(-1)?.event).toBe('stop');
  });

  it('removes a VIP left behind by a hard-killed run before starting', async () => {
    const h = harness(seedInstance('server03'), ['192.168.17.200']);
    await h.runner.start();
    expect(h.log[0]).toBe('remove 192.168.17.200');
    expect(h.events.some((e) => e.event === 'vip-cleanup')).toBe(true);
  });

  it('stays BACKUP while a higher-priority master advertises', async () => {
    const h = harness(seedInstance('server03'));
    await h.runner.start();
    const master = seedInstance('server01', { priority: 150 });
    for (let i = 0; i < 6; i++) {
      const datagram = encodeVrrpDatagram(
        {
          version: 2,
          vrid: master.vrid,
          priority: 150,
          authType: 1,
          advertIntervalSec: 1,
          addresses: ['192.168.17.200'],
          checksum: 0,
          authData: Uint8Array.from([0x31, 0x31, 0x31, 0x31, 0, 0, 0, 0]),
        },
        { src: '192.168.17.101', dst: '224.0.0.18', id: i + 1 },
      );
      h.runner.packet(datagram);
      await h.scheduler.advance(1000);
    }
    expect(h.runner.vrrpState).toBe('BACKUP');
    expect(h.vips.held.size).toBe(0);
    expect(h.transport.sent).toHaveLength(0);
  });

  it('a failing track script with weight 0 puts the master in FAULT and drops the VIP', async () => {
    const script = {
      name: 'check_nginx',
      script: '/etc/keepalived/check_nginx.sh',
      intervalMs: 1000,
      timeoutMs: 1000,
      fall: 1,
      rise: 1,
      weight: 0,
    };
    const config = seedInstance('server01', {
      trackScripts: [{ name: 'check_nginx', weight: 0, script }],
    });
    const h = harness(config);
    await h.runner.start();
    await h.scheduler.advance(5000);
    expect(h.runner.vrrpState).toBe('MASTER');
    h.scripts.results.push(false, false, false);
    await h.scheduler.advance(3000);
    expect(h.scripts.runs.length).toBeGreaterThan(3);
    expect(h.runner.vrrpState).toBe('FAULT');
    expect(h.vips.held.size).toBe(0);
  });

  it('notify scripts start after the advert, the VIP and the GARPs of the same takeover', async () => {
    const config = seedInstance('server01', {
      notify: { master: '/etc/keepalived/to-master.sh', any: '/etc/keepalived/notify.sh' },
    });
    const h = harness(config);
    await h.runner.start();
    h.log.length = 0;
    await h.scheduler.advance(5000);
    expect(h.runner.vrrpState).toBe('MASTER');
    const takeover = h.log.slice(0, 4);
    expect(takeover).toEqual([
      'add 192.168.17.200',
      'garp 192.168.17.200 x5',
      'notify /etc/keepalived/to-master.sh',
      'notify /etc/keepalived/notify.sh',
    ]);
    expect(h.scripts.notified).toContainEqual([
      '/etc/keepalived/notify.sh',
      'INSTANCE',
      'VI_1',
      'MASTER',
      '100',
    ]);
  });

  it('warms the master’s code path at start without touching the network, VIPs or state', async () => {
    const h = harness(seedInstance('server03'));
    const kinds = h.runner.warmUp();
    expect(kinds).toEqual(expect.arrayContaining(['to-MASTER', 'send', 'add-vips', 'garp']));
    expect(kinds.filter((k) => k === 'send').length).toBeGreaterThanOrEqual(3);
    expect(h.runner.vrrpState).toBe('INIT');
    await h.runner.start();
    expect(h.transport.sent).toHaveLength(0);
    expect(h.log).toEqual(['remove 192.168.17.200']); // start's cleanup, not the warm-up
    expect(h.vips.held.size).toBe(0);
    expect(h.runner.vrrpState).toBe('BACKUP');
  });

  it('writes a takeover’s events after its effects, each with the time it happened', async () => {
    const h = harness(seedInstance('server01'));
    await h.runner.start();
    const before = h.events.length;
    let writtenAtGarp = -1;
    const send = h.garp.send.bind(h.garp);
    h.garp.send = (vips, iface, count) => {
      writtenAtGarp = h.events.length;
      return send(vips, iface, count);
    };
    await h.scheduler.advance(5000);
    expect(writtenAtGarp).toBe(before); // nothing written between the decision and the GARPs
    const takeover = h.events.slice(before, before + 4);
    expect(takeover.map((e) => e.event)).toEqual(['state', 'advert', 'vip-add', 'garp']);
    expect(takeover.every((e) => typeof e['t'] === 'number')).toBe(true);
  });

  it('a flood of broken adverts: counted by reason, a few logged, then one drops event per period', async () => {
    const config = seedInstance('server03');
    const h = harness(config);
    await h.runner.start();
    const kinds = malformedKinds(config);
    let last: Promise<void> = Promise.resolve();
    for (let i = 0; i < 100; i++)
      for (const k of kinds)
        last = h.runner.input({
          kind: 'packet',
          now: h.scheduler.now(),
          datagram: malformedDatagram(k, config, '192.168.17.66'),
        });
    await last; // inputs are processed one after another
    await h.scheduler.advance(100);
    expect(h.runner.vrrpState).toBe('BACKUP');
    const reasons = Object.fromEntries(kinds.map((k) => [k, 100]));
    expect(h.runner.dropCounts).toEqual(reasons);
    const drops = h.events.filter((e) => e.event === 'drop');
    // vrid (other groups) is never logged one by one; the rest only the first few times.
    expect(drops.length).toBe((kinds.length - 1) * DROP_EVENTS_PER_REASON);
    expect(h.events.filter((e) => e.event === 'drops')).toEqual([]);
    await h.scheduler.advance(DROP_SUMMARY_MS);
    const summaries = h.events.filter((e) => e.event === 'drops');
    expect(summaries).toHaveLength(1);
    expect(summaries[0]).toMatchObject({ counts: reasons });
    await h.runner.shutdown();
    expect(h.events.find((e) => e.event === 'stop')).toMatchObject({ drops: reasons });
  });
});
