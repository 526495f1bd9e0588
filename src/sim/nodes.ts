/**
 * The simulated nodes: what each one is (its spec), its power, link, processes, routers, timers
 * and VIPs at run time, and how a node is found by name or by address.
 */
import type { InstanceConfig } from '../vrrp/config';
import { initialState, type RouterState } from '../vrrp/state-machine';
import type { CpuLateness } from './cpu-lateness';

export interface SimNodeSpec {
  name: string;
  address: string;
  /** One or more VRRP instances on the node's interface. */
  instances: InstanceConfig[];
  /** Processes the node runs (default: nginx). Track scripts check them, see `scriptChecks`. */
  processes?: string[];
  /** Virtual time at which the node boots (default 0). */
  bootAt?: number;
}

export interface NodeRuntime {
  spec: SimNodeSpec;
  powered: boolean;
  linkUp: boolean;
  processes: Set<string>;
  routers: RouterState[];
  /** Live timer deadlines per `${instanceIndex}|${timer}`. */
  timers: Map<string, number>;
  vips: Set<string>;
  /** Dropped packets by reason, as the state machine reported them. */
  drops: Record<string, number>;
  /** Bumps on power-off so that events scheduled before are void. */
  epoch: number;
  /** CPU-starved: how late its timers fire (kept across power-off, as a CPU quota is); null: not. */
  cpu: CpuLateness | null;
}

/** The nodes of one simulation, in the order they were given. */
export class SimNodes {
  readonly list: NodeRuntime[] = [];
  private readonly byName = new Map<string, NodeRuntime>();
  private readonly byAddress = new Map<string, string>();

  /** A new node, powered off, link up, its processes running. */
  add(spec: SimNodeSpec): NodeRuntime {
    if (this.byName.has(spec.name)) throw new Error(`Duplicate simulated node name: ${spec.name}`);
    const node: NodeRuntime = {
      spec,
      powered: false,
      linkUp: true,
      processes: new Set(spec.processes ?? ['nginx']),
      routers: [],
      timers: new Map(),
      vips: new Set(),
      drops: {},
      epoch: 0,
      cpu: null,
    };
    this.byName.set(spec.name, node);
    this.list.push(node);
    this.byAddress.set(spec.address, spec.name);
    for (const inst of spec.instances)
      if (inst.unicastSrcIp) this.byAddress.set(inst.unicastSrcIp, spec.name);
    return node;
  }

  names(): string[] {
    return [...this.byName.keys()];
  }

  /** The node named `name`; throws when there is none. */
  get(name: string): NodeRuntime {
    const n = this.byName.get(name);
    if (!n) throw new Error(`No simulated node named ${name} (have ${this.names().join(', ')})`);
    return n;
  }

  /** The node that has `address` (its own, or an instance's unicast source). */
  atAddress(address: string): NodeRuntime | undefined {
    return this.byName.get(this.byAddress.get(address) ?? '');
  }
}

/**
 * Power on (routers in their initial state) or off (no routers). Either way what the node had
 * scheduled is void (a new epoch), and its timers and VIPs are gone.
 */
export function resetNode(n: NodeRuntime, powered: boolean): void {
  n.powered = powered;
  n.epoch++;
  n.timers.clear();
  n.vips.clear();
  n.routers = powered ? n.spec.instances.map((c) => initialState(c, n.spec.address)) : [];
}

/**
 * A track script passes when every process it names (by the script's name or command
 * containing the process name) runs on the node; a script naming no known process passes
 * while the node's processes are all up.
 */
export function scriptOutcome(n: NodeRuntime, name: string, command: string): boolean {
  // `false` fails whatever runs: a check that can never pass (a wrong path, a typo'd test).
  if (/^(\/usr)?(\/bin\/)?false(\s|$)/.test(command.trim())) return false;
  const known = new Set([...(n.spec.processes ?? ['nginx'])]);
  const named = [...known].filter((p) => name.includes(p) || command.includes(p));
  const checked = named.length > 0 ? named : [...known];
  return checked.every((p) => n.processes.has(p));
}
