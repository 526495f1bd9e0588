/**
 * A `vrrp_instance` as read so far (the draft normalise-instance.ts fills keyword by keyword
 * and instance-complete.ts finishes), what reading it may look up, and the address owner's
 * priority both rely on.
 */
import type { NotifyConfig, TrackScriptRef, VrrpScriptConfig, VrrpVersion } from '../vrrp/config';
import type { Token } from './lexer';
import type { NodeReader } from './node-reader';
import type { GlobalDefs, InstanceOptions, KeepalivedVip } from './types';

/** The address owner's priority. */
export const PRIO_OWNER = 255;

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
  /** Scripts read so far that keepalived dropped as invalid (no `script`), by name. */
  invalidScripts: ReadonlyMap<string, Token>;
  /** garp defaults are copied from global_defs when the instance is allocated. */
  globals: GlobalDefs;
}

/** What a keyword handler of vrrp_instance works with. */
export interface Ctx {
  d: InstanceDraft;
  r: NodeReader;
  scope: InstanceScope;
}
