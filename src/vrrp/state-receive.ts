/**
 * A received datagram: the receive checks (RFC 5798 7.1, keepalived vrrp_check_packet), then
 * what a backup and what a master do with a valid advert.
 */
import { DecodeError } from '../errors';
import type { VipConfig } from './config';
import { VRRP_TTL, ipToNumber, isMulticast, vridOctet } from './ipv4';
import {
  AUTH_IP_AH,
  AUTH_NONE,
  AUTH_SIMPLE_TEXT,
  advertIntervalMs,
  decodeVrrpDatagram,
  passwordAuthData,
  type VrrpPacket,
} from './packet';
import { becomeBackup, count, drop, sendAdvert, setTimer } from './state-effects';
import type { DropReason, RouterState, VrrpEffect } from './router-state';
import { PRIORITY_OWNER, PRIORITY_STOP, masterDownInterval, skewTime } from './router-state';

const DECODE_REASONS: Record<string, DropReason> = {
  VRRP_BAD_CHECKSUM: 'checksum',
  VRRP_BAD_VERSION: 'version',
  VRRP_BAD_TYPE: 'type',
  VRRP_BAD_LENGTH: 'length',
  VRRP_TRUNCATED: 'length',
  VRRP_BAD_VRID: 'vrid',
};

/** Receive checks (RFC 5798 7.1, keepalived vrrp_check_packet), then the state's rules. */
export function onPacket(
  st: RouterState,
  datagram: Uint8Array,
  now: number,
  fx: VrrpEffect[],
): void {
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
      // keepalived finds the instance by the VRID octet before it checks the packet, so even a
      // broken one for our VRID (bad checksum, cut short) restarts a master's advert timer, as
      // below (measured on keepalived 2.2.7: test/e2e/fault-malformed.test.ts).
      if (st.state === 'MASTER' && vridOctet(datagram) === st.config.vrid)
        setTimer(st, 'advert', now + st.config.advertIntervalMs, fx);
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
