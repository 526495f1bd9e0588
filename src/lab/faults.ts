/**
 * The faults a user (and later a scenario) can inject into a lab node, as a table of plain data.
 * Each fault is a name, the name of its healing step, the roles it applies to, and two plans
 * (apply, heal) of steps a driver carries out: exec a command in the node, kill or start the
 * container, wait until the node is ready again. Heal plans are idempotent: healing a node that
 * is not broken changes nothing. Pure: `faultPlan()` only builds the steps.
 *
 * The seed's manual experiments: power off the master (`docker kill`), stop its network
 * (`service network stop`, here `ip link set eth0 down`), kill nginx, block VRRP multicast with
 * iptables (split brain), and beyond the seed a graceful VRRP stop (priority 0 sent).
 */
import { InputError } from '../errors';
import type { LabRole } from './lab-spec';

export type FaultStep =
  /** Run a command in the node; a non-zero exit fails the step unless `mayFail`. */
  | { do: 'exec'; cmd: string[]; mayFail?: boolean }
  /** SIGKILL the container (docker kill); already stopped is fine. */
  | { do: 'kill' }
  /** Start the container (docker start); already running is fine. */
  | { do: 'start' }
  /** Wait until the node is ready again (web: nginx and VRRP running; mysql: mysql-ready). */
  | { do: 'wait-ready' };

export interface FaultContext {
  /** The lab's gateway: a default route via it is restored when the link comes back. */
  gateway: string;
}

export interface FaultDef {
  name: string;
  /** The heal's name (`chaos fault power-on X` = `chaos heal power-off X`). */
  healName: string;
  description: string;
  roles: readonly LabRole[];
  apply(ctx: FaultContext): FaultStep[];
  heal(ctx: FaultContext): FaultStep[];
}

/** VRRP is IP protocol 112 (numeric: the images need not ship /etc/protocols for `-p vrrp`). */
const VRRP_PROTO = '112';
const VRRP_GROUP = '224.0.0.18';
const iptablesRules = [
  ['INPUT', '-d', VRRP_GROUP, '-p', VRRP_PROTO, '-j', 'DROP'],
  ['OUTPUT', '-d', VRRP_GROUP, '-p', VRRP_PROTO, '-j', 'DROP'],
] as const;

const sh = (script: string): FaultStep => ({ do: 'exec', cmd: ['sh', '-c', script] });

export const FAULTS: readonly FaultDef[] = [
  {
    name: 'power-off',
    healName: 'power-on',
    description: 'pull the plug: docker kill (SIGKILL); heal: docker start and wait until ready',
    roles: ['web', 'mysql', 'prober'],
    apply: () => [{ do: 'kill' }],
    heal: () => [{ do: 'start' }, { do: 'wait-ready' }],
  },
  {
    name: 'network-down',
    healName: 'network-up',
    description:
      "the node's network goes down: ip link set eth0 down (the seed's `service network stop`)",
    roles: ['web', 'mysql'],
    apply: () => [{ do: 'exec', cmd: ['ip', 'link', 'set', 'eth0', 'down'] }],
    heal: (ctx) => [
      { do: 'exec', cmd: ['ip', 'link', 'set', 'eth0', 'up'] },
      // The kernel drops the default route with the link; put it back.
      { do: 'exec', cmd: ['ip', 'route', 'replace', 'default', 'via', ctx.gateway, 'dev', 'eth0'] },
    ],
  },
  {
    name: 'kill-nginx',
    healName: 'start-nginx',
    description: 'kill nginx (killall nginx); a vrrp_script check_nginx then releases the VIP',
    roles: ['web'],
    apply: () => [{ do: 'exec', cmd: ['/opt/chaos/bin/nginx-stop'] }],
    heal: () => [{ do: 'exec', cmd: ['/opt/chaos/bin/nginx-start'] }],
  },
  {
    name: 'block-multicast',
    healName: 'unblock-multicast',
    description: `iptables drops VRRP (protocol 112) to ${VRRP_GROUP} in and out: split brain`,
    roles: ['web'],
    apply: () => iptablesRules.map(([chain, ...rule]) => sh(iptablesInsertOnce(chain, rule))),
    heal: () => iptablesRules.map(([chain, ...rule]) => sh(iptablesDeleteAll(chain, rule))),
  },
  {
    name: 'graceful-stop',
    healName: 'graceful-start',
    description: 'stop VRRP gracefully (SIGTERM: priority 0 sent, VIP removed); heal: vrrp-start',
    roles: ['web'],
    apply: () => [{ do: 'exec', cmd: ['/opt/chaos/bin/vrrp-stop'] }],
    heal: () => [{ do: 'exec', cmd: ['/opt/chaos/bin/vrrp-start'] }],
  },
];

function iptablesInsertOnce(chain: string, rule: readonly string[]): string {
  const r = rule.join(' ');
  return `iptables -C ${chain} ${r} 2>/dev/null || iptables -I ${chain} ${r}`;
}

function iptablesDeleteAll(chain: string, rule: readonly string[]): string {
  const r = rule.join(' ');
  return `while iptables -C ${chain} ${r} 2>/dev/null; do iptables -D ${chain} ${r}; done`;
}

export interface ResolvedFault {
  fault: FaultDef;
  action: 'apply' | 'heal';
}

/**
 * A name as typed after `chaos fault` or `chaos heal`: a fault name, or a heal name (`power-on`,
 * `unblock` for `unblock-multicast`, ...), which means healing that fault.
 */
export function resolveFault(
  name: string,
  action: 'apply' | 'heal',
  table: readonly FaultDef[] = FAULTS,
): ResolvedFault {
  const byName = table.find((f) => f.name === name);
  if (byName) return { fault: byName, action };
  const byHeal = table.find((f) => f.healName === name || aliases(f).includes(name));
  if (byHeal) return { fault: byHeal, action: 'heal' };
  throw new InputError(
    'UNKNOWN_FAULT',
    `unknown fault '${name}'; known: ${table.map((f) => `${f.name}/${f.healName}`).join(', ')}`,
  );
}

function aliases(f: FaultDef): string[] {
  return f.healName === 'unblock-multicast' ? ['unblock'] : [];
}

/** The steps for a fault on a node of a role; InputError when the fault does not apply. */
export function faultPlan(
  resolved: ResolvedFault,
  node: { name: string; role: LabRole },
  ctx: FaultContext,
): FaultStep[] {
  const { fault, action } = resolved;
  if (!fault.roles.includes(node.role)) {
    throw new InputError(
      'FAULT_NOT_APPLICABLE',
      `fault ${fault.name} does not apply to ${node.name} (a ${node.role} node; applies to ${fault.roles.join(', ')})`,
    );
  }
  return action === 'apply' ? fault.apply(ctx) : fault.heal(ctx);
}

/** One line per fault, for `chaos fault --list`. */
export function describeFaults(table: readonly FaultDef[] = FAULTS): string {
  const names = table.map((f) => `${f.name} / ${f.healName}`);
  const roles = table.map((f) => `[${f.roles.join(',')}]`);
  const w1 = Math.max(...names.map((n) => n.length));
  const w2 = Math.max(...roles.map((r) => r.length));
  return table
    .map(
      (f, i) =>
        `${(names[i] ?? '').padEnd(w1)}  ${(roles[i] ?? '').padEnd(w2)}  ${f.description}\n`,
    )
    .join('');
}
