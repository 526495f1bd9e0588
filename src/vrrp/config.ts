/**
 * The typed, normalised configuration of one VRRP instance as the state machine consumes it.
 * The keepalived.conf parser (src/keepalived) produces these; the simulator and tests build
 * them directly. Times are milliseconds.
 */

export type VrrpVersion = 2 | 3;

/** How a VRRPv3 checksum is computed. keepalived's default includes the IPv4 pseudo-header. */
export type V3ChecksumMode = 'pseudo-header' | 'vrrp-only';

export interface VipConfig {
  /** Dotted quad. */
  address: string;
  /** keepalived's default prefix is /32. */
  prefixLength: number;
  /** Device, when `dev X` was given; otherwise the instance's interface. */
  device?: string;
}

export interface VrrpScriptConfig {
  name: string;
  /** The command line, as keepalived runs it. */
  script: string;
  intervalMs: number;
  /** keepalived: defaults to the interval. */
  timeoutMs: number;
  /** Consecutive failures before the script counts as failed (default 1). */
  fall: number;
  /** Consecutive successes before it counts as OK again (default 1). */
  rise: number;
  /** 0: failure means FAULT. Otherwise added to the priority while OK (>0) or while failed (<0). */
  weight: number;
  /** `init_fail`: the script starts FAILED instead of waiting for its first result. */
  initFail?: boolean;
  user?: string;
}

export interface TrackScriptRef {
  name: string;
  /** weight from the script, or overridden in track_script { name weight N }. */
  weight: number;
  script: VrrpScriptConfig;
}

export interface NotifyConfig {
  master?: string;
  backup?: string;
  fault?: string;
  stop?: string;
  /** `notify`: called with `INSTANCE name STATE priority` on every transition. */
  any?: string;
}

export interface AuthConfig {
  type: 'PASS' | 'AH';
  /** keepalived truncates to 8 characters. */
  password: string;
}

export interface InstanceConfig {
  name: string;
  interface: string;
  vrid: number;
  version: VrrpVersion;
  /** Configured (base) priority, 1..255. */
  priority: number;
  /** v2: whole seconds; v3: a multiple of 10 ms (centiseconds on the wire). */
  advertIntervalMs: number;
  initialState: 'MASTER' | 'BACKUP';
  /** false with `nopreempt`. */
  preempt: boolean;
  preemptDelayMs: number;
  auth: AuthConfig | null;
  vips: VipConfig[];
  /** Unicast peers; empty means multicast to 224.0.0.18. */
  unicastPeers: string[];
  unicastSrcIp?: string;
  trackScripts: TrackScriptRef[];
  notify: NotifyConfig;
  /** Gratuitous ARPs sent on becoming master, per VIP (keepalived default 5). */
  garpMasterRepeat: number;
  /** Delay before the second burst of gratuitous ARPs after becoming master (default 5000 ms, 0 = none). */
  garpMasterDelayMs: number;
  /** Periodic gratuitous ARP refresh while master (0 = off). */
  garpMasterRefreshMs: number;
  v3Checksum: V3ChecksumMode;
}

/** Defaults, as keepalived 2.2.7 has them. */
export const INSTANCE_DEFAULTS = {
  version: 2 as VrrpVersion,
  priority: 100,
  advertIntervalMs: 1000,
  initialState: 'BACKUP' as const,
  preempt: true,
  preemptDelayMs: 0,
  garpMasterRepeat: 5,
  garpMasterDelayMs: 5000,
  garpMasterRefreshMs: 0,
  v3Checksum: 'pseudo-header' as V3ChecksumMode,
  vipPrefixLength: 32,
  scriptIntervalMs: 1000,
  scriptFall: 1,
  scriptRise: 1,
  scriptWeight: 0,
};

/** Build an instance config from a few fields, with keepalived's defaults for the rest. */
export function instanceConfig(
  fields: Partial<InstanceConfig> & Pick<InstanceConfig, 'vrid'>,
): InstanceConfig {
  return {
    name: `VI_${fields.vrid}`,
    interface: 'eth0',
    version: INSTANCE_DEFAULTS.version,
    priority: INSTANCE_DEFAULTS.priority,
    advertIntervalMs: INSTANCE_DEFAULTS.advertIntervalMs,
    initialState: INSTANCE_DEFAULTS.initialState,
    preempt: INSTANCE_DEFAULTS.preempt,
    preemptDelayMs: INSTANCE_DEFAULTS.preemptDelayMs,
    auth: null,
    vips: [],
    unicastPeers: [],
    trackScripts: [],
    notify: {},
    garpMasterRepeat: INSTANCE_DEFAULTS.garpMasterRepeat,
    garpMasterDelayMs: INSTANCE_DEFAULTS.garpMasterDelayMs,
    garpMasterRefreshMs: INSTANCE_DEFAULTS.garpMasterRefreshMs,
    v3Checksum: INSTANCE_DEFAULTS.v3Checksum,
    ...fields,
  };
}
