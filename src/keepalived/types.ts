/**
 * The typed, normalised result of parsing a keepalived.conf. Instances are the state machine's
 * own `InstanceConfig` (src/vrrp/config.ts); what keepalived has and the state machine does not
 * use lives beside them. Times are milliseconds.
 */
import type { Diagnostic } from '../errors';
import type {
  InstanceConfig,
  NotifyConfig,
  VipConfig,
  VrrpScriptConfig,
  VrrpVersion,
} from '../vrrp/config';

/** A VIP as keepalived.conf can write it; `label` is kept for generated configs and reports. */
export interface KeepalivedVip extends VipConfig {
  /** `label eth0:1`: the address label (IPv4 only, under 16 characters). */
  label?: string;
}

export interface GlobalDefs {
  /** Default: the host name, decided by keepalived at run time. */
  routerId?: string;
  notificationEmail: string[];
  notificationEmailFrom?: string;
  /** `smtp_server HOST [PORT]`. */
  smtpServer?: { host: string; port: number };
  /** keepalived default 30 s. */
  smtpConnectTimeoutMs: number;
  enableScriptSecurity: boolean;
  /** `script_user USER [GROUP]`. */
  scriptUser?: { user: string; group?: string };
  /** The version of instances that set none (keepalived default 2). */
  vrrpVersion: VrrpVersion;
  /** Defaults for the instances' garp_master_* (keepalived: 5, 5 s, 0 = off). */
  vrrpGarpMasterRepeat: number;
  vrrpGarpMasterDelayMs: number;
  vrrpGarpMasterRefreshMs: number;
  vrrpStrict: boolean;
  vrrpSkipCheckAdvAddr: boolean;
}

export const GLOBAL_DEFAULTS: GlobalDefs = {
  notificationEmail: [],
  smtpConnectTimeoutMs: 30_000,
  enableScriptSecurity: false,
  vrrpVersion: 2,
  vrrpGarpMasterRepeat: 5,
  vrrpGarpMasterDelayMs: 5000,
  vrrpGarpMasterRefreshMs: 0,
  vrrpStrict: false,
  vrrpSkipCheckAdvAddr: false,
};

/** keepalived per-instance settings that `InstanceConfig` does not carry. */
export interface InstanceOptions {
  /** `smtp_alert`: mail on state changes (default: global smtp_alert, else off). */
  smtpAlert: boolean;
  /** `dont_track_primary`: ignore the instance interface's link state. */
  dontTrackPrimary: boolean;
  /** `track_interface { IF [weight N] }`. */
  trackInterfaces: { name: string; weight: number }[];
}

export interface SyncGroup {
  name: string;
  /** Instance names from `group { ... }`. */
  instances: string[];
  notify: NotifyConfig;
  smtpAlert: boolean;
  /** sync_group_tracking_weight: members keep their track_script / track_interface weights. */
  trackingWeight: boolean;
}

export interface KeepalivedConfig {
  globalDefs: GlobalDefs;
  /** vrrp_script blocks by name. */
  scripts: Record<string, VrrpScriptConfig>;
  /** In file order; track_script references resolved to their scripts. VIPs are KeepalivedVip. */
  instances: InstanceConfig[];
  /** Per instance name. */
  instanceOptions: Record<string, InstanceOptions>;
  syncGroups: SyncGroup[];
}

export interface KeepalivedParseResult {
  /** Best effort even when there are errors; trust it only when `errors` is empty. */
  config: KeepalivedConfig;
  /** Errors and warnings, in file order. */
  diagnostics: Diagnostic[];
  errors: Diagnostic[];
  warnings: Diagnostic[];
  /** Files read, the entry file first. */
  files: string[];
}
