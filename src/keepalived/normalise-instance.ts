/**
 * `vrrp_instance NAME { ... }`: first each keyword as keepalived/vrrp/vrrp_parser.c reads it
 * (into a draft, here), then the defaults and consistency rules keepalived applies once the
 * whole file is read (vrrp.c vrrp_complete_instance(), in instance-complete.ts), which is where
 * most of its surprises live.
 */
import type { NotifyConfig } from '../vrrp/config';
import type { Ctx, InstanceDraft, InstanceScope } from './instance-draft';
import { PRIO_OWNER } from './instance-draft';
import { ipv4, trackInterfaceItem, trackScriptItem, unicastPeerItem } from './instance-lists';
import type { Token } from './lexer';
import { KNOWN_INSTANCE } from './keywords';
import { dispatch } from './node-reader';
import type { Handler, NodeReader } from './node-reader';
import type { ConfNode } from './tree';
import { parseVip, validIfName } from './vip';

export { completeInstance } from './instance-complete';
export type { SyncMembership } from './instance-complete';
export type { InstanceDraft, InstanceScope } from './instance-draft';

const UINT_MAX_SECONDS = Math.floor(0xffffffff / 1_000_000);
/** TIMER_MAX_SEC in lib/timer.h. */
const PREEMPT_DELAY_MAX_US = 1000 * 1_000_000;
/** advert_int is read in [0.01 s, 255 s] (vrrp_adv_handler). */
const ADVERT_MIN_US = 10_000;
const ADVERT_MAX_US = 255 * 1_000_000;
/** keepalived's auth_data is 8 bytes (we count characters: passwords are ASCII in practice). */
const AUTH_PASS_MAX = 8;

/** notify keywords and the NotifyConfig field each sets (the same in vrrp_sync_group). */
export const NOTIFY_KEYS: Readonly<Record<string, keyof NotifyConfig>> = {
  notify_master: 'master',
  notify_backup: 'backup',
  notify_fault: 'fault',
  notify_stop: 'stop',
  notify: 'any',
};

/** notify_* / notify: the first one given wins, as in keepalived. */
export function readNotify(
  node: ConfNode,
  notify: NotifyConfig,
  key: keyof NotifyConfig,
  r: NodeReader,
): void {
  const command = r.command(node);
  if (command === undefined) return;
  if (notify[key] !== undefined) {
    r.sink.warn(node.name, `${node.name.text}: already given; keepalived keeps the first one`);
  } else {
    notify[key] = command;
  }
}

function srcIpHandler(unicast: boolean): Handler<Ctx> {
  // mcast_src_ip and unicast_src_ip share vrrp_srcip_handler: both set the adverts' source address.
  return (node, { d, r }) => {
    if (unicast) d.unicastToken ??= node.name;
    const token = r.value(node);
    const ip = token && ipv4(node.name.text, token, r);
    if (ip) d.srcIp = ip;
  };
}

const AUTH_HANDLERS: Record<string, Handler<Ctx>> = {
  auth_type: (node, { d, r }) => {
    const token = r.value(node);
    if (!token || !d.auth) return;
    d.auth.typeGiven = true;
    if (token.text === 'PASS' || token.text === 'AH') {
      d.auth.type = token.text;
    } else {
      r.sink.error(
        token,
        `auth_type: unknown authentication type '${token.text}' (expected PASS or AH)`,
      );
    }
  },
  auth_pass: (node, { d, r }) => {
    const token = r.value(node);
    if (!token || !d.auth) return;
    if (token.text.length > AUTH_PASS_MAX) {
      r.sink.warn(
        token,
        `auth_pass: keepalived truncates it to ${AUTH_PASS_MAX} characters ('${token.text.slice(0, AUTH_PASS_MAX)}')`,
      );
    }
    d.auth.password = token.text.slice(0, AUTH_PASS_MAX);
  },
};

const HANDLERS: Record<string, Handler<Ctx>> = {
  state: (node, { d, r }) => {
    const token = r.value(node);
    if (!token) return;
    if (token.text === 'MASTER') d.state = 'MASTER';
    else if (token.text === 'BACKUP') {
      if (d.state === 'MASTER')
        r.sink.warn(token, 'state: previously set to MASTER; keepalived ignores BACKUP');
      else d.state = 'BACKUP';
    } else {
      r.sink.error(token, `state: unknown state '${token.text}' (expected MASTER or BACKUP)`);
    }
  },
  interface: (node, { d, r }) => {
    const token = r.value(node);
    if (token && validIfName('interface', token, r)) d.interface = token.text;
  },
  virtual_router_id: (node, { d, r }) => {
    d.vridGiven = true;
    const vrid = r.unsigned(node, 1, 255);
    if (vrid !== undefined) d.vrid = vrid;
  },
  priority: (node, { d, r }) => {
    const priority = r.unsigned(node, 1, PRIO_OWNER);
    if (priority !== undefined) d.priority = priority;
  },
  advert_int: (node, { d, r }) => {
    const us = r.micros(node, ADVERT_MIN_US, ADVERT_MAX_US);
    if (us === undefined) return;
    d.advertUs = us;
    d.advertToken = node.args[0];
  },
  version: (node, { d, r }) => {
    const v = r.int(node, 2, 3);
    if (v === 2 || v === 3) d.version = v;
  },
  authentication: (node, ctx) => {
    const block = ctx.r.block(node);
    ctx.d.auth ??= { at: node.name, typeGiven: false };
    if (block) dispatch(block, 'authentication', AUTH_HANDLERS, new Set(), ctx, ctx.r.sink);
  },
  virtual_ipaddress: (node, { d, r }) => {
    d.vipsGiven = true;
    for (const item of r.items(node)) {
      const vip = parseVip(item, r);
      if (vip) d.vips.push(vip);
    }
  },
  unicast_src_ip: srcIpHandler(true),
  mcast_src_ip: srcIpHandler(false),
  unicast_peer: (node, ctx) => {
    ctx.d.unicastToken ??= node.name;
    for (const item of ctx.r.items(node)) {
      ctx.d.peersGiven = true;
      unicastPeerItem(item, ctx);
    }
  },
  track_script: (node, ctx) => {
    for (const item of ctx.r.items(node)) trackScriptItem(item, ctx);
  },
  track_interface: (node, ctx) => {
    for (const item of ctx.r.items(node)) trackInterfaceItem(item, ctx);
  },
  nopreempt: (node, { d, r }) => {
    r.noBlock(node);
    d.nopreempt = node.name;
  },
  // Backwards compatibility: `preempt` undoes an earlier `nopreempt`.
  preempt: (node, { d, r }) => {
    r.noBlock(node);
    delete d.nopreempt;
  },
  preempt_delay: (node, { d, r }) => {
    const us = r.micros(node, 0, PREEMPT_DELAY_MAX_US);
    if (us === undefined) return;
    d.preemptDelayUs = us;
    d.preemptDelayToken = node.args[0];
  },
  garp_master_delay: (node, { d, r }) => {
    const seconds = r.unsigned(node, 0, UINT_MAX_SECONDS);
    if (seconds !== undefined) d.garpMasterDelayMs = seconds * 1000;
  },
  garp_master_repeat: (node, { d, r }) => {
    const repeat = r.unsigned(node, 0, 0xffffffff);
    if (repeat === 0)
      r.sink.warn(
        node.args[0] ?? node.name,
        'garp_master_repeat: must be greater than 0, keepalived uses 1',
      );
    if (repeat !== undefined) d.garpMasterRepeat = Math.max(1, repeat);
  },
  garp_master_refresh: (node, { d, r }) => {
    const seconds = r.unsigned(node, 0, 0xffffffff);
    if (seconds !== undefined) d.garpMasterRefreshMs = seconds * 1000;
  },
  ...Object.fromEntries(
    Object.entries(NOTIFY_KEYS).map(([keyword, key]): [string, Handler<Ctx>] => [
      keyword,
      (node, { d, r }) => readNotify(node, d.notify, key, r),
    ]),
  ),
  smtp_alert: (node, { d, r }) => {
    const on = r.flag(node);
    if (on !== undefined) d.options.smtpAlert = on;
  },
  dont_track_primary: (node, { d, r }) => {
    r.noBlock(node);
    d.options.dontTrackPrimary = true;
  },
  strict_mode: (node, { d, r }) => {
    const on = r.flag(node);
    if (on !== undefined) d.strictMode = on;
  },
};

/** Read the statements of one vrrp_instance block into a draft. */
export function readInstance(
  nameToken: Token,
  block: readonly ConfNode[],
  r: NodeReader,
  scope: InstanceScope,
): InstanceDraft {
  const d: InstanceDraft = {
    nameToken,
    vridGiven: false,
    preemptDelayUs: 0,
    vips: [],
    vipsGiven: false,
    unicastPeers: [],
    peersGiven: false,
    trackScripts: [],
    trackScriptAt: [],
    trackInterfaceAt: [],
    notify: {},
    garpMasterRepeat: scope.globals.vrrpGarpMasterRepeat,
    garpMasterDelayMs: scope.globals.vrrpGarpMasterDelayMs,
    garpMasterRefreshMs: scope.globals.vrrpGarpMasterRefreshMs,
    options: { smtpAlert: false, dontTrackPrimary: false, trackInterfaces: [] },
  };
  dispatch(
    block,
    `vrrp_instance ${nameToken.text}`,
    HANDLERS,
    KNOWN_INSTANCE,
    { d, r, scope },
    r.sink,
  );
  return d;
}
