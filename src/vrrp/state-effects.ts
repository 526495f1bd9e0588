/**
 * Helpers of the state machine that mutate the working copy `st` and push effects: counters,
 * timers, transitions (with their notify scripts), adverts, and becoming or leaving master
 * and backup.
 */
import type { InstanceConfig } from './config';
import { VRRP_MULTICAST } from './ipv4';
import {
  AUTH_IP_AH,
  AUTH_NONE,
  AUTH_SIMPLE_TEXT,
  encodeVrrpDatagram,
  passwordAuthData,
  type VrrpPacket,
} from './packet';
import { PRIORITY_STOP, masterDownInterval } from './router-state';
import type {
  DropReason,
  RouterState,
  TimerName,
  TransitionReason,
  VrrpEffect,
  VrrpStateName,
} from './router-state';

export function count(st: RouterState, key: string): void {
  st.counters[key] = (st.counters[key] ?? 0) + 1;
}

export function setTimer(st: RouterState, timer: TimerName, at: number, fx: VrrpEffect[]): void {
  st.timers[timer] = at;
  fx.push({ kind: 'set-timer', timer, at });
}

export function clearTimer(st: RouterState, timer: TimerName, fx: VrrpEffect[]): void {
  if (st.timers[timer] === undefined) return;
  delete st.timers[timer];
  fx.push({ kind: 'clear-timer', timer });
}

export function clearVrrpTimers(st: RouterState, fx: VrrpEffect[]): void {
  for (const t of ['master-down', 'advert', 'garp-delay', 'garp-refresh'] as const)
    clearTimer(st, t, fx);
}

export function transition(
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

/** The advertisement an instance sends with `priority` (checksum 0: the encoder computes it). */
export function advertPacket(c: InstanceConfig, priority: number): VrrpPacket {
  const addresses = c.vips.map((v) => v.address);
  return c.version === 2
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
}

export function sendAdvert(st: RouterState, priority: number, fx: VrrpEffect[]): void {
  const c = st.config;
  const packet = advertPacket(c, priority);
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

export function becomeMaster(
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

export function leaveMaster(st: RouterState, fx: VrrpEffect[]): void {
  clearTimer(st, 'advert', fx);
  clearTimer(st, 'garp-delay', fx);
  clearTimer(st, 'garp-refresh', fx);
  if (st.config.vips.length > 0) fx.push({ kind: 'remove-vips', vips: st.config.vips });
}

export function becomeBackup(
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

export function drop(
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
