/**
 * The state of one VRRP instance for the state machine (state-machine.ts): the state, the
 * inputs and the effects as types, the initial state, and what the state implies (its
 * Master_Down_Interval and Skew_Time, the priority the track scripts give, FAULT or not).
 */
import type { InstanceConfig, VipConfig } from './config';
import type { VrrpPacket } from './packet';
import { masterDownIntervalMs, skewTimeMs } from './timers';

export type VrrpStateName = 'INIT' | 'BACKUP' | 'MASTER' | 'FAULT' | 'STOPPED';

/** Priority of the address owner (RFC 5798 5.2.4). */
export const PRIORITY_OWNER = 255;
/** Priority a master sends when it stops being master (RFC 5798 5.2.4). */
export const PRIORITY_STOP = 0;

/** Why a received packet was not processed. Each is counted in `RouterState.counters`. */
export type DropReason =
  | 'ttl'
  | 'checksum'
  | 'version'
  | 'type'
  | 'length'
  | 'auth-type'
  | 'auth'
  | 'vrid'
  | 'interval'
  | 'address-list'
  | 'malformed'
  | 'own'
  | 'not-running';

export type TimerName =
  'master-down' | 'advert' | 'garp-delay' | 'garp-refresh' | `script:${string}`;

/**
 * A tracked script's standing. keepalived starts a script in `init` (no result yet: weights not
 * applied, a weight-0 script holds the instance in FAULT); the first result of either kind is
 * taken at once; after that `fall` consecutive failures make an OK script FAILED and `rise`
 * consecutive successes make a FAILED one OK (vrrp_script_child_thread).
 */
export interface ScriptStatus {
  status: 'init' | 'ok' | 'failed';
  /** Consecutive results against the current status (failures while ok, successes while failed). */
  streak: number;
  running: boolean;
}

export interface RouterState {
  readonly config: InstanceConfig;
  /** Our primary address: the source of our adverts, compared on equal priority. */
  readonly address: string;
  state: VrrpStateName;
  /** Base priority adjusted by track scripts (RFC: Priority). */
  effectivePriority: number;
  /** v3: the master's interval, learned from its adverts; v2: our configured interval. */
  masterAdverIntervalMs: number;
  /** Absolute deadlines of the running timers. */
  timers: Partial<Record<TimerName, number>>;
  scripts: Record<string, ScriptStatus>;
  /** The interface is up (a down interface is FAULT). */
  interfaceUp: boolean;
  /** The address of the router we last heard as master (undefined when unknown or us). */
  masterAddress: string | undefined;
  /** preempt_delay: when set, a lower-priority master is tolerated until this time. */
  preemptAt: number | undefined;
  /** IPv4 identification of the next datagram we send. */
  ipId: number;
  counters: Record<string, number>;
}

export type VrrpInput =
  | { kind: 'start'; now: number }
  | { kind: 'timer'; timer: TimerName; now: number }
  /** An IPv4 datagram carrying protocol 112 received on the instance's interface. */
  | { kind: 'packet'; now: number; datagram: Uint8Array }
  | { kind: 'script-result'; name: string; ok: boolean; now: number }
  | { kind: 'interface'; up: boolean; now: number }
  /** SIGTERM: leave gracefully. */
  | { kind: 'shutdown'; now: number };

export type TransitionReason =
  | 'startup'
  | 'owner-startup'
  | 'master-down-timer'
  | 'higher-priority-advert'
  | 'equal-priority-higher-address'
  | 'fault'
  | 'fault-cleared'
  | 'shutdown';

export type VrrpEffect =
  | { kind: 'set-timer'; timer: TimerName; at: number }
  | { kind: 'clear-timer'; timer: TimerName }
  /** An encoded IPv4 datagram to send; `packet` is its VRRP content, for logs. */
  | { kind: 'send'; dst: string; datagram: Uint8Array; packet: VrrpPacket }
  | { kind: 'add-vips'; vips: VipConfig[] }
  | { kind: 'remove-vips'; vips: VipConfig[] }
  /** Send `count` gratuitous ARPs for each VIP. */
  | { kind: 'garp'; vips: VipConfig[]; count: number }
  | { kind: 'run-script'; name: string; command: string; timeoutMs: number }
  | {
      kind: 'transition';
      from: VrrpStateName;
      to: VrrpStateName;
      reason: TransitionReason;
      priority: number;
    }
  /** Run a notify script: `command` with keepalived's arguments. */
  | { kind: 'notify'; command: string; args: string[] }
  | { kind: 'priority-change'; from: number; to: number }
  | { kind: 'drop'; reason: DropReason; detail: string; from?: string };

export type StepResult = [RouterState, VrrpEffect[]];

/** The initial state of a router; nothing runs until a `start` input. */
export function initialState(config: InstanceConfig, address: string): RouterState {
  const scripts: Record<string, ScriptStatus> = {};
  for (const t of config.trackScripts) {
    scripts[t.name] = { status: t.script.initFail ? 'failed' : 'init', streak: 0, running: false };
  }
  const st: RouterState = {
    config,
    address: config.unicastSrcIp ?? address,
    state: 'INIT',
    effectivePriority: config.priority,
    masterAdverIntervalMs: config.advertIntervalMs,
    timers: {},
    scripts,
    interfaceUp: true,
    masterAddress: undefined,
    preemptAt: undefined,
    ipId: 0,
    counters: {},
  };
  st.effectivePriority = computePriority(st);
  return st;
}

/** Master_Down_Interval for this router now. */
export function masterDownInterval(st: RouterState): number {
  return masterDownIntervalMs(st.config.version, st.effectivePriority, st.masterAdverIntervalMs);
}

export function skewTime(st: RouterState): number {
  return skewTimeMs(st.config.version, st.effectivePriority, st.masterAdverIntervalMs);
}

/** The priority the track scripts give: base plus weights, clamped to 1..254 (not the owner's). */
export function computePriority(st: RouterState): number {
  const base = st.config.priority;
  if (base === PRIORITY_OWNER) return base; // keepalived never changes an address owner's priority
  let p = base;
  for (const t of st.config.trackScripts) {
    const s = st.scripts[t.name];
    if (!s) continue;
    if (t.weight > 0 && s.status === 'ok') p += t.weight;
    if (t.weight < 0 && s.status === 'failed') p += t.weight;
  }
  return Math.min(254, Math.max(1, p));
}

/** A failing weight-0 script or a down interface puts the instance in FAULT. */
export function faulty(st: RouterState): boolean {
  if (!st.interfaceUp) return true;
  // A weight-0 script holds the instance in FAULT while failed and until its first result.
  return st.config.trackScripts.some((t) => t.weight === 0 && st.scripts[t.name]?.status !== 'ok');
}
