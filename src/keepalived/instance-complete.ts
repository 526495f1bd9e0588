/**
 * The end of a `vrrp_instance`: the defaults and consistency rules keepalived applies once the
 * whole file is read (vrrp.c vrrp_complete_instance()), which is where most of its surprises
 * live, turning the draft into an InstanceConfig.
 */
import { INSTANCE_DEFAULTS } from '../vrrp/config';
import type { InstanceConfig, TrackScriptRef, VrrpVersion } from '../vrrp/config';
import type { DiagnosticSink, Position } from './diagnostics';
import { PRIO_OWNER } from './instance-draft';
import type { InstanceDraft } from './instance-draft';
import type { GlobalDefs } from './types';

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

  checkRequired(d, { name, at, strict, version, sink });
  const { priority, state } = priorityAndState(d, { name, at, strict, sink });
  let initialState = state;

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

/** What completing one instance needs to name and report. */
interface Completing {
  name: string;
  at: Position;
  strict: boolean;
  sink: DiagnosticSink;
}

/** virtual_router_id and interface are required; a VIP is (VRRPv3, strict mode) or should be. */
function checkRequired(d: InstanceDraft, c: Completing & { version: VrrpVersion }): void {
  const { name, at, sink } = c;
  if (d.vrid === undefined && !d.vridGiven) {
    sink.error(at, `vrrp_instance ${name}: virtual_router_id is required`);
  }
  if (d.interface === undefined) sink.error(at, `vrrp_instance ${name}: interface is required`);

  if (d.vips.length === 0 && !d.vipsGiven) {
    const message = `vrrp_instance ${name}: no virtual_ipaddress`;
    if (c.version === 3 || c.strict)
      sink.error(at, `${message}; VRRPv3 and strict mode need at least one`);
    else sink.warn(at, `${message}; at least one is sensible`);
  }
}

/** The priority and the initial state, each derived from the other when not given. */
function priorityAndState(
  d: InstanceDraft,
  { name, at, strict, sink }: Completing,
): { priority: number; state: 'MASTER' | 'BACKUP' } {
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
  return { priority, state: initialState };
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
