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
  | { do: 'wait-ready' }
  /** Freeze every process of the container (docker pause); already paused is fine. */
  | { do: 'pause' }
  /** Thaw it (docker unpause); not paused is fine. */
  | { do: 'unpause' };

export interface FaultContext {
  /** The lab's gateway: a default route via it is restored when the link comes back. */
  gateway: string;
  /**
   * block-multicast, block-vrrp: which of the node's traffic is dropped. Default: block-multicast
   * applies `in` (dropped on receipt, as the course does: the node still advertises, so its
   * captures show a split brain's two masters), block-vrrp `both`; heals remove both unless told.
   */
  direction?: 'in' | 'out' | 'both';
  /** partition: the addresses this node no longer exchanges packets with. */
  peers?: readonly string[];
  /** kill-process: the process (default nginx). */
  process?: string;
  /** loss: the share of outgoing packets lost, 0 < rate <= 1. */
  rate?: number;
  /** delay: added to every outgoing packet, plus up to jitterMs. */
  latencyMs?: number;
  jitterMs?: number;
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

/** All of VRRP, unicast adverts included. */
const vrrpRules = [
  ['INPUT', '-p', VRRP_PROTO, '-j', 'DROP'],
  ['OUTPUT', '-p', VRRP_PROTO, '-j', 'DROP'],
] as const;

type Rule = readonly [string, ...string[]];

/** The rules of a direction: in = INPUT, out = OUTPUT, both = both (`fallback` when unset). */
function directed(
  rules: readonly Rule[],
  ctx: FaultContext,
  fallback: 'in' | 'out' | 'both' = 'both',
): readonly Rule[] {
  const d = ctx.direction ?? fallback;
  return rules.filter(([chain]) => d === 'both' || (d === 'in') === (chain === 'INPUT'));
}

/** partition: nothing in from, nothing out to, each peer. */
function partitionRules(ctx: FaultContext): Rule[] {
  return (ctx.peers ?? []).flatMap((peer): Rule[] => [
    ['INPUT', '-s', peer, '-j', 'DROP'],
    ['OUTPUT', '-d', peer, '-j', 'DROP'],
  ]);
}

const insertAll = (rules: readonly Rule[]): FaultStep[] =>
  rules.map(([chain, ...rule]) => sh(iptablesInsertOnce(chain, rule)));
const deleteAll = (rules: readonly Rule[]): FaultStep[] =>
  rules.map(([chain, ...rule]) => sh(iptablesDeleteAll(chain, rule)));

/** A process name as pkill -x takes it (no shell metacharacters). */
const PROCESS_NAME = /^[A-Za-z0-9_.+-]{1,15}$/;

function processName(ctx: FaultContext): string {
  const name = ctx.process ?? 'nginx';
  if (!PROCESS_NAME.test(name))
    throw new InputError(
      'FAULT_BAD_PARAMETER',
      `kill-process: '${name}' is not a process name (letters, digits, _ . + -, up to 15)`,
    );
  return name;
}

/** `tc qdisc replace ... netem` (needs the kernel's sch_netem); heal deletes the root qdisc. */
function netem(args: string[]): FaultStep[] {
  return [{ do: 'exec', cmd: ['tc', 'qdisc', 'replace', 'dev', 'eth0', 'root', 'netem', ...args] }];
}
const netemClear: FaultStep[] = [sh('tc qdisc del dev eth0 root 2>/dev/null || true')];
const percent = (rate: number): string => `${Math.round(rate * 1e6) / 1e4}%`;

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
    description: `iptables drops VRRP (protocol 112) to ${VRRP_GROUP} on receipt (INPUT; or out, both): split brain`,
    roles: ['web'],
    apply: (ctx) => insertAll(directed(iptablesRules, ctx, 'in')),
    heal: (ctx) => deleteAll(directed(iptablesRules, ctx)),
  },
  {
    name: 'graceful-stop',
    healName: 'graceful-start',
    description: 'stop VRRP gracefully (SIGTERM: priority 0 sent, VIP removed); heal: vrrp-start',
    roles: ['web'],
    apply: () => [{ do: 'exec', cmd: ['/opt/chaos/bin/vrrp-stop'] }],
    heal: () => [{ do: 'exec', cmd: ['/opt/chaos/bin/vrrp-start'] }],
  },
  {
    name: 'block-vrrp',
    healName: 'unblock-vrrp',
    description: `iptables drops all VRRP (protocol ${VRRP_PROTO}, unicast too), in, out or both`,
    roles: ['web'],
    apply: (ctx) => insertAll(directed(vrrpRules, ctx)),
    heal: (ctx) => deleteAll(directed(vrrpRules, ctx)),
  },
  {
    name: 'partition',
    healName: 'unpartition',
    description: 'iptables drops every packet from and to the peers (the other side)',
    roles: ['web'],
    apply: (ctx) => insertAll(partitionRules(ctx)),
    heal: (ctx) => deleteAll(partitionRules(ctx)),
  },
  {
    name: 'pause',
    healName: 'resume',
    description: 'freeze the node (docker pause: every process stopped, the link stays up)',
    roles: ['web', 'mysql', 'prober'],
    apply: () => [{ do: 'pause' }],
    heal: () => [{ do: 'unpause' }],
  },
  {
    name: 'kill-process',
    healName: 'start-process',
    description:
      'SIGKILL a process by name (default nginx, via nginx-stop); heal starts nginx or VRRP again',
    roles: ['web'],
    apply: (ctx) => {
      const name = processName(ctx);
      if (name === 'nginx') return [{ do: 'exec', cmd: ['/opt/chaos/bin/nginx-stop'] }];
      return [sh(`pkill -KILL -x ${name}; true`)];
    },
    heal: (ctx) => {
      const name = processName(ctx);
      if (name === 'nginx') return [{ do: 'exec', cmd: ['/opt/chaos/bin/nginx-start'] }];
      if (name === 'keepalived' || name === 'node')
        return [{ do: 'exec', cmd: ['/opt/chaos/bin/vrrp-start'] }];
      // Anything else is supervised (the shop's loop restarts it) or stays down.
      return [];
    },
  },
  {
    name: 'loss',
    healName: 'unloss',
    description: "tc netem drops a share of the node's outgoing packets (needs sch_netem)",
    roles: ['web'],
    apply: (ctx) => netem(['loss', percent(ctx.rate ?? 0)]),
    heal: () => netemClear,
  },
  {
    name: 'delay',
    healName: 'undelay',
    description: "tc netem delays the node's outgoing packets (needs sch_netem)",
    roles: ['web'],
    apply: (ctx) =>
      netem(['delay', `${ctx.latencyMs ?? 0}ms`, ...(ctx.jitterMs ? [`${ctx.jitterMs}ms`] : [])]),
    heal: () => netemClear,
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
