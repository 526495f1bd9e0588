/**
 * The normalised lab: what `chaos lab up` builds and what scenarios name. Pure data; the seed's
 * lab is `seedLabSpec()`, a YAML lab file goes through `parseLabFile()` (lab-file.ts). Both
 * return the same shape, validated, so drivers never re-check it.
 *
 * Stable contract (the scenario runner reuses it):
 * - `name`: lab name, `[a-z0-9][a-z0-9_.-]*`; Docker resources are `chaos-<name>[-<node>]`.
 * - `subnet`: IPv4 CIDR of the lab's bridge; `gateway`: the bridge's host address (default: the
 *   subnet's first host).
 * - `vip`: the virtual IP the web nodes' VRRP instance moves; `vrid`: that instance's VRID (taken
 *   from the configs; all web nodes agree).
 * - `nodes`: in file order. Exactly one `mysql`, at most one `prober`, at least one `web`. Web
 *   nodes carry `vrrp` (implementation) and `configPath` (absolute) + `configText` (the
 *   keepalived.conf put at /etc/keepalived/keepalived.conf); other roles carry neither.
 */
import path from 'node:path';
import { assertValidKeepalivedConf, loadKeepalivedConf } from '../keepalived';
import type { ConfigSource } from '../keepalived';
import { ipToNumber, isIpv4, numberToIp } from '../vrrp/ipv4';
import { SEED_LAB } from './seed-lab';

export type LabRole = 'web' | 'mysql' | 'prober';
export type VrrpImpl = 'chaos' | 'keepalived';
export const VRRP_IMPLS: readonly VrrpImpl[] = ['chaos', 'keepalived'];
export const LAB_ROLES: readonly LabRole[] = ['web', 'mysql', 'prober'];

export interface LabNodeSpec {
  name: string;
  role: LabRole;
  address: string;
  /** Web nodes: which VRRP implementation runs (CHAOS_VRRP in the node). */
  vrrp?: VrrpImpl;
  /** Web nodes: the keepalived.conf on the host (absolute path). */
  configPath?: string;
  /** Web nodes: its text, installed as /etc/keepalived/keepalived.conf. */
  configText?: string;
}

export interface LabSpec {
  name: string;
  subnet: string;
  gateway: string;
  vip: string;
  vrid: number;
  nodes: LabNodeSpec[];
}

export const SEED_LAB_NAME = 'seed';
export const LAB_NAME_PATTERN = /^[a-z0-9][a-z0-9_.-]{0,39}$/;
export const NODE_NAME_PATTERN = /^[a-z0-9]([a-z0-9-]{0,30}[a-z0-9])?$/;

/** The seed's configs, shipped with the product under scenarios/configs. */
export function seedConfigPaths(rootDir: string): { server01: string; server03: string } {
  return {
    server01: path.join(rootDir, 'scenarios', 'configs', 'seed-master.conf'),
    server03: path.join(rootDir, 'scenarios', 'configs', 'seed-backup.conf'),
  };
}

/**
 * The seed's lab: server01 (MASTER, .102) and server03 (BACKUP, .101) on chaos-vrrpd by default,
 * server02 MySQL (.100), the prober (.50), VIP .200, VRID 51. Configs are read through `source`
 * and validated (ValidationError on a bad one).
 */
export function seedLabSpec(
  rootDir: string,
  source: ConfigSource,
  vrrp: { server01?: VrrpImpl; server03?: VrrpImpl } = {},
): LabSpec {
  const configs = seedConfigPaths(rootDir);
  const web = (name: 'server01' | 'server03'): LabNodeSpec => {
    const configPath = configs[name];
    assertValidKeepalivedConf(loadKeepalivedConf(configPath, source, { configId: name }));
    return {
      name,
      role: 'web',
      address: SEED_LAB.nodes[name].address,
      vrrp: vrrp[name] ?? 'chaos',
      configPath,
      configText: source.readFile(configPath) ?? '',
    };
  };
  return {
    name: SEED_LAB_NAME,
    subnet: SEED_LAB.subnet,
    gateway: SEED_LAB.gateway,
    vip: SEED_LAB.vip,
    vrid: SEED_LAB.vrid,
    nodes: [
      web('server01'),
      web('server03'),
      { name: 'server02', role: 'mysql', address: SEED_LAB.nodes.server02.address },
      { name: 'prober', role: 'prober', address: SEED_LAB.nodes.prober.address },
    ],
  };
}

export interface Subnet {
  network: number;
  prefix: number;
  /** First and last usable host addresses (network + 1 .. broadcast - 1). */
  first: number;
  last: number;
}

/** `a.b.c.d/n` with 8 <= n <= 30 and no host bits set, or an error message. */
export function parseSubnet(cidr: string): Subnet | string {
  const match = /^([0-9.]+)\/(\d{1,2})$/.exec(cidr);
  if (!match || !isIpv4(match[1] ?? '')) return `subnet '${cidr}' is not an IPv4 CIDR (a.b.c.d/n)`;
  const prefix = Number(match[2]);
  if (prefix < 8 || prefix > 30) return `subnet '${cidr}': prefix /${prefix} outside [8, 30]`;
  const base = ipToNumber(match[1] ?? '');
  const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
  if ((base & mask) >>> 0 !== base)
    return `subnet '${cidr}' has host bits set (network is ${numberToIp((base & mask) >>> 0)}/${prefix})`;
  const size = 2 ** (32 - prefix);
  return { network: base, prefix, first: base + 1, last: base + size - 2 };
}

export function inSubnet(subnet: Subnet, ip: string): boolean {
  if (!isIpv4(ip)) return false;
  const n = ipToNumber(ip);
  return n >= subnet.first && n <= subnet.last;
}

export function webNodes(spec: LabSpec): LabNodeSpec[] {
  return spec.nodes.filter((n) => n.role === 'web');
}

export function findNode(spec: LabSpec, name: string): LabNodeSpec | undefined {
  return spec.nodes.find((n) => n.name === name);
}

/**
 * MySQL's host pattern for "any address of the subnet": `a.b.c.%` for /24 (the seed's
 * `192.168.17.%`), `a.b.%` for /16, `a.%` for /8, else `network/netmask`.
 */
export function mysqlHostPattern(cidr: string): string {
  const subnet = parseSubnet(cidr);
  if (typeof subnet === 'string') throw new RangeError(subnet);
  const octets = numberToIp(subnet.network).split('.');
  if (subnet.prefix % 8 === 0) return [...octets.slice(0, subnet.prefix / 8), '%'].join('.');
  const mask = (0xffffffff << (32 - subnet.prefix)) >>> 0;
  return `${numberToIp(subnet.network)}/${numberToIp(mask)}`;
}
