/**
 * The VRRP state machine (RFC 3768 section 6.4, RFC 5798 section 6.4) as keepalived 2.2.7
 * runs it, as a pure function:
 *
 *   step(state, input) -> [nextState, effects]
 *
 * Nothing here touches a clock, a socket or a process. Time comes in with every input
 * (`now`, milliseconds); timers, packets to send, VIP changes, gratuitous ARPs, script runs
 * and notifications go out as effects (plain data) that a driver (the daemon, the simulator)
 * carries out. The driver delivers `timer` inputs when a timer it was asked to set expires;
 * a timer input that no longer matches the state's deadline is stale and ignored.
 *
 * Where keepalived and the RFCs differ, the comment at that place says so.
 */
import { DecodeError } from '../errors';
import type { InstanceConfig, VipConfig } from './config';
import { VRRP_MULTICAST, VRRP_TTL, ipToNumber, isMulticast } from './ipv4';
import {
  AUTH_IP_AH,
  AUTH_NONE,
  AUTH_SIMPLE_TEXT,
  advertIntervalMs,
  decodeVrrpDatagram,
  encodeVrrpDatagram,
  passwordAuthData,
  type VrrpPacket,
} from './packet';
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

/** One step. The input state is not modified. */
export function step(state: RouterState, input: VrrpInput): StepResult {
  if (input.kind === 'packet' && otherVrid(input.datagram, state.config.vrid)) {
    // Fast path: on a shared LAN most adverts belong to other groups. keepalived looks the
    // VRID up before any check and skips unknown ones silently; we leave the state as it is
    // and report the drop as an effect, which the driver counts.
    return [state, OTHER_VRID];
  }
  const st: RouterState = {
    ...state,
    timers: { ...state.timers },
    scripts: { ...state.scripts },
    counters: { ...state.counters },
  };
  const fx: VrrpEffect[] = [];
  switch (input.kind) {
    case 'start':
      onStart(st, input.now, fx);
      break;
    case 'timer':
      onTimer(st, input.timer, input.now, fx);
      break;
    case 'packet':
      onPacket(st, input.datagram, input.now, fx);
      break;
    case 'script-result':
      onScriptResult(st, input.name, input.ok, input.now, fx);
      break;
    case 'interface':
      st.interfaceUp = input.up;
      reconcileFault(st, input.now, fx);
      break;
    case 'shutdown':
      onShutdown(st, fx);
      break;
  }
  return [st, fx];
}

const OTHER_VRID: VrrpEffect[] = Object.freeze([
  Object.freeze({ kind: 'drop', reason: 'vrid', detail: 'VRID is not ours' }),
]) as VrrpEffect[];

/** The VRID octet of a well-formed VRRP datagram differs from ours (malformed: false). */
function otherVrid(datagram: Uint8Array, vrid: number): boolean {
  if (datagram.length < 20) return false;
  const offset = (datagram[0]! & 0x0f) * 4 + 1;
  return offset < datagram.length && datagram[offset]! !== vrid && datagram[offset]! !== 0;
}

// ---------------------------------------------------------------------------------------------
// Helpers that mutate the working copy `st` and push effects.

function count(st: RouterState, key: string): void {
  st.counters[key] = (st.counters[key] ?? 0) + 1;
}

function setTimer(st: RouterState, timer: TimerName, at: number, fx: VrrpEffect[]): void {
  st.timers[timer] = at;
  fx.push({ kind: 'set-timer', timer, at });
}

function clearTimer(st: RouterState, timer: TimerName, fx: VrrpEffect[]): void {
  if (st.timers[timer] === undefined) return;
  delete st.timers[timer];
  fx.push({ kind: 'clear-timer', timer });
}

function clearVrrpTimers(st: RouterState, fx: VrrpEffect[]): void {
  for (const t of ['master-down', 'advert', 'garp-delay', 'garp-refresh'] as const)
    clearTimer(st, t, fx);
}

function transition(
  st: RouterState,
  to: VrrpStateName,
  reason: TransitionReason,
  fx: VrrpEffect[],
): void {
  const from = st.state;
  if (from === to) return;
  st.state = to;
  fx.push({ kind: 'transition', from, to, reason, priority: st.effectivePriority });
  if (to === 'MASTER') count(st, 'become-master');
  if (from === 'MASTER') count(st, 'release-master');
  const n = st.config.notify;
  const specific =
    to === 'MASTER'
      ? n.master
      : to === 'BACKUP'
        ? n.backup
        : to === 'FAULT'
          ? n.fault
          : to === 'STOPPED'
            ? n.stop
            : undefined;
  if (specific) fx.push({ kind: 'notify', command: specific, args: [] });
  // keepalived's generic notify: script INSTANCE name STATE priority (STATE is STOP for stopped).
  if (n.any && to !== 'INIT') {
    const word = to === 'STOPPED' ? 'STOP' : to;
    fx.push({
      kind: 'notify',
      command: n.any,
      args: ['INSTANCE', st.config.name, word, String(st.effectivePriority)],
    });
  }
}

function sendAdvert(st: RouterState, priority: number, fx: VrrpEffect[]): void {
  const c = st.config;
  const addresses = c.vips.map((v) => v.address);
  const packet: VrrpPacket =
    c.version === 2
      ? {
          version: 2,
          vrid: c.vrid,
          priority,
          addresses,
          checksum: 0,
          authType:
            c.auth === null ? AUTH_NONE : c.auth.type === 'PASS' ? AUTH_SIMPLE_TEXT : AUTH_IP_AH,
          advertIntervalSec: Math.round(c.advertIntervalMs / 1000),
          authData: c.auth?.type === 'PASS' ? passwordAuthData(c.auth.password) : new Uint8Array(8),
        }
      : {
          version: 3,
          vrid: c.vrid,
          priority,
          addresses,
          checksum: 0,
          maxAdvertIntervalCs: Math.round(c.advertIntervalMs / 10),
        };
  const destinations = c.unicastPeers.length > 0 ? c.unicastPeers : [VRRP_MULTICAST];
  // keepalived pre-increments a per-instance IP ID for every advert (the first is 1, 0 is
  // skipped on wrap) and uses the same ID for every unicast peer.
  st.ipId = (st.ipId + 1) & 0xffff || 1;
  for (const dst of destinations) {
    const datagram = encodeVrrpDatagram(packet, {
      src: st.address,
      dst,
      id: st.ipId,
      v3Checksum: c.v3Checksum,
    });
    // The checksum sits at octets 6-7 of the VRRP message, after the 20-octet IPv4 header.
    const sent = { ...packet, checksum: (datagram[26]! << 8) | datagram[27]! };
    fx.push({ kind: 'send', dst, datagram, packet: sent });
  }
  count(st, 'adverts-sent');
  if (priority === PRIORITY_STOP) count(st, 'priority-zero-sent');
}

function becomeMaster(
  st: RouterState,
  now: number,
  reason: TransitionReason,
  fx: VrrpEffect[],
): void {
  clearTimer(st, 'master-down', fx);
  st.preemptAt = undefined;
  st.masterAddress = undefined;
  transition(st, 'MASTER', reason, fx);
  // keepalived (vrrp_state_become_master): the advert goes out first, then the VIPs are added
  // and the gratuitous ARPs follow in one burst of garp_master_repeat per VIP.
  sendAdvert(st, st.effectivePriority, fx);
  if (st.config.vips.length > 0) {
    fx.push({ kind: 'add-vips', vips: st.config.vips });
    if (st.config.garpMasterRepeat > 0)
      fx.push({ kind: 'garp', vips: st.config.vips, count: st.config.garpMasterRepeat });
    if (st.config.garpMasterDelayMs > 0)
      setTimer(st, 'garp-delay', now + st.config.garpMasterDelayMs, fx);
    if (st.config.garpMasterRefreshMs > 0)
      setTimer(st, 'garp-refresh', now + st.config.garpMasterRefreshMs, fx);
  }
  setTimer(st, 'advert', now + st.config.advertIntervalMs, fx);
}

function leaveMaster(st: RouterState, fx: VrrpEffect[]): void {
  clearTimer(st, 'advert', fx);
  clearTimer(st, 'garp-delay', fx);
  clearTimer(st, 'garp-refresh', fx);
  if (st.config.vips.length > 0) fx.push({ kind: 'remove-vips', vips: st.config.vips });
}

function becomeBackup(
  st: RouterState,
  now: number,
  reason: TransitionReason,
  fx: VrrpEffect[],
  masterAddress?: string,
  downIntervalMs: number = masterDownInterval(st),
): void {
  if (st.state === 'MASTER') leaveMaster(st, fx);
  if (st.state === 'MASTER' || st.state === 'FAULT') st.preemptAt = undefined;
  st.masterAddress = masterAddress;
  transition(st, 'BACKUP', reason, fx);
  setTimer(st, 'master-down', now + downIntervalMs, fx);
}

/** The priority the track scripts give: base plus weights, clamped to 1..254 (not the owner's). */
function computePriority(st: RouterState): number {
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
function faulty(st: RouterState): boolean {
  if (!st.interfaceUp) return true;
  // A weight-0 script holds the instance in FAULT while failed and until its first result.
  return st.config.trackScripts.some((t) => t.weight === 0 && st.scripts[t.name]?.status !== 'ok');
}

// ---------------------------------------------------------------------------------------------
// Inputs

function onStart(st: RouterState, now: number, fx: VrrpEffect[]): void {
  if (st.state !== 'INIT' && st.state !== 'STOPPED') return;
  st.state = 'INIT';
  // Track scripts run at once and then every interval.
  for (const t of st.config.trackScripts) setTimer(st, `script:${t.name}`, now, fx);
  if (faulty(st)) {
    transition(st, 'FAULT', 'fault', fx);
    return;
  }
  // keepalived 2.2.7 (vrrp_init_state) starts every instance in BACKUP; RFC 5798 6.4.1 makes
  // the address owner master at once and everyone else wait Master_Down_Interval.
  //  - `state MASTER` with priority 255: master after 1 us (the timer path);
  //  - `state MASTER` below 255: one interval plus the minimum skew, "to ensure there is no
  //    other master";
  //  - `state BACKUP` (whatever the priority): the full Master_Down_Interval.
  let wait = masterDownInterval(st);
  if (st.config.initialState === 'MASTER') {
    wait =
      st.config.priority === PRIORITY_OWNER
        ? 0.001
        : st.masterAdverIntervalMs + skewTimeMs(st.config.version, 255, st.masterAdverIntervalMs);
  }
  becomeBackup(st, now, 'startup', fx, undefined, wait);
}

function onTimer(st: RouterState, timer: TimerName, now: number, fx: VrrpEffect[]): void {
  const due = st.timers[timer];
  if (due === undefined || now < due) return; // stale or early: ignore
  delete st.timers[timer];
  if (timer.startsWith('script:')) {
    const name = timer.slice('script:'.length);
    const ref = st.config.trackScripts.find((t) => t.name === name);
    if (!ref || st.state === 'STOPPED') return;
    const s = st.scripts[name];
    if (s && !s.running) {
      st.scripts[name] = { ...s, running: true };
      fx.push({
        kind: 'run-script',
        name,
        command: ref.script.script,
        timeoutMs: ref.script.timeoutMs,
      });
    }
    setTimer(st, timer, now + ref.script.intervalMs, fx);
    return;
  }
  switch (timer) {
    case 'master-down':
      if (st.state === 'BACKUP') becomeMaster(st, now, 'master-down-timer', fx);
      return;
    case 'advert':
      if (st.state !== 'MASTER') return;
      sendAdvert(st, st.effectivePriority, fx);
      setTimer(st, 'advert', now + st.config.advertIntervalMs, fx);
      return;
    case 'garp-delay':
      // keepalived: a second burst of gratuitous ARPs garp_master_delay after becoming master.
      if (st.state === 'MASTER')
        fx.push({ kind: 'garp', vips: st.config.vips, count: st.config.garpMasterRepeat });
      return;
    case 'garp-refresh':
      if (st.state !== 'MASTER') return;
      fx.push({ kind: 'garp', vips: st.config.vips, count: 1 });
      setTimer(st, 'garp-refresh', now + st.config.garpMasterRefreshMs, fx);
      return;
  }
}

function drop(
  st: RouterState,
  reason: DropReason,
  detail: string,
  fx: VrrpEffect[],
  from?: string,
): void {
  count(st, `drop:${reason}`);
  fx.push(
    from === undefined ? { kind: 'drop', reason, detail } : { kind: 'drop', reason, detail, from },
  );
}

const DECODE_REASONS: Record<string, DropReason> = {
  VRRP_BAD_CHECKSUM: 'checksum',
  VRRP_BAD_VERSION: 'version',
  VRRP_BAD_TYPE: 'type',
  VRRP_BAD_LENGTH: 'length',
  VRRP_TRUNCATED: 'length',
  VRRP_BAD_VRID: 'vrid',
};

/** Receive checks (RFC 5798 7.1, keepalived vrrp_check_packet), then the state's rules. */
function onPacket(st: RouterState, datagram: Uint8Array, now: number, fx: VrrpEffect[]): void {
  if (st.state !== 'BACKUP' && st.state !== 'MASTER') {
    // keepalived's dispatcher ignores adverts in FAULT and INIT before any check.
    count(st, 'drop:not-running');
    return;
  }
  let decoded;
  try {
    decoded = decodeVrrpDatagram(datagram, { v3Checksum: st.config.v3Checksum });
  } catch (error) {
    if (error instanceof DecodeError) {
      drop(st, DECODE_REASONS[error.code] ?? 'malformed', error.message, fx);
      return;
    }
    throw error;
  }
  const { ip, vrrp: p } = decoded;
  if (ip.src === st.address) {
    count(st, 'drop:own');
    return; // our own multicast looped back
  }
  if (p.vrid !== st.config.vrid) {
    // Other groups share the multicast address; keepalived skips them silently. Counted.
    count(st, 'drop:vrid');
    return;
  }
  const wasMaster = st.state === 'MASTER';
  checkAndProcess(st, ip, p, now, fx);
  // keepalived quirk (vrrp_dispatcher_read): after any packet for its VRID, valid or not, a
  // master that stayed master restarts its advert timer at now + advert_int.
  if (wasMaster && st.state === 'MASTER')
    setTimer(st, 'advert', now + st.config.advertIntervalMs, fx);
}

function checkAndProcess(
  st: RouterState,
  ip: { src: string; dst: string; ttl: number },
  p: VrrpPacket,
  now: number,
  fx: VrrpEffect[],
): void {
  // RFC 5798 7.1: TTL must be 255. keepalived checks it for multicast only (unicast may be routed).
  if (isMulticast(ip.dst) && ip.ttl !== VRRP_TTL) {
    drop(st, 'ttl', `TTL ${ip.ttl} is not 255`, fx, ip.src);
    return;
  }
  if (p.version !== st.config.version) {
    drop(st, 'version', `VRRP version ${p.version}, ours is ${st.config.version}`, fx, ip.src);
    return;
  }
  if (p.version === 2) {
    const ourType =
      st.config.auth === null
        ? AUTH_NONE
        : st.config.auth.type === 'PASS'
          ? AUTH_SIMPLE_TEXT
          : AUTH_IP_AH;
    if (p.authType !== ourType) {
      drop(st, 'auth-type', `auth type ${p.authType}, ours is ${ourType}`, fx, ip.src);
      return;
    }
    if (ourType === AUTH_SIMPLE_TEXT && st.config.auth) {
      // keepalived compares the 8 octets of authentication data.
      const ours = passwordAuthData(st.config.auth.password);
      if (!ours.every((b, i) => p.authData[i] === b)) {
        drop(st, 'auth', 'authentication password mismatch', fx, ip.src);
        return;
      }
    }
    // RFC 3768 7.1 and keepalived: a v2 advert with another interval is discarded.
    if (advertIntervalMs(p) !== st.config.advertIntervalMs) {
      drop(
        st,
        'interval',
        `advert interval ${advertIntervalMs(p)} ms, ours is ${st.config.advertIntervalMs} ms`,
        fx,
        ip.src,
      );
      return;
    }
  }
  // RFC 5798 7.1 says the address list MAY be checked; keepalived drops a mismatch (count or
  // set of addresses).
  if (!sameAddresses(p.addresses, st.config.vips)) {
    drop(
      st,
      'address-list',
      `addresses ${p.addresses.join(',') || '(none)'} do not match ours`,
      fx,
      ip.src,
    );
    return;
  }
  count(st, 'adverts-received');
  if (p.priority === PRIORITY_STOP) count(st, 'priority-zero-received');

  if (st.state === 'BACKUP') onAdvertBackup(st, p, ip.src, now, fx);
  else onAdvertMaster(st, p, ip.src, now, fx);
}

function sameAddresses(addresses: string[], vips: VipConfig[]): boolean {
  if (addresses.length !== vips.length) return false;
  const set = new Set(vips.map((v) => v.address));
  return addresses.every((a) => set.has(a));
}

function onAdvertBackup(
  st: RouterState,
  p: VrrpPacket,
  src: string,
  now: number,
  fx: VrrpEffect[],
): void {
  if (p.priority === PRIORITY_STOP) {
    // RFC 5798 6.4.2: the master is leaving: take over after Skew_Time.
    st.masterAddress = undefined;
    setTimer(st, 'master-down', now + skewTime(st), fx);
    return;
  }
  const lower = p.priority < st.effectivePriority;
  if (!st.config.preempt || !lower) {
    acceptMaster(st, p, src, now, fx);
    return;
  }
  // A lower-priority master and we may preempt.
  if (st.config.preemptDelayMs > 0) {
    // keepalived preempt_delay: tolerate the lower-priority master for preempt_delay after
    // first seeing it, then stop resetting the timer so that it expires and we take over.
    if (st.preemptAt === undefined) st.preemptAt = now + st.config.preemptDelayMs;
    if (now < st.preemptAt) {
      acceptMaster(st, p, src, now, fx);
      return;
    }
  }
  // RFC 5798 6.4.2: discard; the Master_Down_Timer runs out and we become master.
  count(st, 'lower-priority-ignored');
}

function acceptMaster(
  st: RouterState,
  p: VrrpPacket,
  src: string,
  now: number,
  fx: VrrpEffect[],
): void {
  st.masterAddress = src;
  if (p.priority >= st.effectivePriority) st.preemptAt = undefined;
  if (p.version === 3) {
    // RFC 5798 6.4.2: a v3 backup adopts the master's advertisement interval.
    st.masterAdverIntervalMs = advertIntervalMs(p);
  }
  setTimer(st, 'master-down', now + masterDownInterval(st), fx);
}

function onAdvertMaster(
  st: RouterState,
  p: VrrpPacket,
  src: string,
  now: number,
  fx: VrrpEffect[],
): void {
  if (p.priority === PRIORITY_STOP) {
    // RFC 5798 6.4.3: another master is leaving; assert ourselves at once.
    sendAdvert(st, st.effectivePriority, fx);
    setTimer(st, 'advert', now + st.config.advertIntervalMs, fx);
    return;
  }
  if (p.priority === PRIORITY_OWNER && st.effectivePriority === PRIORITY_OWNER) {
    // keepalived: two address owners is a configuration error; it lowers its own priority to
    // 254 and so yields below.
    st.effectivePriority = 254;
    count(st, 'owner-conflict');
  }
  const higher = p.priority > st.effectivePriority;
  const equalHigherAddress =
    p.priority === st.effectivePriority && ipToNumber(src) > ipToNumber(st.address);
  if (higher || equalHigherAddress) {
    if (p.version === 3) st.masterAdverIntervalMs = advertIntervalMs(p);
    becomeBackup(
      st,
      now,
      higher ? 'higher-priority-advert' : 'equal-priority-higher-address',
      fx,
      src,
    );
    return;
  }
  // keepalived (vrrp_state_master_rx): a master hearing a lower priority (or an equal one
  // from a lower address) "forces a new election": it answers at once with its own advert and
  // a burst of gratuitous ARPs (garp_lower_prio_repeat, default garp_master_repeat), again after
  // garp_lower_prio_delay (default garp_master_delay). The RFC just discards the advert.
  count(st, 'lower-priority-answered');
  sendAdvert(st, st.effectivePriority, fx);
  if (st.config.vips.length > 0 && st.config.garpMasterRepeat > 0) {
    fx.push({ kind: 'garp', vips: st.config.vips, count: st.config.garpMasterRepeat });
    if (st.config.garpMasterDelayMs > 0)
      setTimer(st, 'garp-delay', now + st.config.garpMasterDelayMs, fx);
  }
}

function onScriptResult(
  st: RouterState,
  name: string,
  ok: boolean,
  now: number,
  fx: VrrpEffect[],
): void {
  const s = st.scripts[name];
  const ref = st.config.trackScripts.find((t) => t.name === name);
  if (!s || !ref) return;
  const wanted = ok ? 'ok' : 'failed';
  let next: ScriptStatus;
  if (s.status === 'init') {
    next = { status: wanted, streak: 0, running: false };
  } else if (s.status === wanted) {
    next = { status: s.status, streak: 0, running: false };
  } else {
    const streak = s.streak + 1;
    const needed = s.status === 'ok' ? ref.script.fall : ref.script.rise;
    next =
      streak >= needed
        ? { status: wanted, streak: 0, running: false }
        : { status: s.status, streak, running: false };
  }
  st.scripts[name] = next;
  if (next.status === s.status) return;
  count(st, ok ? 'script-ok' : 'script-failed');
  if (st.state === 'STOPPED') return;
  const before = st.effectivePriority;
  const beforeDown = masterDownInterval(st);
  st.effectivePriority = computePriority(st);
  if (st.effectivePriority !== before) {
    fx.push({ kind: 'priority-change', from: before, to: st.effectivePriority });
    // keepalived (vrrp_set_effective_priority): no advert at once (a master sends the new
    // priority with its next advert); a backup shifts its running Master_Down_Timer by the
    // change of Master_Down_Interval.
    const due = st.timers['master-down'];
    if (st.state === 'BACKUP' && due !== undefined) {
      setTimer(st, 'master-down', Math.max(now, due + masterDownInterval(st) - beforeDown), fx);
    }
  }
  reconcileFault(st, now, fx);
}

/** Enter or leave FAULT after an interface or a weight-0 script changed. */
function reconcileFault(st: RouterState, now: number, fx: VrrpEffect[]): void {
  if (st.state === 'INIT' || st.state === 'STOPPED') return;
  const bad = faulty(st);
  if (bad && st.state !== 'FAULT') {
    if (st.state === 'MASTER') {
      // keepalived (vrrp_state_leave_master to FAULT): a priority-0 advert, and a second one
      // from vrrp_restore_interface, when the interface still works; then the VIPs go.
      if (st.interfaceUp) {
        sendAdvert(st, PRIORITY_STOP, fx);
        sendAdvert(st, PRIORITY_STOP, fx);
      }
      leaveMaster(st, fx);
    }
    clearVrrpTimers(st, fx);
    st.masterAddress = undefined;
    transition(st, 'FAULT', 'fault', fx);
    return;
  }
  if (!bad && st.state === 'FAULT') {
    // keepalived (vrrp_state_leave_fault): an owner configured MASTER goes MASTER at once;
    // everyone else (a non-owner `state MASTER` too) goes BACKUP with the configured interval
    // and the full Master_Down_Interval.
    st.masterAdverIntervalMs = st.config.advertIntervalMs;
    if (st.config.priority === PRIORITY_OWNER && st.config.initialState === 'MASTER') {
      becomeMaster(st, now, 'fault-cleared', fx);
    } else {
      becomeBackup(st, now, 'fault-cleared', fx);
    }
  }
}

function onShutdown(st: RouterState, fx: VrrpEffect[]): void {
  if (st.state === 'STOPPED') return;
  if (st.state === 'MASTER') {
    // RFC 5798 6.4.3 / keepalived: send an advert with priority 0, then release the VIPs.
    sendAdvert(st, PRIORITY_STOP, fx);
    leaveMaster(st, fx);
  }
  clearVrrpTimers(st, fx);
  for (const t of st.config.trackScripts) clearTimer(st, `script:${t.name}`, fx);
  st.masterAddress = undefined;
  transition(st, 'STOPPED', 'shutdown', fx);
}

/** Does this router hold the VIPs (MASTER)? */
export function holdsVips(st: RouterState): boolean {
  return st.state === 'MASTER';
}
