/**
 * A YAML lab file -> LabSpec. Pure: the file's text comes in, configs are read through a
 * ConfigSource. Parse (yaml), check the shape (zod), then the rules; every problem is reported at
 * once as `file:line:col: message` in one ValidationError (LAB_FILE_INVALID).
 *
 *   name: interop
 *   subnet: 192.168.17.0/24
 *   gateway: 192.168.17.1          # optional: the subnet's first host
 *   vip: 192.168.17.200
 *   nodes:
 *     - { name: server01, role: web, address: 192.168.17.102, config: seed-master.conf, vrrp: chaos }
 *     - { name: server03, role: web, address: 192.168.17.101, config: seed-backup.conf, vrrp: keepalived }
 *     - { name: server02, role: mysql, address: 192.168.17.100 }
 *     - { name: prober, role: prober, address: 192.168.17.50 }
 *
 * `config` is relative to the lab file. Each web config must parse as keepalived 2.2.7 reads it,
 * have no includes (only the one file is installed in the node), and hold a vrrp_instance on eth0
 * whose virtual_ipaddress has the lab's VIP; all web nodes share that instance's VRID.
 */
import path from 'node:path';
import { isMap, isNode, isPair, isScalar } from 'yaml';
import type { Document, LineCounter, Pair } from 'yaml';
import { z } from 'zod';
import { ValidationError } from '../errors';
import type { Diagnostic } from '../errors';
import { InputError } from '../errors';
import { loadKeepalivedConf } from '../keepalived';
import { parseYamlText, yamlValue } from '../scenario/yaml-text';
import type { ConfigSource } from '../keepalived';
import { isIpv4, ipToNumber, numberToIp } from '../vrrp/ipv4';
import {
  LAB_NAME_PATTERN,
  LAB_ROLES,
  NODE_NAME_PATTERN,
  VRRP_IMPLS,
  inSubnet,
  parseSubnet,
} from './lab-spec';
import type { LabNodeSpec, LabRole, LabSpec } from './lab-spec';

export const LAB_FILE_INVALID = 'LAB_FILE_INVALID';

const nodeSchema = z.strictObject({
  name: z.string(),
  role: z.enum(LAB_ROLES as ['web', 'mysql', 'prober']),
  address: z.string(),
  config: z.string().optional(),
  vrrp: z.enum(VRRP_IMPLS as ['chaos', 'keepalived']).optional(),
});

const labSchema = z.strictObject({
  name: z.string(),
  subnet: z.string(),
  gateway: z.string().optional(),
  vip: z.string(),
  vrid: z.number().int().min(1).max(255).optional(),
  nodes: z.array(nodeSchema).min(1),
});

type RawLab = z.infer<typeof labSchema>;
type Path = readonly (string | number)[];

/** Where a path of the document is: the value's node, or the key's with `key`. */
class Locator {
  constructor(
    private readonly doc: Document,
    private readonly lines: LineCounter,
    private readonly file: string,
  ) {}

  diag(at: Path, message: string, key = false): Diagnostic {
    const { line, col } = this.position(at, key);
    return { file: this.file, line, col, message, severity: 'error' };
  }

  private position(at: Path, key: boolean): { line: number; col: number } {
    for (let n = at.length; n >= 0; n--) {
      const offset = this.offsetOf(at.slice(0, n), key && n === at.length);
      if (offset !== undefined) return this.lines.linePos(offset);
    }
    return { line: 1, col: 1 };
  }

  private offsetOf(at: Path, key: boolean): number | undefined {
    if (at.length === 0) return isNode(this.doc.contents) ? this.doc.contents.range?.[0] : 0;
    if (key) {
      const parent = at.length === 1 ? this.doc.contents : this.doc.getIn(at.slice(0, -1), true);
      if (isMap(parent)) {
        const pair = parent.items.find(
          (p: Pair) => isScalar(p.key) && p.key.value === at[at.length - 1],
        );
        if (pair && isPair(pair) && isNode(pair.key)) return pair.key.range?.[0];
      }
      return undefined;
    }
    const node = this.doc.getIn(at, true);
    return isNode(node) ? node.range?.[0] : undefined;
  }
}

/** Parse and check a lab file's text. `file` names it in diagnostics and anchors `config` paths. */
export function parseLabFile(text: string, file: string, source: ConfigSource): LabSpec {
  const yaml = parseYamlText(text, file);
  const { doc, lines } = yaml;
  const at = new Locator(doc, lines, file);
  const diagnostics: Diagnostic[] = yaml.problems.filter((p) => p.severity === 'error');
  if (diagnostics.length > 0) throw new ValidationError(LAB_FILE_INVALID, diagnostics);
  const read = yamlValue(yaml, file);
  if ('diagnostic' in read) throw new ValidationError(LAB_FILE_INVALID, [read.diagnostic]);

  const parsed = labSchema.safeParse(read.value);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const issuePath = issue.path.filter(
        (p): p is string | number => typeof p === 'string' || typeof p === 'number',
      );
      if (issue.code === 'unrecognized_keys') {
        for (const key of issue.keys)
          diagnostics.push(at.diag([...issuePath, key], `unknown key '${key}'`, true));
      } else {
        const where = issuePath.length > 0 ? `${issuePath.join('.')}: ` : '';
        diagnostics.push(at.diag(issuePath, `${where}${issue.message}`));
      }
    }
    throw new ValidationError(LAB_FILE_INVALID, sortDiags(diagnostics));
  }

  const spec = checkRules(parsed.data, file, source, at, diagnostics);
  if (diagnostics.length > 0) throw new ValidationError(LAB_FILE_INVALID, sortDiags(diagnostics));
  return spec;
}

function sortDiags(list: Diagnostic[]): Diagnostic[] {
  return [...list].sort((a, b) => a.line - b.line || a.col - b.col);
}

function checkRules(
  raw: RawLab,
  file: string,
  source: ConfigSource,
  at: Locator,
  out: Diagnostic[],
): LabSpec {
  if (!LAB_NAME_PATTERN.test(raw.name))
    out.push(at.diag(['name'], `name '${raw.name}' must match ${LAB_NAME_PATTERN.source}`));

  const subnet = parseSubnet(raw.subnet);
  if (typeof subnet === 'string') out.push(at.diag(['subnet'], subnet));
  const sub = typeof subnet === 'string' ? undefined : subnet;
  const gateway = raw.gateway ?? (sub ? numberToIp(sub.first) : '0.0.0.0');

  const taken = new Map<string, string>();
  const checkAddress = (where: Path, ip: string, what: string): void => {
    if (!isIpv4(ip)) {
      out.push(at.diag(where, `${what}: '${ip}' is not an IPv4 address`));
      return;
    }
    if (sub && !inSubnet(sub, ip))
      out.push(at.diag(where, `${what}: ${ip} is not a host address of subnet ${raw.subnet}`));
    const owner = taken.get(ip);
    if (owner) out.push(at.diag(where, `${what}: ${ip} is already used by ${owner}`));
    else taken.set(ip, what);
  };
  checkAddress(['gateway'], gateway, 'gateway');
  checkAddress(['vip'], raw.vip, 'vip');

  const names = new Set<string>();
  const counts = { web: 0, mysql: 0, prober: 0 };
  const nodes: LabNodeSpec[] = [];
  const vrids: { vrid: number; where: Path; node: string }[] = [];
  const labDir = path.dirname(file);

  raw.nodes.forEach((node, i) => {
    const where = (k: string): Path => ['nodes', i, k];
    counts[node.role]++;
    checkNodeName(node.name, names, where('name'), at, out);
    checkAddress(where('address'), node.address, `node ${node.name}`);

    if (node.role !== 'web') {
      if (node.config !== undefined)
        out.push(at.diag(where('config'), `config: only web nodes have one (${node.role})`, true));
      if (node.vrrp !== undefined)
        out.push(at.diag(where('vrrp'), `vrrp: only web nodes run VRRP (${node.role})`, true));
      nodes.push({ name: node.name, role: node.role, address: node.address });
      return;
    }
    if (node.config === undefined) {
      out.push(
        at.diag(['nodes', i], `web node ${node.name}: 'config' (a keepalived.conf) is required`),
      );
      return;
    }
    const configPath = path.resolve(labDir, node.config);
    const config = checkConfig(configPath, node.name, raw.vip, source, (m) =>
      out.push(at.diag(where('config'), `node ${node.name}: ${m}`)),
    );
    if (config) vrids.push({ vrid: config.vrid, where: where('config'), node: node.name });
    nodes.push({
      name: node.name,
      role: 'web',
      address: node.address,
      vrrp: node.vrrp ?? 'chaos',
      configPath,
      configText: config?.text ?? '',
    });
  });

  checkCounts(counts, at, out);
  const vrid = raw.vrid ?? vrids[0]?.vrid ?? 0;
  checkVrids(vrids, vrid, at, out);
  return { name: raw.name, subnet: raw.subnet, gateway, vip: raw.vip, vrid, nodes };
}

/** A node's name: its pattern, and unique in the lab (`names` collects them). */
function checkNodeName(
  name: string,
  names: Set<string>,
  where: Path,
  at: Locator,
  out: Diagnostic[],
): void {
  if (!NODE_NAME_PATTERN.test(name))
    out.push(at.diag(where, `node name '${name}' must match ${NODE_NAME_PATTERN.source}`));
  if (names.has(name)) out.push(at.diag(where, `duplicate node name '${name}'`));
  names.add(name);
}

/** At least one web node, exactly one mysql node, at most one prober. */
function checkCounts(counts: Record<LabRole, number>, at: Locator, out: Diagnostic[]): void {
  if (counts.web < 1) out.push(at.diag(['nodes'], 'a lab needs at least one web node'));
  if (counts.mysql !== 1)
    out.push(at.diag(['nodes'], `a lab needs exactly one mysql node (found ${counts.mysql})`));
  if (counts.prober > 1)
    out.push(at.diag(['nodes'], `a lab has at most one prober node (found ${counts.prober})`));
}

/** Every web node's VIP instance has the lab's VRID. */
function checkVrids(
  vrids: readonly { vrid: number; where: Path; node: string }[],
  vrid: number,
  at: Locator,
  out: Diagnostic[],
): void {
  for (const v of vrids)
    if (v.vrid !== vrid)
      out.push(
        at.diag(
          v.where,
          `node ${v.node}: the VIP's vrrp_instance has virtual_router_id ${v.vrid}, expected ${vrid}`,
        ),
      );
}

/** The VIP's instance VRID and the config text, or undefined after reporting why not. */
function checkConfig(
  configPath: string,
  nodeName: string,
  vip: string,
  source: ConfigSource,
  report: (message: string) => void,
): { vrid: number; text: string } | undefined {
  let result;
  try {
    // The container's hostname is the node name: keepalived's default config id there.
    result = loadKeepalivedConf(configPath, source, { configId: nodeName });
  } catch (error) {
    if (error instanceof InputError) {
      report(error.message);
      return undefined;
    }
    throw error;
  }
  if (result.errors.length > 0) {
    for (const e of result.errors) report(`${e.file}:${e.line}:${e.col}: ${e.message}`);
    return undefined;
  }
  if (result.files.length > 1) {
    report(`${configPath} uses include; a lab config must be a single file`);
    return undefined;
  }
  const instance = result.config.instances.find((inst) =>
    inst.vips.some((v) => isIpv4(v.address) && ipToNumber(v.address) === ipToNumber(vip)),
  );
  if (!instance) {
    report(`${configPath} has no vrrp_instance with the lab's VIP ${vip}`);
    return undefined;
  }
  if (instance.interface !== 'eth0') {
    report(
      `${configPath}: vrrp_instance ${instance.name} is on '${instance.interface}'; lab nodes have eth0`,
    );
    return undefined;
  }
  return { vrid: instance.vrid, text: source.readFile(configPath) ?? '' };
}
