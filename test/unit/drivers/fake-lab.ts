/**
 * A scripted StartedLab and session for the Docker driver's unit tests: every call is recorded,
 * exec answers come from the node's scripted state (running, paused, VRRP state, VIP owner,
 * files), and the clock moves only when a test or a sleep moves it.
 */
import type { FaultStep } from '../../../src/faults';
import type { ExecResult } from '../../../src/lab/docker-support';
import type { LabImages } from '../../../src/lab/images';
import type { RogueSpec, StartedLab, StoredSpec } from '../../../src/lab/lab';
import { tarArchive } from '../../../src/lab/tar';
import type { LabSpec } from '../../../src/lab/lab-spec';
import type { DriverSession } from '../../../src/drivers/docker/driver';

export interface FakeNode {
  running: boolean;
  paused: boolean;
  state: 'MASTER' | 'BACKUP' | 'FAULT';
  vip: boolean;
  tcpdump: boolean;
  /** Files inside the node, by absolute path. */
  files: Map<string, Buffer>;
  /** The CPU limit (null: none, as the lab creates nodes) and what cpu-limit recorded. */
  cpus: number | null;
  cpuRecord: { cpus: number | null } | undefined;
}

export type Call =
  | { op: 'exec'; node: string; cmd: string[] }
  | { op: 'execDetached'; node: string; cmd: string[] }
  | { op: 'runSteps'; node: string; steps: FaultStep[] }
  | { op: 'startRogue'; rogue: RogueSpec }
  | { op: 'removeRogue'; name: string }
  | { op: 'startFlood'; name: string; pps: number }
  | { op: 'stopFlood'; name: string };

/** A node as it boots: running, VRRP BACKUP, no VIP, no capture, no files. */
const freshNode = (): FakeNode => ({
  running: true,
  paused: false,
  state: 'BACKUP',
  vip: false,
  tcpdump: false,
  files: new Map(),
  cpus: null,
  cpuRecord: undefined,
});

const ok = (stdout = ''): ExecResult => ({ exitCode: 0, stdout, stderr: '' });

export class FakeLab {
  readonly calls: Call[] = [];
  readonly nodes = new Map<string, FakeNode>();

  constructor(
    readonly spec: StoredSpec,
    readonly vip: string,
  ) {
    for (const n of spec.nodes) this.nodes.set(n.name, freshNode());
  }

  at(node: string): FakeNode {
    const n = this.nodes.get(node);
    if (!n) throw new Error(`fake lab: no node ${node}`);
    return n;
  }

  /** The commands run in a node so far (exec and detached), as shell text. */
  commands(node: string): string[] {
    return this.calls.flatMap((c) =>
      (c.op === 'exec' || c.op === 'execDetached') && c.node === node ? [c.cmd.join(' ')] : [],
    );
  }

  private exec(node: string, cmd: readonly string[]): ExecResult {
    const n = this.at(node);
    if (!n.running) throw new Error(`${node} is not running`);
    const text = cmd.join(' ');
    if (text === 'pgrep -x tcpdump') return { exitCode: n.tcpdump ? 0 : 1, stdout: '', stderr: '' };
    if (text.includes('wc -c <')) return ok('10\n0\n0\n0\n');
    if (text.includes('vrrp-status')) {
      const status = { impl: 'chaos', running: true, pid: 7, state: n.state, vips: [] };
      const addr = n.vip ? `2: eth0 inet ${this.vip}/32 scope global eth0` : '';
      return ok(`${JSON.stringify(status)}\n--- addr\n${addr}\n`);
    }
    const tail = /^sh -c tail -c \+(\d+) (\S+)/.exec(text);
    if (tail) {
      const data = n.files.get(tail[2]!) ?? Buffer.alloc(0);
      return ok(data.subarray(Number(tail[1]) - 1).toString('utf8'));
    }
    if (text.includes('pkill')) return ok();
    throw new Error(`fake lab: unscripted command in ${node}: ${text}`);
  }

  /** The StartedLab the driver sees. */
  asStartedLab(): StartedLab {
    const notUsed = (what: string) => (): never => {
      throw new Error(`fake lab: ${what} is not scripted`);
    };
    const record = (c: Call): void => {
      this.calls.push(c);
    };
    const archive = (node: string, dir: string): Buffer | undefined => {
      const entries = [...this.at(node).files]
        .filter(([p]) => p.startsWith(`${dir}/`))
        .map(([p, content]) => ({ name: p.slice(dir.length + 1), content, mtime: 0 }));
      return entries.length > 0 ? tarArchive(entries) : undefined;
    };
    return {
      name: 'fake',
      runId: 'run-1',
      spec: this.spec,
      containerOf: (n) => `chaos-fake-${n}`,
      node: (n) => {
        const node = this.spec.nodes.find((x) => x.name === n);
        if (!node) throw new Error(`no node ${n}`);
        return node;
      },
      exec: (node, cmd) => {
        record({ op: 'exec', node, cmd: [...cmd] });
        return Promise.resolve().then(() => this.exec(node, cmd));
      },
      execDetached: (node, cmd) => {
        record({ op: 'execDetached', node, cmd: [...cmd] });
        if (cmd.join(' ').includes('tcpdump')) this.at(node).tcpdump = true;
        return Promise.resolve();
      },
      isRunning: (node) => Promise.resolve(this.at(node).running),
      isPaused: (node) => Promise.resolve(this.at(node).paused),
      readFile: (node, p) => Promise.resolve(this.at(node).files.get(p)),
      archive: (node, p) => Promise.resolve(archive(node, p)),
      runSteps: (node, steps) => {
        record({ op: 'runSteps', node, steps: [...steps] });
        const n = this.at(node);
        for (const s of steps) {
          if (s.do === 'kill') Object.assign(n, { running: false, tcpdump: false, vip: false });
          if (s.do === 'start') n.running = true;
          if (s.do === 'pause') n.paused = true;
          if (s.do === 'unpause') n.paused = false;
          if (s.do === 'cpu-limit') {
            n.cpuRecord ??= { cpus: n.cpus };
            n.cpus = s.cpus;
          }
          if (s.do === 'cpu-restore' && n.cpuRecord) {
            n.cpus = n.cpuRecord.cpus;
            n.cpuRecord = undefined;
          }
        }
        return Promise.resolve();
      },
      startRogue: (rogue) => {
        record({ op: 'startRogue', rogue });
        this.nodes.set(rogue.name, freshNode());
        return Promise.resolve();
      },
      removeRogue: (name) => {
        record({ op: 'removeRogue', name });
        this.nodes.delete(name);
        return Promise.resolve();
      },
      startFlood: (flood) => {
        record({ op: 'startFlood', name: flood.name, pps: flood.pps });
        return Promise.resolve();
      },
      stopFlood: (name) => {
        record({ op: 'stopFlood', name });
        return Promise.resolve(null);
      },
      status: notUsed('status'),
      probeOnce: notUsed('probeOnce'),
      waitReady: notUsed('waitReady'),
      waitVipOwner: notUsed('waitVipOwner'),
      down: notUsed('down'),
      [Symbol.asyncDispose]: () => Promise.resolve(),
    };
  }
}

/** A session that hands out the fake lab, with a controllable interrupt. */
export function fakeSession(lab: StartedLab): DriverSession & { abort(reason: string): void } {
  const controller = new AbortController();
  const images: LabImages = {
    web: 'chaos/web:test',
    mysql: 'chaos/mysql:test',
    prober: 'chaos/prober:test',
  };
  return {
    acquire: (_spec: LabSpec) => Promise.resolve({ lab, fresh: true }),
    images,
    signal: controller.signal,
    get interrupted() {
      return controller.signal.aborted;
    },
    abort: (reason) => controller.abort(reason),
  };
}
