/**
 * Who holds the VIP in an `chaos init` lab and how fast it moves, from the configs alone:
 * the election as keepalived 2.2.7 runs it (src/vrrp/state-inputs.ts, state-receive.ts) and the
 * timers of RFC 3768 / RFC 5798 section 6.1 (src/vrrp/timers.ts). Pure.
 *
 * - At start every instance is BACKUP. One with `state MASTER` waits one advert interval plus
 *   the minimum skew, the others their whole Master_Down_Interval, so the `state MASTER` ones
 *   (else those of the highest priority) become master first, and among several the highest
 *   priority, then the highest address, stays master.
 * - A backup with a higher priority that may preempt then takes over.
 * - A master that goes silent is replaced, after the backup's Master_Down_Interval, by the
 *   backup of the highest priority (then address); a master that stops gracefully sends
 *   priority 0 and is replaced after the backup's Skew_Time.
 */
import { ipToNumber } from '../vrrp/ipv4';
import { masterDownIntervalMs, skewTimeMs } from '../vrrp/timers';
import type { InitLab, InitWebNode } from './init-lab';

/** The highest priority, then the highest address (RFC 3768 6.4.3's tie-break). */
export function electionWinner(nodes: readonly InitWebNode[]): InitWebNode {
  const [first, ...rest] = nodes;
  if (!first) throw new RangeError('an election needs a node');
  return rest.reduce(
    (best, n) =>
      n.priority > best.priority ||
      (n.priority === best.priority && ipToNumber(n.address) > ipToNumber(best.address))
        ? n
        : best,
    first,
  );
}

/** Who holds the VIP once the lab has settled. */
export function initialMaster(lab: InitLab): InitWebNode {
  const starters = lab.web.filter((n) => n.instance.initialState === 'MASTER');
  const first = electionWinner(starters.length > 0 ? starters : lab.web);
  const preempting = lab.web.filter((n) => n.priority > first.priority && n.instance.preempt);
  return preempting.length > 0 ? electionWinner(preempting) : first;
}

/** Who takes over from `master`. */
export function takeoverBy(lab: InitLab, master: InitWebNode): InitWebNode {
  return electionWinner(lab.web.filter((n) => n !== master));
}

/** A node's own Master_Down_Interval, as a backup hearing a master of its own advert interval. */
export function ownMasterDownMs(n: InitWebNode): number {
  const i = n.instance;
  return masterDownIntervalMs(i.version, n.priority, i.advertIntervalMs);
}

export interface FailoverBounds {
  master: InitWebNode;
  backup: InitWebNode;
  /**
   * The interval the backup times the master with: VRRPv2 its own advert_int (both must agree),
   * VRRPv3 the master's (Master_Adver_Interval, learned from its adverts).
   */
  intervalMs: number;
  /** Skew_Time: the takeover after the master's priority-0 advert. */
  skewMs: number;
  /** Master_Down_Interval: the takeover after the master's last advert. */
  masterDownMs: number;
}

export function failoverBounds(lab: InitLab): FailoverBounds {
  const master = initialMaster(lab);
  const backup = takeoverBy(lab, master);
  const b = backup.instance;
  const intervalMs = b.version === 3 ? master.instance.advertIntervalMs : b.advertIntervalMs;
  return {
    master,
    backup,
    intervalMs,
    skewMs: skewTimeMs(b.version, backup.priority, intervalMs),
    masterDownMs: masterDownIntervalMs(b.version, backup.priority, intervalMs),
  };
}

/** How long the lab takes to elect its master: the longest start wait, preempt delay, two adverts. */
export function settleMs(lab: InitLab): number {
  return Math.max(
    ...lab.web.map(
      (n) => ownMasterDownMs(n) + n.instance.preemptDelayMs + 2 * n.instance.advertIntervalMs,
    ),
  );
}

/** `ms` rounded up to a multiple of `step`. */
export function ceilTo(ms: number, step: number): number {
  return Math.ceil(ms / step - 1e-9) * step;
}

/**
 * The longest client outage to accept when the VIP moves after `ms`: 10 % and 100 ms more (the
 * gratuitous ARP, the prober's interval), to the next 100 ms.
 */
export function outageBoundMs(ms: number): number {
  return ceilTo(ms * 1.1 + 100, 100);
}
