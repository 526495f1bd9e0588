/**
 * The Docker driver's floods of broken VRRP (malformed-adverts): the sender started, each web
 * node's receive-check counters read before and after (chaos-vrrpd: SIGUSR2 writes its stats
 * file; keepalived: SIGUSR2 writes /tmp/keepalived.stats), the sender's counts read when it is
 * stopped. The difference is what each daemon dropped during the flood, by reason.
 */
import type { FloodSpec } from '../../faults';
import {
  keepalivedDrops,
  parseKeepalivedStats,
  KEEPALIVED_UNCOUNTED,
} from '../../keepalived/stats';
import { errorText } from '../../lab/docker-support';
import type { StartedLab } from '../../lab/lab';
import type { LabSpec } from '../../lab/lab-spec';
import { ReceiveCheckLog, counterDelta, type ReceiveChecks } from '../../run/receive-checks';

/** chaos-vrrpd's stats file (written on SIGUSR2; src/daemon/main.ts). */
export const VRRPD_STATS_FILE = '/run/chaos-vrrpd/stats.json';

const CHAOS_STATS = `rm -f ${VRRPD_STATS_FILE}; pkill -USR2 -f '/opt/chaos/dist/src/daemon/[m]ain.js'; for i in $(seq 1 20); do [ -s ${VRRPD_STATS_FILE} ] && break; sleep 0.1; done; cat ${VRRPD_STATS_FILE}`;
const KEEPALIVED_STATS = `rm -f /tmp/keepalived.stats; pkill -USR2 -o -x keepalived; for i in $(seq 1 20); do [ -s /tmp/keepalived.stats ] && break; sleep 0.1; done; sleep 0.1; cat /tmp/keepalived.stats`;

/** chaos-vrrpd's stats file: the drops by reason of its instance of `vrid`. */
export function vrrpdDrops(text: string, vrid: number): Record<string, number> {
  const parsed = JSON.parse(text) as {
    instances?: { vrid?: number; drops?: Record<string, number> }[];
  };
  const inst = parsed.instances?.find((i) => i.vrid === vrid);
  if (!inst) throw new Error(`no instance with VRID ${vrid} in ${VRRPD_STATS_FILE}`);
  return { ...(inst.drops ?? {}) };
}

/** keepalived's stats: the drops by reason of the instance whose name the config gives. */
function keepalivedInstanceDrops(text: string): Record<string, number> {
  const all = parseKeepalivedStats(text);
  if (all.length === 0) throw new Error('empty /tmp/keepalived.stats');
  return all.map(keepalivedDrops).reduce((a, b) => {
    for (const [k, v] of Object.entries(b)) a[k] = (a[k] ?? 0) + v;
    return a;
  }, {});
}

interface Running {
  flood: FloodSpec;
  startedAt: number;
  before: Map<string, Record<string, number> | Error>;
}

export class DockerFloods {
  private readonly running = new Map<string, Running>();
  private readonly log = new ReceiveCheckLog();

  constructor(
    private readonly spec: LabSpec,
    private readonly now: () => number,
  ) {}

  private web(): { name: string; daemon: 'chaos-vrrpd' | 'keepalived' }[] {
    return this.spec.nodes
      .filter((n) => n.role === 'web')
      .map((n) => ({
        name: n.name,
        daemon: n.vrrp === 'keepalived' ? 'keepalived' : 'chaos-vrrpd',
      }));
  }

  private async counters(lab: StartedLab): Promise<Map<string, Record<string, number> | Error>> {
    const out = new Map<string, Record<string, number> | Error>();
    await Promise.all(
      this.web().map(async ({ name, daemon }) => {
        try {
          const r = await lab.exec(
            name,
            ['sh', '-c', daemon === 'keepalived' ? KEEPALIVED_STATS : CHAOS_STATS],
            10000,
          );
          out.set(
            name,
            daemon === 'keepalived'
              ? keepalivedInstanceDrops(r.stdout)
              : vrrpdDrops(r.stdout, this.spec.vrid),
          );
        } catch (error) {
          out.set(name, error instanceof Error ? error : new Error(String(error)));
        }
      }),
    );
    return out;
  }

  /** The flood's names still running (the driver's stop removes them). */
  names(): string[] {
    return [...this.running.keys()];
  }

  async start(lab: StartedLab, flood: FloodSpec, image: string): Promise<void> {
    if (this.running.has(flood.name)) return;
    const before = await this.counters(lab);
    this.running.set(flood.name, { flood, startedAt: this.now(), before });
    await lab.startFlood({ ...flood, image });
  }

  /** Stops the sender (its counts read), then reads the counters again. Idempotent. */
  async stop(lab: StartedLab, name: string): Promise<void> {
    const counts = await lab.stopFlood(name);
    const run = this.running.get(name);
    if (!run) return;
    this.running.delete(name);
    const sent = counts
      ? ((JSON.parse(counts) as { sent?: Record<string, number> }).sent ?? {})
      : {};
    this.log.addSent({
      sender: name,
      address: run.flood.address,
      pps: run.flood.pps,
      seconds: (this.now() - run.startedAt) / 1000,
      kinds: run.flood.packets.map((p) => ({
        kind: p.kind,
        reason: p.reason,
        sent: sent[p.kind] ?? 0,
      })),
    });
    // Let the last frames the sender queued reach the daemons before counting.
    await new Promise((r) => setTimeout(r, 200));
    const after = await this.counters(lab);
    for (const { name: node, daemon } of this.web()) {
      const b = run.before.get(node);
      const a = after.get(node);
      const uncounted = daemon === 'keepalived' ? [...KEEPALIVED_UNCOUNTED] : [];
      if (b instanceof Error || a instanceof Error || !a)
        this.log.addNode({
          node,
          daemon,
          counters: {},
          uncounted,
          error: errorText(
            b instanceof Error ? b : a instanceof Error ? a : new Error('no counters'),
          ),
        });
      else this.log.addNode({ node, daemon, counters: counterDelta(b ?? {}, a), uncounted });
    }
  }

  result(): ReceiveChecks | null {
    return this.log.result();
  }
}
