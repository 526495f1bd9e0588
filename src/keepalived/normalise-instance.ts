/**
 * `vrrp_instance NAME { ... }`: first each keyword as keepalived/vrrp/vrrp_parser.c reads it
 * (into a draft), then the defaults and consistency rules keepalived applies once the whole file
 * is read (vrrp.c vrrp_complete_instance()), which is where most of its surprises live.
 */
import { INSTANCE_DEFAULTS } from '../vrrp/config';
import type {
  InstanceConfig,
  NotifyConfig,
  TrackScriptRef,
  VrrpScriptConfig,
  VrrpVersion,
} from '../vrrp/config';
import type { DiagnosticSink, Position } from './diagnostics';
import type { Token } from './lexer';
import { KNOWN_INSTANCE } from './keywords';
import { dispatch } from './node-reader';
import type { Handler, NodeReader } from './node-reader';
import type { ConfNode } from './tree';
import type { GlobalDefs, InstanceOptions, KeepalivedVip } from './types';
import { isIpv4, looksIpv6, readInt } from './values';
import { parseVip, validIfName } from './vip';

const UINT_MAX_SECONDS = Math.floor(0xffffffff / 1_000_000);
/** TIMER_MAX_SEC in lib/timer.h. */
const PREEMPT_DELAY_MAX_US = 1000 * 1_000_000;
/** advert_int is read in [0.01 s, 255 s] (vrrp_adv_handler). */
const ADVERT_MIN_US = 10_000;
const ADVERT_MAX_US = 255 * 1_000_000;
const PRIO_OWNER = 255;
/** keepalived's auth_data is 8 bytes (we count characters: passwords are ASCII in practice). */
const AUTH_PASS_MAX = 8;

export interface InstanceDraft {
  nameToken: Token;
  state?: 'MASTER' | 'BACKUP';
  interface?: string;
  vrid?: number;
  /** virtual_router_id was written (even if invalid): no second "is required" error. */
  vridGiven: boolean;
  priority?: number;
  advertUs?: number;
  advertToken?: Token;
  version?: VrrpVersion;
  nopreempt?: Token;
  preemptDelayUs: number;
  preemptDelayToken?: Token;
  auth?: { at: Token; type?: 'PASS' | 'AH'; typeGiven: boolean; password?: string };
  vips: KeepalivedVip[];
  /** virtual_ipaddress was written (even if every entry was invalid): no "no VIP" warning. */
  vipsGiven: boolean;
  unicastPeers: string[];
  /** unicast_peer had entries (even invalid ones). */
  peersGiven: boolean;
  /** The first unicast keyword, when one was written. */
  unicastToken?: Token;
  srcIp?: string;
  trackScripts: TrackScriptRef[];
  /** Where each track_script / track_interface entry was written (same order). */
  trackScriptAt: Token[];
  trackInterfaceAt: Token[];
  notify: NotifyConfig;
  garpMasterRepeat: number;
  garpMasterDelayMs: number;
  garpMasterRefreshMs: number;
  strictMode?: boolean;
  options: InstanceOptions;
}

export interface InstanceScope {
  /** Scripts defined so far: keepalived resolves track_script while reading the instance. */
  scriptsSoFar: ReadonlyMap<string, VrrpScriptConfig>;
  /** Every vrrp_script in the config, for the "defined after the instance" hint. */
  allScripts: ReadonlyMap<string, Token>;
  /** garp defaults are copied from global_defs when the instance is allocated. */
  globals: GlobalDefs;
}

interface Ctx {
  d: InstanceDraft;
  r: NodeReader;
  scope: InstanceScope;
}

/** notify keywords and the NotifyConfig field each sets (the same in vrrp_sync_group). */
export const NOTIFY_KEYS: Readonly<Record<string, keyof NotifyConfig>> = {
  notify_master: 'master',
  notify_backup: 'backup',
  notify_fault: 'fault',
  notify_stop: 'stop',
  notify: 'any',
};

function ipv4(keyword: string, token: Token, r: NodeReader): string | undefined {
  if (looksIpv6(token.text)) {
    r.sink.error(token, `${keyword}: IPv6 address ${token.text} is not supported by chaos`);
    return undefined;
  }
  if (!isIpv4(token.text)) {
    r.sink.error(token, `${keyword}: invalid IP address '${token.text}'`);
    return undefined;
  }
  return token.text;
}

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

/** keepalived accepts weights up to +/-254 but clamps them to +/-253 with a complaint. */
function trackWeight(keyword: string, token: Token, r: NodeReader): number | undefined {
  const read = readInt(token.text, -254, 254);
  if (!read.ok) {
    r.sink.error(token, `${keyword}: weight ${token.text} must be in [-253, 253]`);
    return undefined;
  }
  if (Math.abs(read.value) === 254) {
    r.sink.warn(
      token,
      `${keyword}: weight cannot be ${read.value}, keepalived uses ${Math.sign(read.value) * 253}`,
    );
    return Math.sign(read.value) * 253;
  }
  return read.value;
}

function trackScriptItem(item: ConfNode, { d, r, scope }: Ctx): void {
  const name = item.name.text;
  const script = scope.scriptsSoFar.get(name);
  if (!script) {
    const later = scope.allScripts.get(name);
    r.sink.error(
      item.name,
      later
        ? `track_script: vrrp_script '${name}' is defined after this instance (line ${later.line}); keepalived needs it defined before`
        : `track_script: unknown vrrp_script '${name}'`,
    );
    return;
  }
  if (d.trackScripts.some((t) => t.name === name)) {
    r.sink.warn(
      item.name,
      `track_script: '${name}' is tracked twice; keepalived ignores the second`,
    );
    return;
  }
  let weight = script.weight;
  const [option, value, reverse] = item.args;
  if (option) {
    if (option.text !== 'weight') {
      r.sink.error(
        option,
        `track_script: unknown option '${option.text}' for '${name}' (expected weight)`,
      );
      return;
    }
    if (!value) {
      r.sink.error(option, `track_script: weight without a value for '${name}'`);
      return;
    }
    weight = trackWeight('track_script', value, r) ?? script.weight;
    if (reverse?.text === 'reverse' || reverse?.text === 'noreverse') {
      r.sink.warn(reverse, `track_script: '${reverse.text}' is not modelled by chaos (ignored)`);
    } else if (reverse) {
      r.sink.error(reverse, `track_script: unknown weight option '${reverse.text}' for '${name}'`);
    }
  }
  d.trackScripts.push({ name, weight, script });
  d.trackScriptAt.push(item.name);
}

function trackInterfaceItem(item: ConfNode, { d, r }: Ctx): void {
  const name = item.name.text;
  if (d.options.trackInterfaces.some((t) => t.name === name)) {
    r.sink.warn(
      item.name,
      `track_interface: '${name}' is tracked twice; keepalived ignores the second`,
    );
    return;
  }
  let weight = 0;
  const [option, value] = item.args;
  if (option) {
    if (option.text !== 'weight') {
      r.sink.error(
        option,
        `track_interface: unknown option '${option.text}' for '${name}' (expected weight)`,
      );
      return;
    }
    if (!value) {
      r.sink.error(option, `track_interface: weight without a value for '${name}'`);
      return;
    }
    weight = trackWeight('track_interface', value, r) ?? 0;
  }
  d.options.trackInterfaces.push({ name, weight });
  d.trackInterfaceAt.push(item.name);
}

function unicastPeerItem(item: ConfNode, { d, r }: Ctx): void {
  const ip = ipv4('unicast_peer', item.name, r);
  if (!ip) return;
  for (let i = 0; i < item.args.length; i += 2) {
    const option = item.args[i];
    if (!option) break;
    if (option.text !== 'min_ttl' && option.text !== 'max_ttl') {
      r.sink.error(option, `unicast_peer: unknown option '${option.text}' for ${ip}`);
    } else if (!item.args[i + 1]) {
      r.sink.error(option, `unicast_peer: '${option.text}' needs a value (for ${ip})`);
    } else {
      r.sink.warn(option, `unicast_peer: '${option.text}' is not modelled by chaos (ignored)`);
    }
  }
  d.unicastPeers.push(ip);
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

/** The sync group an instance is in, as far as tracking weights go. */
export interface SyncMembership {
  group: string;
  /** sync_group_tracking_weight: members keep their tracking weights. */
  trackingWeight: boolean;
}

/**
 * Apply keepalived's end-of-config defaults and checks (vrrp.c vrrp_complete_instance(), in its
 * order) and build the InstanceConfig.
 */
export function completeInstance(
  d: InstanceDraft,
  globals: GlobalDefs,
  sink: DiagnosticSink,
  sync?: SyncMembership,
): InstanceConfig {
  const name = d.nameToken.text;
  const at: Position = d.nameToken;
  const strict = d.strictMode ?? globals.vrrpStrict;
  const version: VrrpVersion = d.version ?? globals.vrrpVersion;

  if (d.vrid === undefined && !d.vridGiven) {
    sink.error(at, `vrrp_instance ${name}: virtual_router_id is required`);
  }
  if (d.interface === undefined) sink.error(at, `vrrp_instance ${name}: interface is required`);

  if (d.vips.length === 0 && !d.vipsGiven) {
    const message = `vrrp_instance ${name}: no virtual_ipaddress`;
    if (version === 3 || strict)
      sink.error(at, `${message}; VRRPv3 and strict mode need at least one`);
    else sink.warn(at, `${message}; at least one is sensible`);
  }

  // No priority: keepalived derives it from the state (MASTER means address owner, 255).
  const priority = d.priority ?? (d.state === 'MASTER' ? PRIO_OWNER : INSTANCE_DEFAULTS.priority);
  // No state: derived from the priority.
  let initialState = d.state ?? (priority === PRIO_OWNER ? 'MASTER' : 'BACKUP');
  if (d.state && strict && (initialState === 'MASTER') !== (priority === PRIO_OWNER)) {
    initialState = priority === PRIO_OWNER ? 'MASTER' : 'BACKUP';
    sink.warn(
      at,
      `vrrp_instance ${name}: strict mode: state MASTER needs priority 255 (address owner); keepalived uses ${initialState}`,
    );
  }

  const auth = completeAuth(d, { name, strict, version, priority, sink });
  if (auth?.type === 'AH' && initialState === 'MASTER' && priority !== PRIO_OWNER) {
    sink.warn(
      d.auth?.at ?? at,
      `vrrp_instance ${name}: initial state MASTER does not work with AH authentication; keepalived uses BACKUP`,
    );
    initialState = 'BACKUP';
  }

  if (d.unicastToken && !d.peersGiven) {
    sink.warn(
      d.unicastToken,
      `vrrp_instance ${name}: unicast configured without unicast_peer; keepalived falls back to multicast (deprecated)`,
    );
  }

  const { preempt, preemptDelayUs } = completePreempt(d, {
    name,
    initialState,
    priority,
    strict,
    sink,
  });

  const instance: InstanceConfig = {
    name,
    interface: d.interface ?? '',
    vrid: d.vrid ?? 0,
    version,
    priority,
    advertIntervalMs: advertIntervalMs(d, version, name, sink),
    initialState,
    preempt,
    preemptDelayMs: Math.round(preemptDelayUs / 1000),
    auth,
    vips: d.vips,
    unicastPeers: d.unicastPeers,
    trackScripts: dropIgnoredWeights(d, priority, sync, sink),
    notify: d.notify,
    garpMasterRepeat: d.garpMasterRepeat,
    garpMasterDelayMs: d.garpMasterDelayMs,
    garpMasterRefreshMs: d.garpMasterRefreshMs,
    v3Checksum: INSTANCE_DEFAULTS.v3Checksum,
  };
  if (d.srcIp !== undefined) instance.unicastSrcIp = d.srcIp;
  return instance;
}

/**
 * nopreempt and preempt_delay only make sense for an instance that starts as BACKUP and can be
 * preempted; keepalived drops them, with a complaint, where they cannot work.
 */
function completePreempt(
  d: InstanceDraft,
  c: {
    name: string;
    initialState: 'MASTER' | 'BACKUP';
    priority: number;
    strict: boolean;
    sink: DiagnosticSink;
  },
): { preempt: boolean; preemptDelayUs: number } {
  const ignored = (at: Position, what: string): void =>
    c.sink.warn(at, `vrrp_instance ${c.name}: ${what}; keepalived ignores it`);
  let preempt = !d.nopreempt;
  if (d.nopreempt && c.priority === PRIO_OWNER) {
    ignored(d.nopreempt, 'nopreempt does not work with priority 255');
    preempt = true;
  } else if (d.nopreempt && c.initialState === 'MASTER') {
    ignored(d.nopreempt, 'nopreempt does not work with state MASTER');
    preempt = true;
  }
  let preemptDelayUs = d.preemptDelayUs;
  const delayAt = d.preemptDelayToken ?? d.nameToken;
  if (preemptDelayUs && c.initialState === 'MASTER') {
    ignored(delayAt, 'preempt_delay does not work with state MASTER');
    preemptDelayUs = 0;
  }
  if (preemptDelayUs && c.strict) {
    ignored(delayAt, 'preempt_delay does not work in strict mode');
    preemptDelayUs = 0;
  }
  if (preemptDelayUs && !preempt) {
    ignored(delayAt, 'preempt_delay does not work with nopreempt');
    preemptDelayUs = 0;
  }
  return { preempt, preemptDelayUs };
}

/**
 * An address owner's priority cannot move, and a sync group's members move together: keepalived
 * drops weighted track_scripts (and weighted track_interfaces of an owner), and zeroes the
 * track_interface weights of sync group members, unless the group has sync_group_tracking_weight.
 */
function dropIgnoredWeights(
  d: InstanceDraft,
  priority: number,
  sync: SyncMembership | undefined,
  sink: DiagnosticSink,
): TrackScriptRef[] {
  const owner = priority === PRIO_OWNER;
  const syncNoWeight = sync !== undefined && !sync.trackingWeight;
  if (!owner && !syncNoWeight) return d.trackScripts;
  const name = d.nameToken.text;
  const why = syncNoWeight
    ? `it is in vrrp_sync_group ${sync.group} (without sync_group_tracking_weight)`
    : 'it is the address owner (priority 255)';
  const kept: TrackScriptRef[] = [];
  d.trackScripts.forEach((t, i) => {
    if (t.weight === 0) {
      kept.push(t);
      return;
    }
    const at = d.trackScriptAt[i] ?? d.nameToken;
    sink.warn(
      at,
      `vrrp_instance ${name}: keepalived ignores track_script ${t.name} with weight ${t.weight} because ${why}`,
    );
  });
  const interfaces = d.options.trackInterfaces;
  d.options.trackInterfaces = [];
  interfaces.forEach((t, i) => {
    const at = d.trackInterfaceAt[i] ?? d.nameToken;
    if (t.weight === 0) {
      d.options.trackInterfaces.push(t);
    } else if (syncNoWeight) {
      sink.warn(
        at,
        `vrrp_instance ${name}: keepalived uses weight 0 for track_interface ${t.name} because ${why}`,
      );
      d.options.trackInterfaces.push({ name: t.name, weight: 0 });
    } else {
      sink.warn(
        at,
        `vrrp_instance ${name}: keepalived ignores track_interface ${t.name} with weight ${t.weight} because ${why}`,
      );
    }
  });
  return kept;
}

function completeAuth(
  d: InstanceDraft,
  c: {
    name: string;
    strict: boolean;
    version: VrrpVersion;
    priority: number;
    sink: DiagnosticSink;
  },
): InstanceConfig['auth'] {
  const auth = d.auth;
  if (!auth) return null;
  if (!auth.type) {
    if (auth.password !== undefined && !auth.typeGiven)
      c.sink.warn(
        auth.at,
        `vrrp_instance ${c.name}: auth_pass without auth_type; keepalived uses no authentication`,
      );
    return null;
  }
  if (c.strict) {
    c.sink.warn(
      auth.at,
      `vrrp_instance ${c.name}: strict mode does not support authentication; keepalived ignores it`,
    );
    return null;
  }
  if (c.version === 3) {
    c.sink.warn(
      auth.at,
      `vrrp_instance ${c.name}: VRRP version 3 does not support authentication; keepalived ignores it`,
    );
    return null;
  }
  if (auth.password === undefined || auth.password === '') {
    c.sink.error(auth.at, `vrrp_instance ${c.name}: auth_type ${auth.type} needs an auth_pass`);
    return null;
  }
  return { type: auth.type, password: auth.password };
}

/**
 * v2 carries whole seconds: keepalived rounds to the nearest second (never below 1 s). v3 carries
 * centiseconds: rounded to 10 ms, at most 40.95 s.
 */
function advertIntervalMs(
  d: InstanceDraft,
  version: VrrpVersion,
  name: string,
  sink: DiagnosticSink,
): number {
  let us = d.advertUs ?? INSTANCE_DEFAULTS.advertIntervalMs * 1000;
  const at: Position = d.advertToken ?? d.nameToken;
  const written = d.advertToken?.text ?? String(us / 1_000_000);
  if (version === 2) {
    if (us % 1_000_000 !== 0) {
      us = Math.max(1_000_000, Math.floor((us + 500_000) / 1_000_000) * 1_000_000);
      sink.warn(
        at,
        `vrrp_instance ${name}: VRRPv2 advert_int must be whole seconds; keepalived rounds ${written} s to ${us / 1_000_000} s`,
      );
    }
  } else if (us >= 4096 * 10_000) {
    us = 4095 * 10_000;
    sink.warn(
      at,
      `vrrp_instance ${name}: VRRPv3 advert_int ${written} s is out of range (below 40.96 s); keepalived uses 40.95 s`,
    );
  } else if (us % 10_000 !== 0) {
    us = Math.max(10_000, Math.floor((us + 5_000) / 10_000) * 10_000);
    sink.warn(
      at,
      `vrrp_instance ${name}: VRRPv3 advert_int must be a multiple of 10 ms; keepalived rounds ${written} s to ${us / 1_000_000} s`,
    );
  }
  return us / 1000;
}
