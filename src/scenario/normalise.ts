/**
 * Schema-valid scenario input -> Scenario: defaults, durations in ms, targets as lists, then the
 * rules zod cannot state (known node names, one condition per expect, a node role that fits the
 * fault). Every problem is returned, each with its path in the document. Pure.
 */
import { parseDuration } from './duration';
import { allFaults, broughtNodes, faultDef, type FaultLab } from '../faults';
import { normaliseLab, type IssuePath, type PathIssue } from './lab';
import {
  EXPECT_CONDITIONS,
  type ExpectationInput,
  type FaultStepInput,
  type HealStepInput,
  type ScenarioFile,
} from './schema';
import {
  DEFAULT_GAP_TOLERANCE_MS,
  DEFAULT_PROBE_INTERVAL_MS,
  DEFAULT_PROBE_TIMEOUT_MS,
  type Expectation,
  type FaultSpec,
  type HealSpec,
  type Scenario,
  type ScenarioLab,
  type Step,
} from './types';

export type { PathIssue } from './lab';

/** Durations were checked by the schema's pattern; this only narrows the type. */
function ms(text: string): number {
  return parseDuration(text) ?? 0;
}

function targetsOf(
  step: { node?: string | undefined; nodes?: string[] | undefined },
  at: IssuePath,
  issues: PathIssue[],
  required: boolean,
): string[] | undefined {
  if (step.node !== undefined && step.nodes !== undefined) {
    issues.push({ path: [...at, 'nodes'], message: 'give node or nodes, not both', atKey: true });
    return [step.node, ...step.nodes];
  }
  if (step.node !== undefined) return [step.node];
  if (step.nodes !== undefined) return step.nodes;
  if (required) issues.push({ path: at, message: 'this fault needs a target: node or nodes' });
  return undefined;
}

/** A fault step of the file -> its spec: targets, then the fault's own normalisation. */
export function faultSpec(
  s: FaultStepInput,
  at: IssuePath,
  lab: FaultLab,
  issues: PathIssue[],
): FaultSpec {
  const def = faultDef(s.fault);
  const input = s as Record<string, unknown> & { node?: string; nodes?: string[] };
  const targets =
    def.target === 'nodes'
      ? { nodes: targetsOf(input, at, issues, true) ?? [] }
      : def.target === 'between'
        ? { between: input.between }
        : {};
  const normalised = def.normalise?.(input, { lab, at, issue: (p) => issues.push(p) }) as
    object | undefined;
  const params = normalised ?? {};
  return { kind: def.kind, ...targets, ...params } as FaultSpec;
}

/** The keys heal steps may give to pick faults (kill-process: process; blocks: direction). */
const HEAL_OPTION_KEYS = [...new Set(allFaults().flatMap((d) => Object.keys(d.healOptions ?? {})))];

function healSpec(s: HealStepInput, at: IssuePath, issues: PathIssue[]): HealSpec {
  const h: HealSpec = { kind: s.heal };
  const nodes = targetsOf(s, at, issues, false);
  if (nodes) h.nodes = nodes;
  if (s.between) h.between = s.between;
  if (s.rogue !== undefined) h.rogue = s.rogue;
  const given = HEAL_OPTION_KEYS.filter((k) => (s as Record<string, unknown>)[k] !== undefined);
  const takes = s.heal === 'all' ? [] : Object.keys(faultDef(s.heal).healOptions ?? {});
  for (const k of given.filter((key) => !takes.includes(key))) {
    const by = allFaults().filter((d) => Object.keys(d.healOptions ?? {}).includes(k));
    issues.push({
      path: [...at, k],
      message: `heal ${s.heal} takes no ${k} (${by.map((d) => d.kind).join(', ')} do)`,
      atKey: true,
    });
  }
  if (given.length > 0)
    h.options = Object.fromEntries(given.map((k) => [k, (s as Record<string, unknown>)[k]]));
  return h;
}

function expectation(e: ExpectationInput, at: IssuePath, issues: PathIssue[]): Expectation {
  const given = EXPECT_CONDITIONS.filter((k) => e[k] !== undefined);
  if (given.length !== 1) {
    issues.push({
      path: at,
      message:
        given.length === 0
          ? `expect needs one condition: ${EXPECT_CONDITIONS.join(', ')}`
          : `expect takes one condition, got ${given.join(' and ')}: use one expect step each`,
      atKey: true,
    });
  }
  if (e.vipOwner !== undefined) return { kind: 'vip-owner', node: e.vipOwner };
  if (e.noOwner !== undefined) return { kind: 'no-owner' };
  if (e.splitBrain !== undefined) return { kind: 'split-brain', present: e.splitBrain };
  if (e.state !== undefined) return { kind: 'state', node: e.state.node, state: e.state.is };
  if (e.lastOutage !== undefined) return { kind: 'last-outage', underMs: ms(e.lastOutage.under) };
  if (e.servedBy !== undefined) return { kind: 'served-by', node: e.servedBy };
  if (e.answers !== undefined)
    return e.answers.by === undefined
      ? { kind: 'answers', status: e.answers.status }
      : { kind: 'answers', status: e.answers.status, node: e.answers.by };
  if (e.switchovers !== undefined) return switchoverCount(e.switchovers, at, issues);
  const sw = e.switchover ?? {};
  const out: Expectation = {
    kind: 'switchover',
    toleranceMs: sw.tolerance === undefined ? DEFAULT_GAP_TOLERANCE_MS : ms(sw.tolerance),
  };
  if (sw.from !== undefined) out.from = sw.from;
  if (sw.to !== undefined) out.to = sw.to;
  if (sw.gap !== undefined) out.gapMs = ms(sw.gap);
  return out;
}

/** `switchovers: { atMost | count, last? }`: exactly one of atMost and count. */
function switchoverCount(
  s: NonNullable<ExpectationInput['switchovers']>,
  at: IssuePath,
  issues: PathIssue[],
): Expectation {
  if ((s.atMost === undefined) === (s.count === undefined))
    issues.push({
      path: [...at, 'switchovers'],
      message: 'switchovers takes atMost or count (one of them)',
      atKey: true,
    });
  const out: Expectation = { kind: 'switchover-count' };
  if (s.atMost !== undefined) out.atMost = s.atMost;
  if (s.count !== undefined) out.count = s.count;
  if (s.last !== undefined) out.lastMs = ms(s.last);
  return out;
}

/** Names a step or expectation refers to, with where they are written. */
function references(
  step: Step,
  at: IssuePath,
  raw: object,
): { name: string; path: IssuePath; vrrp: boolean }[] {
  const refs: { name: string; path: IssuePath; vrrp: boolean }[] = [];
  // Targets were written as `node: X` or `nodes: [...]` (node first when both).
  const list = (names: readonly string[] | undefined, vrrp: boolean): void => {
    const single = 'node' in raw ? 1 : 0;
    names?.forEach((name, i) =>
      refs.push({
        name,
        path: i < single ? [...at, 'node'] : [...at, 'nodes', i - single],
        vrrp,
      }),
    );
  };
  switch (step.kind) {
    case 'fault': {
      const f = step.fault;
      if ('between' in f) {
        f.between.forEach((side, s) =>
          side.forEach((name, i) =>
            refs.push({ name, path: [...at, 'between', s, i], vrrp: false }),
          ),
        );
      } else if ('nodes' in f) {
        list(f.nodes, faultDef(f.kind).vrrpTargets === true);
      }
      break;
    }
    case 'heal':
      list(step.heal.nodes, false);
      step.heal.between?.forEach((side, s) =>
        side.forEach((name, i) => refs.push({ name, path: [...at, 'between', s, i], vrrp: false })),
      );
      break;
    case 'expect': {
      const e = step.expect;
      const p = [...at, 'expect'];
      if (e.kind === 'vip-owner') refs.push({ name: e.node, path: [...p, 'vipOwner'], vrrp: true });
      if (e.kind === 'served-by') refs.push({ name: e.node, path: [...p, 'servedBy'], vrrp: true });
      if (e.kind === 'answers' && e.node !== undefined)
        refs.push({ name: e.node, path: [...p, 'answers', 'by'], vrrp: true });
      if (e.kind === 'state')
        refs.push({ name: e.node, path: [...p, 'state', 'node'], vrrp: true });
      if (e.kind === 'switchover') {
        if (e.from !== undefined)
          refs.push({ name: e.from, path: [...p, 'switchover', 'from'], vrrp: true });
        if (e.to !== undefined)
          refs.push({ name: e.to, path: [...p, 'switchover', 'to'], vrrp: true });
      }
      break;
    }
    case 'wait':
      break;
  }
  return refs;
}

/** Every step of the file -> Step, and the fault specs by kind (with where they are). */
function normaliseSteps(
  file: ScenarioFile,
  lab: ScenarioLab,
  issues: PathIssue[],
): { steps: Step[]; byKind: Map<string, { spec: FaultSpec; at: IssuePath }[]> } {
  const steps: Step[] = [];
  const byKind = new Map<string, { spec: FaultSpec; at: IssuePath }[]>();
  file.steps.forEach((input, i) => {
    const at: IssuePath = ['steps', i];
    const note = input.note !== undefined ? { note: input.note } : {};
    if ('fault' in input) {
      const fault = faultSpec(input, at, lab, issues);
      byKind.set(fault.kind, [...(byKind.get(fault.kind) ?? []), { spec: fault, at }]);
      const flap =
        input.flap === undefined
          ? {}
          : { flap: { everyMs: ms(input.flap.every), times: input.flap.times } };
      steps.push({ kind: 'fault', fault, ...flap, ...note });
    } else if ('heal' in input) {
      steps.push({ kind: 'heal', heal: healSpec(input, at, issues), ...note });
    } else if ('wait' in input) {
      steps.push({ kind: 'wait', ms: ms(input.wait), ...note });
    } else {
      const e = input.expect;
      steps.push({
        kind: 'expect',
        expect: expectation(e, [...at, 'expect'], issues),
        withinMs: e.within === undefined ? null : ms(e.within),
        ...note,
      });
    }
  });
  return { steps, byKind };
}

/** The routers the faults bring, by name; one name for two kinds of router is an error. */
function broughtNames(
  byKind: ReadonlyMap<string, { spec: FaultSpec; at: IssuePath }[]>,
  issues: PathIssue[],
): Set<string> {
  const kindOf = new Map<string, string>();
  for (const [kind, specs] of byKind)
    for (const { spec, at } of specs)
      for (const { name } of broughtNodes(spec)) {
        const other = kindOf.get(name);
        if (other !== undefined && other !== kind)
          issues.push({
            path: [...at, 'rogue'],
            message: `${other} already brings a router called ${name}: give this one another name (rogue: ...)`,
          });
        else kindOf.set(name, kind);
      }
  return new Set(kindOf.keys());
}

/** Names: lab nodes, plus the routers faults bring (a rogue-advert's). */
function checkNames(
  file: ScenarioFile,
  steps: readonly Step[],
  lab: ScenarioLab,
  rogues: ReadonlySet<string>,
  issues: PathIssue[],
): void {
  const roles = new Map(lab.nodes.map((n) => [n.name, n.role]));
  steps.forEach((step, i) => {
    for (const ref of references(step, ['steps', i], file.steps[i] ?? {})) {
      const role = roles.get(ref.name);
      if (role === undefined && !rogues.has(ref.name)) {
        const known = [...roles.keys(), ...rogues.keys()].join(', ');
        issues.push({
          path: ref.path,
          message: `no node named ${ref.name} in the lab (have ${known})`,
        });
      } else if (ref.vrrp && role !== undefined && role !== 'web') {
        issues.push({ path: ref.path, message: `${ref.name} is a ${role} node: it runs no VRRP` });
      }
    }
    if (step.kind === 'heal' && step.heal.rogue !== undefined && !rogues.has(step.heal.rogue))
      issues.push({
        path: ['steps', i, 'rogue'],
        message: `no rogue router named ${step.heal.rogue} (a rogue-advert fault names it)`,
      });
  });
}

function sloOf(file: ScenarioFile): Scenario['slo'] {
  if (!file.slo) return null;
  const slo: NonNullable<Scenario['slo']> = {};
  if (file.slo.availability !== undefined) slo.availability = file.slo.availability;
  if (file.slo.maxDowntime !== undefined) slo.maxDowntimeMs = ms(file.slo.maxDowntime);
  if (file.slo.incidentsPerYear !== undefined) slo.incidentsPerYear = file.slo.incidentsPerYear;
  return slo;
}

export function normaliseScenario(
  file: ScenarioFile,
  baseDir: string,
): { scenario: Scenario; issues: PathIssue[] } {
  const { lab, issues } = normaliseLab(file.lab, baseDir);
  const { steps, byKind } = normaliseSteps(file, lab, issues);
  // Rules across a fault's steps (a rogue defined twice), from its record.
  const labNames = lab.nodes.map((n) => n.name);
  for (const [kind, specs] of byKind)
    issues.push(...(faultDef(kind).check?.(specs, labNames) ?? []));
  const rogues = broughtNames(byKind, issues);
  checkNames(file, steps, lab, rogues, issues);
  const probe = {
    url: file.probe?.url ?? `http://${lab.vip}/`,
    intervalMs: file.probe?.intervalMs ?? DEFAULT_PROBE_INTERVAL_MS,
    timeoutMs: file.probe?.timeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS,
  };
  return {
    scenario: {
      name: file.name,
      description: file.description ?? '',
      drivers: file.drivers ?? [],
      lab,
      probe,
      steps,
      slo: sloOf(file),
    },
    issues,
  };
}

/** The faults a scenario's steps apply, in step order. */
export function scenarioFaults(scenario: Scenario): FaultSpec[] {
  return scenario.steps.flatMap((step) => (step.kind === 'fault' ? [step.fault] : []));
}
