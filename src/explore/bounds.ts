/**
 * The bounds the invariants use, from the web nodes' keepalived configs: per node, the instance
 * that serves the lab's VRID and VIP, its priority, advert interval, preemption and
 * Master_Down_Interval (RFC 3768 6.1 / RFC 5798 6.1, src/vrrp/timers.ts). Pure.
 */
import type { LoadedScenario } from '../scenario/loader';
import type { InstanceConfig } from '../vrrp/config';
import { masterDownIntervalMs } from '../vrrp/timers';

export interface NodeBounds {
  node: string;
  address: string;
  priority: number;
  advertMs: number;
  preempt: boolean;
  preemptDelayMs: number;
  /** 3 x advert + skew for this node's priority: how long it waits for a silent master. */
  masterDownMs: number;
  /** A track script with a weight: the effective priority moves, the configured one says little. */
  weighted: boolean;
  /**
   * How long its track scripts may take to pass again once what they check is back: `rise`
   * passing runs, plus one interval for the phase of the first (0 without track scripts).
   */
  recoverMs: number;
}

export interface LabBounds {
  vip: string;
  vrid: number;
  nodes: NodeBounds[];
  /** The longest Master_Down_Interval of the web nodes. */
  masterDownMs: number;
  /** The longest advert interval. */
  advertMs: number;
  /** The longest preempt_delay. */
  preemptDelayMs: number;
  /** Master_Down_Interval plus one advert interval: how long the lab may take to agree again. */
  settleMs: number;
  /** The longest track-script recovery (NodeBounds.recoverMs). */
  recoverMs: number;
}

/** The instance of a node's config that serves the lab's VRID and VIP (the loader checked one does). */
export function labInstance(
  instances: readonly InstanceConfig[],
  vrid: number,
  vip: string,
): InstanceConfig | undefined {
  return instances.find((i) => i.vrid === vrid && i.vips.some((v) => v.address === vip));
}

export function labBounds(loaded: LoadedScenario): LabBounds {
  const { lab } = loaded.scenario;
  const nodes: NodeBounds[] = [];
  for (const n of lab.nodes) {
    if (n.role !== 'web') continue;
    const i = labInstance(loaded.configs[n.name]?.instances ?? [], lab.vrid, lab.vip);
    if (!i) continue;
    nodes.push({
      node: n.name,
      address: n.address,
      priority: i.priority,
      advertMs: i.advertIntervalMs,
      preempt: i.preempt,
      preemptDelayMs: i.preemptDelayMs,
      masterDownMs: masterDownIntervalMs(i.version, i.priority, i.advertIntervalMs),
      weighted: i.trackScripts.some((t) => t.weight !== 0),
      recoverMs: Math.max(
        0,
        ...i.trackScripts.map((t) => t.script.intervalMs * (t.script.rise + 1)),
      ),
    });
  }
  const max = (f: (b: NodeBounds) => number): number => Math.max(0, ...nodes.map(f));
  const masterDownMs = max((b) => b.masterDownMs);
  const advertMs = max((b) => b.advertMs);
  return {
    vip: lab.vip,
    vrid: lab.vrid,
    nodes,
    masterDownMs,
    advertMs,
    preemptDelayMs: max((b) => b.preemptDelayMs),
    settleMs: masterDownMs + advertMs,
    recoverMs: max((b) => b.recoverMs),
  };
}
