/**
 * `chaos init`'s lab, from a team's keepalived configs: the instance they share (VRID, VIP),
 * the nodes and their addresses (unicast addresses kept, the rest placed as the seed lab's host
 * parts in the VIP's subnet), the configs as the lab installs them (the instance's interface
 * renamed to eth0, the lab nodes' only interface) and who holds the VIP. Pure: parsed configs
 * in, a model out; InputError with a stable code for what cannot make a lab.
 */
import path from 'node:path';
import { InputError } from '../errors';
import { tokenize, type KeepalivedConfig } from '../keepalived';
import type { InstanceConfig, VrrpVersion } from '../vrrp/config';
import { ipToNumber, isIpv4, numberToIp } from '../vrrp/ipv4';

export const INIT_NO_VRRP_INSTANCE = 'INIT_NO_VRRP_INSTANCE';
export const INIT_NO_SHARED_INSTANCE = 'INIT_NO_SHARED_INSTANCE';
export const INIT_CONFIG_INCLUDES = 'INIT_CONFIG_INCLUDES';
export const INIT_ADDRESSES = 'INIT_ADDRESSES';
export const INIT_TOO_FEW_CONFIGS = 'INIT_TOO_FEW_CONFIGS';

/** One config as read and parsed (without errors) at the edge. */
export interface InitConfig {
  /** The path the user gave. */
  file: string;
  text: string;
  config: KeepalivedConfig;
  /** Files read, the config first (more than one: it uses include). */
  files: readonly string[];
}

export interface InitWebNode {
  name: string;
  address: string;
  /** The instance serving the lab's VRID and VIP. */
  instance: InstanceConfig;
  /** Every vrrp_instance of its config (the lab runs them all). */
  instances: readonly InstanceConfig[];
  /** The user's file. */
  source: string;
  /** The copy in the output folder, relative to it: configs/NAME. */
  copy: string;
  /** The copy's text. */
  text: string;
  /** The interface the instance named, when it was not eth0 (renamed in the copy). */
  renamedFrom?: string;
  /** `dont_track_primary`: the instance ignores its interface going down. */
  dontTrackPrimary: boolean;
  /** Its priority while every track script passes (positive weights added, 1..254). */
  priority: number;
}

export interface InitLab {
  name: string;
  subnet: string;
  gateway: string;
  vip: string;
  vrid: number;
  version: VrrpVersion;
  unicast: boolean;
  web: InitWebNode[];
  mysql: { name: string; address: string };
  prober: { name: string; address: string };
}

const WEB_NAMES = ['server01', 'server03'];
/** The seed lab's host parts: server01 .102, server03 .101, server02 .100, the prober .50. */
const SEED_HOSTS = { web: [102, 101], mysql: 100, prober: 50 };

const webName = (i: number): string => WEB_NAMES[i] ?? `server${String(i + 2).padStart(2, '0')}`;

/** The first instance of the first config with an IPv4 VIP, and its peer in every other. */
function sharedInstances(configs: readonly InitConfig[]): {
  instances: InstanceConfig[];
  vip: string;
} {
  for (const c of configs)
    if (c.config.instances.length === 0)
      throw new InputError(INIT_NO_VRRP_INSTANCE, `${c.file} has no vrrp_instance`);
  const [first, ...rest] = configs;
  const lead = first?.config.instances.find((i) => i.vips.some((v) => isIpv4(v.address)));
  const vip = lead?.vips.find((v) => isIpv4(v.address))?.address;
  if (!first || !lead || vip === undefined)
    throw new InputError(
      INIT_NO_VRRP_INSTANCE,
      `${first?.file ?? 'the first config'} has no vrrp_instance with an IPv4 virtual_ipaddress`,
    );
  const instances = [lead];
  for (const c of rest) {
    const peer = c.config.instances.find(
      (i) => i.vrid === lead.vrid && i.vips.some((v) => v.address === vip),
    );
    if (!peer)
      throw new InputError(
        INIT_NO_SHARED_INSTANCE,
        `${c.file} has no vrrp_instance with virtual_router_id ${lead.vrid} and VIP ${vip} (as ${first.file}'s ${lead.name})`,
      );
    if (peer.version !== lead.version)
      throw new InputError(
        INIT_NO_SHARED_INSTANCE,
        `${c.file}'s ${peer.name} speaks VRRPv${peer.version}, ${first.file}'s ${lead.name} VRRPv${lead.version}: they would not hear each other`,
      );
    instances.push(peer);
  }
  return { instances, vip };
}

/** Leading bits two addresses share. */
function commonBits(a: number, b: number): number {
  let bits = 0;
  while (bits < 32 && (a >>> (31 - bits)) % 2 === (b >>> (31 - bits)) % 2) bits++;
  return bits;
}

interface Net {
  network: number;
  prefix: number;
  size: number;
}

/** The VIP's subnet (its prefix when 8..30, else /24), widened to hold the unicast addresses. */
function labNet(vip: string, prefixLength: number, fixed: readonly string[]): Net {
  const v = ipToNumber(vip);
  let prefix = prefixLength >= 8 && prefixLength <= 30 ? prefixLength : 24;
  for (const a of fixed) prefix = Math.min(prefix, commonBits(v, ipToNumber(a)));
  if (prefix < 8)
    throw new InputError(
      INIT_ADDRESSES,
      `the unicast addresses (${fixed.join(', ')}) and the VIP ${vip} share no subnet of /8 or longer`,
    );
  const mask = (0xffffffff << (32 - prefix)) >>> 0;
  return { network: (v & mask) >>> 0, prefix, size: 2 ** (32 - prefix) };
}

/** Hands out host addresses of the subnet, each once. */
class Addresses {
  private readonly taken = new Set<string>();

  constructor(private readonly net: Net) {}

  take(ip: string): string {
    const n = ipToNumber(ip);
    if (n <= this.net.network || n >= this.net.network + this.net.size - 1)
      throw new InputError(
        INIT_ADDRESSES,
        `${ip} is not a host address of the lab's subnet ${numberToIp(this.net.network)}/${this.net.prefix}`,
      );
    this.taken.add(ip);
    return ip;
  }

  has(ip: string): boolean {
    return this.taken.has(ip);
  }

  /** The host part `host` in the subnet when free, else the first free host. */
  next(host?: number): string {
    const { network, size } = this.net;
    if (host !== undefined && host < size - 1) {
      const ip = numberToIp((network + host) >>> 0);
      if (!this.taken.has(ip)) return this.take(ip);
    }
    for (let h = 1; h < size - 1; h++) {
      const ip = numberToIp((network + h) >>> 0);
      if (!this.taken.has(ip)) return this.take(ip);
    }
    throw new InputError(INIT_ADDRESSES, 'the lab subnet has no free address left');
  }
}

/** Web nodes' addresses: unicast_src_ip, else an address the others list as a peer, else the seed's. */
function webAddresses(instances: readonly InstanceConfig[], pool: Addresses): string[] {
  const out: (string | undefined)[] = instances.map((i) =>
    i.unicastSrcIp !== undefined ? pool.take(i.unicastSrcIp) : undefined,
  );
  instances.forEach((inst, k) => {
    if (out[k] !== undefined) return;
    const listed = instances.flatMap((o, j) => (j === k ? [] : o.unicastPeers));
    const own = listed.find((ip) => !pool.has(ip) && !inst.unicastPeers.includes(ip));
    out[k] = own !== undefined ? pool.take(own) : pool.next(SEED_HOSTS.web[k] ?? 101 + k);
  });
  return out.map((a) => a ?? '');
}

/** Base priority plus every positive track-script weight (keepalived keeps 255 as it is). */
export function priorityWhilePassing(i: InstanceConfig): number {
  if (i.priority === 255) return 255;
  const p = i.trackScripts.reduce((s, t) => s + Math.max(0, t.weight), i.priority);
  return Math.min(254, Math.max(1, p));
}

/**
 * The config text with the interface `from` renamed to eth0 wherever it is a word of its own
 * (interface, track_interface, a VIP's dev), comments and layout kept, and a note on top.
 */
export function renameInterface(text: string, file: string, from: string): string {
  const lines = text.split('\n');
  const words = tokenize(text, file).tokens.filter(
    (t) => t.kind === 'word' && !t.quoted && t.text === from,
  );
  for (const t of words.reverse()) {
    const line = lines[t.line - 1] ?? '';
    const at = t.col - 1;
    if (line.slice(at, at + from.length) === from)
      lines[t.line - 1] = `${line.slice(0, at)}eth0${line.slice(at + from.length)}`;
  }
  const note = `! chaos init: copied from ${file}; interface ${from} renamed to eth0 (the lab's nodes have eth0)`;
  return `${note}\n${lines.join('\n')}`;
}

/** Copies' names: the file's own name, or NODE-name when two configs share one. */
function copyNames(configs: readonly InitConfig[]): string[] {
  const base = configs.map((c) => path.basename(c.file).replace(/[^A-Za-z0-9._-]/g, '-'));
  return base.map((b, i) =>
    base.indexOf(b) === base.lastIndexOf(b) ? `configs/${b}` : `configs/${webName(i)}-${b}`,
  );
}

/** The lab for these configs (two or more), named `name`. */
export function initLab(configs: readonly InitConfig[], name: string): InitLab {
  if (configs.length < 2)
    throw new InputError(
      INIT_TOO_FEW_CONFIGS,
      `chaos init needs the configs of two or more routers (got ${configs.length})`,
    );
  for (const c of configs)
    if (c.files.length > 1)
      throw new InputError(
        INIT_CONFIG_INCLUDES,
        `${c.file} includes ${c.files.slice(1).join(', ')}; a lab node installs one file: give the config as one file`,
      );
  const { instances, vip } = sharedInstances(configs);
  const lead = instances[0]!;
  const fixed = instances.flatMap((i) => [
    ...(i.unicastSrcIp !== undefined ? [i.unicastSrcIp] : []),
    ...i.unicastPeers,
  ]);
  const prefix = lead.vips.find((v) => v.address === vip)?.prefixLength ?? 32;
  const net = labNet(vip, prefix, fixed);
  const pool = new Addresses(net);
  pool.take(vip);
  const gateway = pool.next(1);
  const addresses = webAddresses(instances, pool);
  const copies = copyNames(configs);
  const web = configs.map((c, k): InitWebNode => {
    const instance = instances[k]!;
    const moved = instance.interface !== 'eth0';
    return {
      name: webName(k),
      address: addresses[k]!,
      instance,
      instances: c.config.instances,
      source: c.file,
      copy: copies[k]!,
      text: moved ? renameInterface(c.text, c.file, instance.interface) : c.text,
      ...(moved ? { renamedFrom: instance.interface } : {}),
      dontTrackPrimary: c.config.instanceOptions[instance.name]?.dontTrackPrimary ?? false,
      priority: priorityWhilePassing(instance),
    };
  });
  return {
    name,
    subnet: `${numberToIp(net.network)}/${net.prefix}`,
    gateway,
    vip,
    vrid: lead.vrid,
    version: lead.version,
    unicast: instances.every((i) => i.unicastPeers.length > 0),
    web,
    mysql: { name: 'server02', address: pool.next(SEED_HOSTS.mysql) },
    prober: { name: 'prober', address: pool.next(SEED_HOSTS.prober) },
  };
}
