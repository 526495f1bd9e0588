/**
 * The plan of a suite, as `chaos run --dry-run` shows it: for each scenario the lab it would
 * bring up (the Docker driver's network, containers, images and addresses), each step with its
 * targets, its `within` and the latest time it can end, and the bounds the configs set
 * (Master_Down_Interval and the rest, src/explore/bounds.ts). Pure: loaded scenarios, the image
 * tags and the driver's refusals come in; nothing is started, built or written.
 */
import { broughtNodes, targetNodes } from '../faults';
import { labBounds, type LabBounds } from '../explore/bounds';
import { containerName, networkName } from '../lab/labels';
import type { LoadedScenario } from '../scenario/loader';
import type { DriverName, Expectation, NodeRole, Step } from '../scenario/types';
import { describeStep } from './describe';
import type { Refusal } from './driver';
import { STEADY_STATE_TIMEOUT_MS } from './runner';

/** The lab's three images by name, or why their tags could not be computed (no dist/). */
export type PlanImages =
  | { kind: 'tags'; web: string; mysql: string; prober: string }
  | { kind: 'unknown'; problem: string };

export interface PlanNode {
  name: string;
  /** A lab role, or `brought by a fault` (a rogue router, a flood sender: the web image). */
  role: NodeRole | 'brought by a fault';
  address: string;
  vrrp?: string;
  /** The keepalived.conf file, or null: the seed's config rendered for the lab. */
  config?: string | null;
  /** Docker: the container's name and image; null in the simulator. */
  container: string | null;
  image: string | null;
}

export interface PlanStep {
  /** 1-based, as the reports count. */
  index: number;
  kind: Step['kind'];
  text: string;
  /** The nodes (and foreign routers) it acts on or checks. */
  targets: string[];
  /** An expect's `within`, ms (null: checked once). */
  withinMs: number | null;
  /** The latest time the step can end, ms after the steady state (waits and withins summed). */
  byMs: number;
}

export interface ScenarioPlan {
  file: string;
  name: string;
  /** false: the scenario's `drivers:` leaves this driver out; it would be skipped. */
  runs: boolean;
  /** The scenario's `drivers:` (empty: all). */
  drivers: DriverName[];
  /** Its lab has the previous scenario's definition: Docker reuses it (after a VRRP restart). */
  sameLabAsPrevious: boolean;
  lab: {
    name: string;
    subnet: string;
    gateway: string;
    vip: string;
    vrid: number;
    /** Docker: the bridge network; null in the simulator. */
    network: string | null;
    nodes: PlanNode[];
  };
  probe: { url: string; intervalMs: number; timeoutMs: number };
  /** How long the runner waits for one VIP owner and a good request before the steps. */
  steadyStateTimeoutMs: number;
  steps: PlanStep[];
  bounds: LabBounds;
  slo: LoadedScenario['scenario']['slo'];
  /** What this driver refuses here: the real run would stop before any lab comes up. */
  refusals: string[];
}

export interface RunPlan {
  driver: DriverName;
  seed: number;
  /** Docker only (null in the simulator): the tags the Docker driver would use or build. */
  images: PlanImages | null;
  scenarios: ScenarioPlan[];
}

export interface PlanInput {
  driver: DriverName;
  seed: number;
  scenarios: readonly LoadedScenario[];
  images: PlanImages | null;
  /** The driver's refusals for a scenario (src/drivers/<name>/refusals.ts). */
  refusals: (l: LoadedScenario) => Refusal[];
}

function expectTargets(e: Expectation): string[] {
  switch (e.kind) {
    case 'vip-owner':
    case 'state':
    case 'served-by':
      return [e.node];
    case 'answers':
      return e.node !== undefined ? [e.node] : [];
    case 'switchover':
      return [e.from, e.to].filter((n): n is string => n !== undefined);
    default:
      return [];
  }
}

function stepTargets(step: Step): string[] {
  switch (step.kind) {
    case 'fault':
      return [...targetNodes(step.fault), ...broughtNodes(step.fault).map((n) => n.name)];
    case 'heal': {
      const h = step.heal;
      return [...(h.nodes ?? []), ...(h.between?.flat() ?? []), ...(h.rogue ? [h.rogue] : [])];
    }
    case 'wait':
      return [];
    case 'expect':
      return expectTargets(step.expect);
  }
}

/** How long a step may take: a wait its time, a flap its phases, an expect its `within`. */
function stepMs(step: Step): number {
  if (step.kind === 'wait') return step.ms;
  if (step.kind === 'expect') return step.withinMs ?? 0;
  if (step.kind === 'fault' && step.flap) return 2 * step.flap.everyMs * step.flap.times;
  return 0;
}

function planSteps(l: LoadedScenario): PlanStep[] {
  let by = 0;
  return l.scenario.steps.map((step, i) => {
    by += stepMs(step);
    return {
      index: i + 1,
      kind: step.kind,
      text: describeStep(step, l.scenario.lab.vip),
      targets: stepTargets(step),
      withinMs: step.kind === 'expect' ? step.withinMs : null,
      byMs: by,
    };
  });
}

/** The lab's nodes, with the Docker driver's containers and images; then the routers faults bring. */
function planNodes(l: LoadedScenario, input: PlanInput): PlanNode[] {
  const { lab } = l.scenario;
  const docker = input.driver === 'docker';
  const tags = input.images?.kind === 'tags' ? input.images : undefined;
  const imageOf = (role: NodeRole): string | null => (docker && tags ? tags[role] : null);
  const nodes: PlanNode[] = lab.nodes.map((n) => ({
    name: n.name,
    role: n.role,
    address: n.address,
    ...(n.role === 'web' ? { vrrp: n.vrrp ?? 'chaos', config: n.configPath ?? null } : {}),
    container: docker ? containerName(lab.name, n.name) : null,
    image: imageOf(n.role),
  }));
  const brought = l.scenario.steps.flatMap((s) =>
    s.kind === 'fault' ? broughtNodes(s.fault) : [],
  );
  for (const r of brought)
    if (!nodes.some((n) => n.name === r.name))
      nodes.push({
        name: r.name,
        role: 'brought by a fault',
        address: r.address,
        container: docker ? containerName(lab.name, r.name) : null,
        image: imageOf('web'),
      });
  return nodes;
}

/** `scenarios` in the order they would run (runSuite groups those of one lab: groupByLab). */
export function planRun(input: PlanInput): RunPlan {
  const scenarios = input.scenarios.map((l, i): ScenarioPlan => {
    const { scenario } = l;
    const runs = scenario.drivers.length === 0 || scenario.drivers.includes(input.driver);
    const previous = input.scenarios[i - 1]?.scenario.lab;
    return {
      file: l.file,
      name: scenario.name,
      runs,
      drivers: scenario.drivers,
      sameLabAsPrevious:
        previous !== undefined && JSON.stringify(previous) === JSON.stringify(scenario.lab),
      lab: {
        name: scenario.lab.name,
        subnet: scenario.lab.subnet,
        gateway: scenario.lab.gateway,
        vip: scenario.lab.vip,
        vrid: scenario.lab.vrid,
        network: input.driver === 'docker' ? networkName(scenario.lab.name) : null,
        nodes: planNodes(l, input),
      },
      probe: scenario.probe,
      steadyStateTimeoutMs: STEADY_STATE_TIMEOUT_MS,
      steps: planSteps(l),
      bounds: labBounds(l),
      slo: scenario.slo,
      refusals: runs
        ? input.refusals(l).map((r) => `step ${r.step + 1}: ${r.message} (${r.code})`)
        : [],
    };
  });
  return { driver: input.driver, seed: input.seed, images: input.images, scenarios };
}
