/**
 * The scenario's lab: the seed lab (src/lab/seed-lab.ts) with the scenario's overrides. Pure.
 *
 * The result has the shape of LabSpec (src/lab/lab-spec.ts), so the Docker driver brings it up
 * as it is: `{ name, subnet, gateway, vip, vrid, nodes: [{ name, role, address, vrrp?,
 * configPath?, configText? }] }`.
 */
import path from 'node:path';
import { renderKeepalivedConf } from '../keepalived/render';
import { SEED_LAB, seedInstance, type SeedWebNode } from '../lab/seed-lab';
import { ipToNumber, numberToIp } from '../vrrp/ipv4';
import { inSubnet, parseCidr, type Cidr } from './cidr';
import type { IssuePath, PathIssue } from './path-issue';
import type { LabInput } from './schema';
import type { ScenarioLab, ScenarioLabNode } from './types';

export type { IssuePath, PathIssue } from './path-issue';
export { inSubnet, parseCidr, type Cidr } from './cidr';

/** The same host part in another subnet: 192.168.17.102 in 10.0.5.0/24 is 10.0.5.102. */
function rehome(ip: string, c: Cidr): string {
  return numberToIp((c.network | (ipToNumber(ip) & ~c.mask)) >>> 0);
}

const SEED_WEB: readonly SeedWebNode[] = ['server01', 'server03'];

/** As seedLabSpec() (src/lab/lab-spec.ts): web nodes run chaos-vrrpd unless told otherwise. */
export const DEFAULT_VRRP = 'chaos';

export function seedNodeNames(): string[] {
  return Object.keys(SEED_LAB.nodes);
}

/** The seed's nodes (placed in the lab's subnet), then the file's overrides and new nodes. */
function labNodes(
  input: LabInput | undefined,
  place: (seedIp: string) => string,
  baseDir: string,
  issues: PathIssue[],
): Map<string, ScenarioLabNode> {
  const nodes = new Map<string, ScenarioLabNode>();
  for (const [name, seed] of Object.entries(SEED_LAB.nodes)) {
    const node: ScenarioLabNode = {
      name,
      role: seed.role,
      address: place(seed.address),
    };
    if (seed.role === 'web') node.vrrp = DEFAULT_VRRP;
    nodes.set(name, node);
  }
  for (const [name, o] of Object.entries(input?.nodes ?? {})) {
    const base = nodes.get(name);
    if (!base && o.address === undefined)
      issues.push({
        path: ['lab', 'nodes', name],
        message: `new node ${name} needs an address`,
        atKey: true,
      });
    const node: ScenarioLabNode = {
      name,
      role: o.role ?? base?.role ?? 'web',
      address: o.address ?? base?.address ?? '0.0.0.0',
    };
    if (node.role === 'web') node.vrrp = o.vrrp ?? base?.vrrp ?? DEFAULT_VRRP;
    else if (o.vrrp !== undefined)
      issues.push({
        path: ['lab', 'nodes', name, 'vrrp'],
        message: `${name} is a ${node.role} node: it runs no VRRP daemon`,
        atKey: true,
      });
    if (o.config !== undefined) {
      if (node.role !== 'web')
        issues.push({
          path: ['lab', 'nodes', name, 'config'],
          message: `${name} is a ${node.role} node: it has no keepalived.conf`,
          atKey: true,
        });
      else node.configPath = path.resolve(baseDir, o.config);
    }
    nodes.set(name, node);
  }
  return nodes;
}

/** Web nodes without a config file: the seed's own config, for this lab's VIP and VRID. */
function seedConfigs(
  nodes: Iterable<ScenarioLabNode>,
  vrid: number,
  vip: string,
  issues: PathIssue[],
): void {
  for (const node of nodes) {
    if (node.role !== 'web' || node.configPath !== undefined) continue;
    if ((SEED_WEB as readonly string[]).includes(node.name)) {
      node.configText = renderKeepalivedConf([
        seedInstance(node.name as SeedWebNode, {
          vrid,
          vips: [{ address: vip, prefixLength: 32 }],
        }),
      ]);
    } else {
      issues.push({
        path: ['lab', 'nodes', node.name],
        message: `web node ${node.name} needs a config (a keepalived.conf path)`,
        atKey: true,
      });
    }
  }
}

/** Addresses inside the subnet and each taken once; one mysql node, a web node, a prober at most. */
function checkLab(
  input: LabInput | undefined,
  lab: Omit<ScenarioLab, 'name'>,
  issues: PathIssue[],
): void {
  const { vip, gateway, nodes: list } = lab;
  const subnetText = lab.subnet;
  const subnet = parseCidr(subnetText);
  const where = (name: string): IssuePath =>
    input?.nodes?.[name]?.address !== undefined
      ? ['lab', 'nodes', name, 'address']
      : input?.subnet !== undefined
        ? ['lab', 'subnet']
        : ['lab'];
  if (!inSubnet(vip, subnet))
    issues.push({
      path: input?.vip !== undefined ? ['lab', 'vip'] : ['lab', 'subnet'],
      message: `VIP ${vip} is outside subnet ${subnetText}`,
    });
  if (!inSubnet(gateway, subnet))
    issues.push({
      path: input?.gateway !== undefined ? ['lab', 'gateway'] : ['lab', 'subnet'],
      message: `gateway ${gateway} is outside subnet ${subnetText}`,
    });
  const taken = new Map<string, string>([
    [vip, 'the VIP'],
    [gateway, 'the gateway'],
  ]);
  for (const node of list) {
    if (node.address === '0.0.0.0') continue;
    if (!inSubnet(node.address, subnet))
      issues.push({
        path: where(node.name),
        message: `${node.name}'s address ${node.address} is outside subnet ${subnetText}`,
      });
    const other = taken.get(node.address);
    if (other !== undefined)
      issues.push({
        path: where(node.name),
        message: `${node.name}'s address ${node.address} is already ${other}'s`,
      });
    else taken.set(node.address, node.name);
  }
  if (!list.some((n) => n.role === 'web'))
    issues.push({ path: ['lab', 'nodes'], message: 'the lab needs at least one web node' });
  if (list.filter((n) => n.role === 'mysql').length !== 1)
    issues.push({ path: ['lab', 'nodes'], message: 'the lab needs exactly one mysql node' });
  if (list.filter((n) => n.role === 'prober').length > 1)
    issues.push({ path: ['lab', 'nodes'], message: 'the lab has more than one prober' });
}

/** Build the lab; `baseDir` resolves config paths (the scenario file's folder). */
export function normaliseLab(
  input: LabInput | undefined,
  baseDir: string,
): { lab: ScenarioLab; issues: PathIssue[] } {
  const issues: PathIssue[] = [];
  const subnetText = input?.subnet ?? SEED_LAB.subnet;
  const subnet = parseCidr(subnetText);
  const moved = subnetText !== SEED_LAB.subnet;
  const place = (seedIp: string): string => (moved ? rehome(seedIp, subnet) : seedIp);
  const vip = input?.vip ?? place(SEED_LAB.vip);
  const gateway = input?.gateway ?? place(SEED_LAB.gateway);
  const vrid = input?.vrid ?? SEED_LAB.vrid;
  const nodes = labNodes(input, place, baseDir, issues);
  seedConfigs(nodes.values(), vrid, vip, issues);
  const lab = { subnet: subnetText, gateway, vip, vrid, nodes: [...nodes.values()] };
  checkLab(input, lab, issues);
  return { lab: { name: input?.name ?? 'seed', ...lab }, issues };
}
