/**
 * keepalived's statistics file (SIGUSR2, or SIGFUNC=STATS, writes /tmp/keepalived.stats;
 * keepalived(8)): one block per VRRP instance, indented sections of `Name: value` lines, as
 * keepalived 2.2.7's vrrp_print_stats writes them:
 *
 *   VRRP Instance: VI_1
 *     Advertisements:
 *       Received: 12
 *       Sent: 0
 *     Became master: 0
 *     Released master: 0
 *     Packet Errors:
 *       Length: 3
 *       TTL: 3
 *       ...
 *
 * Parsed into counters keyed by section path (`Packet Errors/TTL`), then mapped to the receive
 * checks' reasons our VRRP core uses. Pure; unknown lines are kept under their path.
 */

export interface KeepalivedInstanceStats {
  instance: string;
  /** `Section/Name` (or `Name` at the top) -> value. */
  counters: Record<string, number>;
}

/** The instances' counters, in file order. */
export function parseKeepalivedStats(text: string): KeepalivedInstanceStats[] {
  const out: KeepalivedInstanceStats[] = [];
  let current: KeepalivedInstanceStats | undefined;
  let section: string | undefined;
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\s+$/, '');
    const instance = /^VRRP Instance: (.+)$/.exec(line);
    if (instance) {
      current = { instance: instance[1]!.trim(), counters: {} };
      section = undefined;
      out.push(current);
      continue;
    }
    const m = /^( *)([^:]+):\s*(-?\d+)?$/.exec(line);
    if (!current || !m) continue;
    const indent = m[1]!.length;
    const name = m[2]!.trim();
    if (m[3] === undefined) {
      section = name;
      continue;
    }
    if (indent <= 2) section = undefined;
    current.counters[section === undefined ? name : `${section}/${name}`] = Number(m[3]);
  }
  return out;
}

/** keepalived's receive-error counters as the reasons our VRRP core counts drops by. */
export const KEEPALIVED_REASONS: Readonly<Record<string, string>> = {
  'Packet Errors/Length': 'length',
  'Packet Errors/TTL': 'ttl',
  'Packet Errors/Invalid Type': 'type',
  'Packet Errors/Advertisement Interval': 'interval',
  'Packet Errors/Address List': 'address-list',
  'Authentication Errors/Invalid Type': 'auth-type',
  'Authentication Errors/Type Mismatch': 'auth-type',
  'Authentication Errors/Failure': 'auth',
};

/** Our drop reasons keepalived 2.2.7 has no counter for (it logs them, or skips silently). */
export const KEEPALIVED_UNCOUNTED: readonly string[] = ['checksum', 'version', 'vrid'];

/** An instance's drops by our reasons (keepalived's counters added up where two map to one). */
export function keepalivedDrops(stats: KeepalivedInstanceStats): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [key, value] of Object.entries(stats.counters)) {
    const reason = KEEPALIVED_REASONS[key];
    if (reason !== undefined) out[reason] = (out[reason] ?? 0) + value;
  }
  return out;
}
