/**
 * `chaos explore FILE`: FILE is a scenario (its lab, probe and objectives are used, its steps
 * ignored) or a lab file (`chaos lab up --file`'s format). Either way the result is the base
 * every run starts from: the scenario file's data with the web nodes' config paths made
 * absolute, the loaded scenario (parsed configs) and the bounds. Pure: files come through a
 * ConfigSource.
 */
import path from 'node:path';
import { parseDocument, stringify } from 'yaml';
import { ValidationError } from '../errors';
import type { ConfigSource } from '../keepalived';
import { parseLabFile } from '../lab/lab-file';
import type { LabSpec } from '../lab/lab-spec';
import {
  SCENARIO_NOT_FOUND,
  assertValidScenario,
  parseScenarioText,
  type LoadedScenario,
} from '../scenario/loader';
import { scenarioFileSchema, type ScenarioFile } from '../scenario/schema';
import { labBounds, labInstance, type LabBounds } from './bounds';

export interface ExploreBase {
  /** The file explored, as given. */
  file: string;
  /** Its folder: where relative paths of the scenario resolve. */
  dir: string;
  /** The scenario file's data (steps are the explorer's), web config paths absolute. */
  data: ScenarioFile;
  loaded: LoadedScenario;
  bounds: LabBounds;
  /** The first web node's PASS password, or null. */
  password: string | null;
}

/** A lab file as a scenario's data: the same lab, one placeholder step. */
function labScenario(spec: LabSpec): ScenarioFile {
  const nodes: NonNullable<NonNullable<ScenarioFile['lab']>['nodes']> = {};
  for (const n of spec.nodes)
    nodes[n.name] = {
      role: n.role,
      address: n.address,
      ...(n.vrrp !== undefined && n.role === 'web' ? { vrrp: n.vrrp } : {}),
      ...(n.configPath !== undefined ? { config: n.configPath } : {}),
    };
  return {
    name: spec.name,
    lab: {
      name: spec.name,
      subnet: spec.subnet,
      gateway: spec.gateway,
      vip: spec.vip,
      vrid: spec.vrid,
      nodes,
    },
    steps: [{ wait: '1s' }],
  };
}

/** Config paths of the data made absolute (from the scenario file's folder). */
function absoluteConfigs(data: ScenarioFile, dir: string): ScenarioFile {
  const nodes = data.lab?.nodes;
  if (!data.lab || !nodes) return data;
  const out: typeof nodes = {};
  for (const [name, n] of Object.entries(nodes))
    out[name] = n.config === undefined ? n : { ...n, config: path.resolve(dir, n.config) };
  return { ...data, lab: { ...data.lab, nodes: out } };
}

function isLabFile(doc: unknown): boolean {
  return (
    typeof doc === 'object' &&
    doc !== null &&
    !('steps' in doc) &&
    Array.isArray((doc as { nodes?: unknown }).nodes)
  );
}

export function loadExploreInput(file: string, source: ConfigSource): ExploreBase {
  const text = source.readFile(file);
  if (text === undefined)
    throw new ValidationError(SCENARIO_NOT_FOUND, [
      { file, line: 1, col: 1, message: 'no such scenario or lab file', severity: 'error' },
    ]);
  const dir = path.dirname(file);
  const raw: unknown = parseDocument(text).toJS();
  let data: ScenarioFile;
  let loaded: LoadedScenario;
  if (isLabFile(raw)) {
    data = labScenario(parseLabFile(text, file, source));
    loaded = assertValidScenario(parseScenarioText(stringify(data), file, source));
  } else {
    loaded = assertValidScenario(parseScenarioText(text, file, source));
    data = absoluteConfigs(scenarioFileSchema.parse(raw), dir);
  }
  const { lab } = loaded.scenario;
  const first = lab.nodes.find((n) => n.role === 'web');
  const auth = first
    ? labInstance(loaded.configs[first.name]?.instances ?? [], lab.vrid, lab.vip)?.auth
    : null;
  return {
    file,
    dir,
    data,
    loaded,
    bounds: labBounds(loaded),
    password: auth?.type === 'PASS' ? auth.password : null,
  };
}
