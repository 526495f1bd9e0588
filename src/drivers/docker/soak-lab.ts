/**
 * What a soak looks at in the Docker lab, given the started lab: each web node's VRRP daemon
 * (one `docker exec` per node: the pid vrrp-start recorded, its VmRSS and its /proc stat line,
 * and those of its children), each web node's rules and processes (for the audit), the rogue and
 * flood containers still up, and the labelled resources this process still owns. The analysis
 * is pure (src/explore/soak-samples.ts, soak-audit.ts).
 *
 * soakSession(): the session as the soak's DockerDrivers see it: the first piece brings the lab
 * up (or attaches), later pieces get the same lab as it is, without the VRRP reset a suite does
 * between scenarios, so that each daemon runs through the whole soak.
 */
import type { StartedLab } from '../../lab/docker-lab';
import { LABEL, type LabelledResource } from '../../lab/labels';
import type { LabSpec } from '../../lab/lab-spec';
import { parseSnapshot, type NodeSnapshot } from '../../explore/soak-audit';
import { parseDaemonReading, type DaemonReading } from '../../explore/soak-samples';
import type { AcquiredLab } from './session';
import type { DriverSession } from './driver';

/** The daemon of a web node: vrrp-lib.sh's record, the main pid's and its children's /proc. */
export const SAMPLE_SCRIPT = [
  '. /opt/chaos/bin/vrrp-lib.sh',
  'pid=$(vrrp_pid); [ -n "$pid" ] || exit 0',
  'echo "impl $(vrrp_impl)"; echo "pid $pid"; echo "ticks $(getconf CLK_TCK)"',
  'for p in $pid $(pgrep -P "$pid"); do',
  '  s=$(cat /proc/$p/stat 2>/dev/null) || continue',
  '  echo "proc $p $(awk \'/^VmRSS:/{print $2}\' /proc/$p/status 2>/dev/null) $s"',
  'done',
].join('\n');

/** Marks the snapshot's own shell and ps, which are not the node's processes. */
const MARKER = 'chaos-soak-snapshot';

export const SNAPSHOT_SCRIPT = [
  `: ${MARKER}`,
  'echo "## rules"; iptables -S 2>&1; tc qdisc show 2>/dev/null',
  `echo "## processes"; ps -eo args= | grep -v -e '${MARKER}' -e '^ps -eo'`,
].join('\n');

/** How long one reading may take (a CPU-starved node answers slowly; a frozen one never). */
const EXEC_TIMEOUT_MS = 5000;

export class DockerSoakProbe {
  constructor(private readonly lab: StartedLab) {}

  private get web(): string[] {
    return this.lab.spec.nodes.filter((n) => n.role === 'web').map((n) => n.name);
  }

  /** Each web node's daemon now; a node that does not answer (off, frozen) has none. */
  async daemons(): Promise<{ node: string; reading: DaemonReading }[]> {
    const got = await Promise.all(
      this.web.map(async (node) => {
        try {
          const r = await this.lab.exec(node, ['sh', '-c', SAMPLE_SCRIPT], EXEC_TIMEOUT_MS);
          const reading = parseDaemonReading(r.stdout);
          return reading ? [{ node, reading }] : [];
        } catch {
          return [];
        }
      }),
    );
    return got.flat();
  }

  /** Each web node's rules and processes (a node that does not answer is left out). */
  async snapshots(): Promise<NodeSnapshot[]> {
    const got = await Promise.all(
      this.web.map(async (node) => {
        try {
          const r = await this.lab.exec(node, ['sh', '-c', SNAPSHOT_SCRIPT], 15_000);
          return [parseSnapshot(node, r.stdout, MARKER)];
        } catch {
          return [];
        }
      }),
    );
    return got.flat();
  }
}

/** Rogue routers and flood senders of this lab still up (a heal removes each). */
export function helperContainers(resources: readonly LabelledResource[]): string[] {
  return resources
    .filter((r) => r.kind === 'container' && r.labels[LABEL.role] === 'rogue')
    .map((r) => r.name);
}

/** Resources labelled as this process's. */
export function ownedBy(resources: readonly LabelledResource[], pid: number): string[] {
  return resources
    .filter((r) => r.labels[LABEL.ownerPid] === String(pid))
    .map((r) => `${r.kind} ${r.name}`);
}

/**
 * The session for a soak's pieces: the first acquire goes to the session (and `onLab` sees the
 * lab before any capture or fault); later ones return that lab untouched.
 */
export function soakSession(
  session: DriverSession,
  onLab: (lab: StartedLab) => Promise<void>,
): DriverSession {
  let first: AcquiredLab | undefined;
  return {
    get images() {
      return session.images;
    },
    get signal() {
      return session.signal;
    },
    get interrupted() {
      return session.interrupted;
    },
    acquire: async (spec: LabSpec): Promise<AcquiredLab> => {
      if (first) return { lab: first.lab, fresh: false };
      first = await session.acquire(spec);
      await onLab(first.lab);
      return first;
    },
  };
}
