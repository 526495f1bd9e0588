/**
 * What `chaos lab status` shows, computed from what the driver observed in each node (pure).
 * Per node: name, role, address, container running, VRRP implementation and state (from the
 * node's `vrrp-status`), whether the VIP is on its eth0. The VIP's owners; split brain when more
 * than one node holds it.
 */

export type VrrpState = 'MASTER' | 'BACKUP' | 'FAULT' | 'INIT';

/** The JSON line /opt/chaos/bin/vrrp-status prints. */
export interface VrrpStatus {
  impl: string | null;
  running: boolean;
  pid: number | null;
  state: VrrpState | null;
  vips: string[];
}

export interface NodeStatus {
  name: string;
  role: string;
  ip: string;
  running: boolean;
  /** Web nodes that answered; null when not a web node or the node could not be asked. */
  vrrp: VrrpStatus | null;
  holdsVip: boolean;
  /** Why the node could not be asked, when it could not. */
  error?: string;
}

export interface LabStatus {
  lab: string;
  runId: string;
  vip: string;
  nodes: NodeStatus[];
  vipOwners: string[];
  splitBrain: boolean;
}

const STATES = new Set(['MASTER', 'BACKUP', 'FAULT', 'INIT']);

/** The command run in a web node: vrrp-status's JSON line, a marker, then eth0's IPv4 addresses. */
export const NODE_PROBE_SCRIPT =
  "/opt/chaos/bin/vrrp-status || true; echo '--- addr'; ip -4 -o addr show dev eth0 || true";

export interface NodeObservation {
  vrrp: VrrpStatus | null;
  addresses: string[];
  error?: string;
}

/** Parse the output of NODE_PROBE_SCRIPT. */
export function parseNodeProbe(output: string): NodeObservation {
  const [head = '', tail = ''] = output.split('--- addr');
  const addresses = [...tail.matchAll(/\binet (\d+\.\d+\.\d+\.\d+)\//g)].map((m) => m[1] ?? '');
  const line = head
    .split('\n')
    .map((l) => l.trim())
    .find((l) => l.startsWith('{'));
  if (line === undefined) return { vrrp: null, addresses, error: 'vrrp-status printed no JSON' };
  const vrrp = parseVrrpStatus(line);
  return typeof vrrp === 'string' ? { vrrp: null, addresses, error: vrrp } : { vrrp, addresses };
}

/** One vrrp-status line, or an error message. */
export function parseVrrpStatus(line: string): VrrpStatus | string {
  let raw: unknown;
  try {
    raw = JSON.parse(line);
  } catch {
    return `vrrp-status: not JSON: ${line.slice(0, 80)}`;
  }
  if (typeof raw !== 'object' || raw === null) return `vrrp-status: not an object: ${line}`;
  const o = raw as Record<string, unknown>;
  const state = typeof o['state'] === 'string' && STATES.has(o['state']) ? o['state'] : null;
  return {
    impl: typeof o['impl'] === 'string' ? o['impl'] : null,
    running: o['running'] === true,
    pid: typeof o['pid'] === 'number' ? o['pid'] : null,
    state: state as VrrpState | null,
    vips: Array.isArray(o['vips'])
      ? o['vips'].filter((v): v is string => typeof v === 'string')
      : [],
  };
}

export function summariseStatus(
  lab: string,
  runId: string,
  vip: string,
  nodes: NodeStatus[],
): LabStatus {
  const vipOwners = nodes.filter((n) => n.holdsVip).map((n) => n.name);
  return { lab, runId, vip, nodes, vipOwners, splitBrain: vipOwners.length > 1 };
}

/** The human table of `chaos lab status`. */
export function formatStatus(status: LabStatus): string {
  const rows = status.nodes.map((n) => [
    n.name,
    n.role,
    n.ip,
    n.running ? 'running' : 'stopped',
    n.vrrp ? `${n.vrrp.impl ?? '?'}${n.vrrp.running ? '' : ' (not running)'}` : '-',
    n.vrrp?.state ?? (n.error ? `? ${n.error}` : '-'),
    n.holdsVip ? 'VIP' : '',
  ]);
  const header = ['NODE', 'ROLE', 'IP', 'CONTAINER', 'VRRP', 'STATE', ''];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string =>
    `${cells
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd()}\n`;
  const owners =
    status.vipOwners.length === 0
      ? `VIP ${status.vip}: no owner\n`
      : `VIP ${status.vip}: held by ${status.vipOwners.join(', ')}\n`;
  const split = status.splitBrain
    ? `SPLIT BRAIN: ${status.vipOwners.length} nodes hold ${status.vip}\n`
    : '';
  return `lab ${status.lab} (run ${status.runId})\n${line(header)}${rows.map(line).join('')}${owners}${split}`;
}

/** One HTTP answer the prober got through the VIP. */
export interface ProbeResult {
  status: number;
  servedBy: string | null;
  body: string;
}

/** The prober's `curl -sS -i` output: the last status line and headers (after redirects/100s). */
export function parseCurlInclude(output: string): ProbeResult | string {
  const text = output.replace(/\r\n/g, '\n');
  let rest = text;
  let status = 0;
  let headers: Record<string, string> = {};
  for (;;) {
    const m = /^HTTP\/[\d.]+ (\d{3})[^\n]*\n/.exec(rest);
    if (!m) break;
    status = Number(m[1]);
    const end = rest.indexOf('\n\n');
    const block = end < 0 ? rest : rest.slice(0, end);
    headers = {};
    for (const l of block.split('\n').slice(1)) {
      const i = l.indexOf(':');
      if (i > 0) headers[l.slice(0, i).trim().toLowerCase()] = l.slice(i + 1).trim();
    }
    rest = end < 0 ? '' : rest.slice(end + 2);
  }
  if (status === 0) return `no HTTP status line in: ${text.slice(0, 80)}`;
  return { status, servedBy: headers['x-served-by'] ?? null, body: rest };
}
