/**
 * Scenario files: YAML text -> validated, normalised Scenario, or every problem at once as
 * `file:line:col: message`. Stages (changesets' parse -> normalise -> rules):
 *   1. YAML (with a LineCounter for positions); syntax errors stop here.
 *   2. The zod schema (schema.ts); issues are mapped to the node they are about.
 *   3. normalise.ts: defaults and cross-field rules.
 *   4. The keepalived configs the lab names must exist and parse (their own diagnostics kept).
 * All file access goes through a ConfigSource (fsSource() at the CLI edge).
 */
import path from 'node:path';
import type { Document, LineCounter } from 'yaml';
import type { z } from 'zod';
import { ChaosError, ValidationError, type Diagnostic } from '../errors';
import { loadKeepalivedConf, parseKeepalivedConf, type ConfigSource } from '../keepalived';
import type { KeepalivedConfig } from '../keepalived';
import type { IssuePath, PathIssue } from './lab';
import { normaliseScenario } from './normalise';
import { positionOf } from './positions';
import { parseYamlText, yamlValue } from './yaml-text';
import {
  FAULT_KINDS,
  STEP_KEYS,
  scenarioFileSchema,
  stepSchemas,
  type ScenarioFile,
} from './schema';
import type { Scenario } from './types';

export const SCENARIO_INVALID = 'SCENARIO_INVALID';
export const SCENARIO_NOT_FOUND = 'SCENARIO_NOT_FOUND';

export interface ScenarioLoadResult {
  file: string;
  /** Present when there are no errors. */
  scenario?: Scenario;
  /** Parsed keepalived configs of the web nodes, by node name (when valid). */
  configs: Record<string, KeepalivedConfig>;
  /** Errors and warnings, scenario file first, in position order. */
  diagnostics: Diagnostic[];
  errors: Diagnostic[];
}

export interface LoadedScenario {
  file: string;
  scenario: Scenario;
  configs: Record<string, KeepalivedConfig>;
}

function valueAt(root: unknown, p: IssuePath): unknown {
  let v = root;
  for (const seg of p) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string | number, unknown>)[seg];
  }
  return v;
}

function dotted(p: IssuePath): string {
  return p.reduce<string>(
    (s, seg) => (typeof seg === 'number' ? `${s}[${seg}]` : s ? `${s}.${seg}` : seg),
    '',
  );
}

function shown(v: unknown): string {
  const text = JSON.stringify(v);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** zod issues -> path issues in plain words; a step union is resolved by the step's key. */
export function explainIssues(
  issues: readonly z.core.$ZodIssue[],
  input: unknown,
  prefix: IssuePath = [],
): PathIssue[] {
  const out: PathIssue[] = [];
  for (const issue of issues) {
    const p: IssuePath = [...prefix, ...(issue.path as (string | number)[])];
    const value = valueAt(input, p);
    const where = dotted(p);
    switch (issue.code) {
      case 'invalid_union': {
        if ('discriminator' in issue && issue.discriminator === 'fault') {
          out.push({
            path: p,
            message: `unknown fault ${shown(value)} (known: ${FAULT_KINDS.join(', ')})`,
          });
          break;
        }
        const key =
          value !== null && typeof value === 'object'
            ? STEP_KEYS.find((k) => k in value)
            : undefined;
        if (key) {
          const again = stepSchemas[key].safeParse(value);
          if (!again.success) out.push(...explainIssues(again.error.issues, input, p));
        } else {
          out.push({
            path: p,
            message: `${where || 'value'}: a step is a mapping with one of ${STEP_KEYS.join(', ')}`,
          });
        }
        break;
      }
      case 'unrecognized_keys':
        for (const key of issue.keys)
          out.push({
            path: [...p, key],
            message: `unknown key ${key}${where ? ` in ${where}` : ''}`,
            atKey: true,
          });
        break;
      case 'invalid_type':
        out.push(
          value === undefined
            ? { path: p, message: `${where} is required` }
            : { path: p, message: `${where}: expected ${issue.expected}, got ${shown(value)}` },
        );
        break;
      default:
        out.push({
          path: p,
          message: `${where}: ${issue.message}${value !== undefined && typeof value !== 'object' ? `: ${shown(value)}` : ''}`,
        });
    }
  }
  return out;
}

function toDiagnostics(
  file: string,
  doc: Document,
  lines: LineCounter,
  issues: readonly PathIssue[],
): Diagnostic[] {
  return issues.map((i) => ({
    file,
    ...positionOf(doc, lines, i.path, i.atKey),
    message: i.message,
    severity: 'error' as const,
  }));
}

function byPosition(a: Diagnostic, b: Diagnostic): number {
  return a.line - b.line || a.col - b.col;
}

/** The web nodes' keepalived configs: each must exist, parse, and serve the lab's VRID and VIP. */
function loadWebConfigs(
  scenario: Scenario,
  result: ScenarioLoadResult,
  raw: ScenarioFile,
  source: ConfigSource,
  report: (issues: PathIssue[]) => void,
): void {
  for (const node of scenario.lab.nodes) {
    if (node.role !== 'web') continue;
    const at: IssuePath = ['lab', 'nodes', node.name, 'config'];
    let parsedConf;
    if (node.configPath !== undefined) {
      try {
        // In the lab a node's hostname is its name: keepalived's default config id (`-i`).
        parsedConf = loadKeepalivedConf(node.configPath, source, { configId: node.name });
        node.configText = source.readFile(node.configPath) ?? '';
      } catch (error) {
        const written = raw.lab?.nodes?.[node.name]?.config ?? node.configPath;
        const why = error instanceof ChaosError ? error.message : String(error);
        report([
          {
            path: at,
            message: `cannot read keepalived config ${written} (${node.configPath}): ${why}`,
          },
        ]);
        continue;
      }
    } else {
      parsedConf = parseKeepalivedConf(
        node.configText ?? '',
        `<seed config of ${node.name}>`,
        undefined,
        { configId: node.name },
      );
    }
    result.diagnostics.push(...parsedConf.diagnostics);
    if (parsedConf.errors.length > 0) continue;
    const conf = parsedConf.config;
    const problems: string[] = [];
    if (conf.instances.length === 0) problems.push('has no vrrp_instance');
    else if (
      !conf.instances.some(
        (i) => i.vrid === scenario.lab.vrid && i.vips.some((v) => v.address === scenario.lab.vip),
      )
    )
      problems.push(
        `has no vrrp_instance with VRID ${scenario.lab.vrid} and VIP ${scenario.lab.vip}`,
      );
    if (problems.length > 0) {
      report([{ path: at, message: `${node.name}'s keepalived config ${problems.join(', ')}` }]);
      continue;
    }
    result.configs[node.name] = conf;
  }
}

/** Parse and check scenario text; `source` reads the keepalived configs it names. */
export function parseScenarioText(
  text: string,
  file: string,
  source: ConfigSource,
): ScenarioLoadResult {
  const result: ScenarioLoadResult = { file, configs: {}, diagnostics: [], errors: [] };
  const finish = (): ScenarioLoadResult => {
    result.errors = result.diagnostics.filter((d) => d.severity === 'error');
    if (result.errors.length > 0) delete result.scenario;
    return result;
  };
  const yaml = parseYamlText(text, file);
  const { doc, lines } = yaml;
  for (const p of yaml.problems) result.diagnostics.push({ ...p, message: `YAML: ${p.message}` });
  if (doc.errors.length > 0) return finish();

  const read = yamlValue(yaml, file);
  if ('diagnostic' in read) {
    result.diagnostics.push(read.diagnostic);
    return finish();
  }
  const input = read.value;
  const parsed = scenarioFileSchema.safeParse(input);
  if (!parsed.success) {
    result.diagnostics.push(
      ...toDiagnostics(file, doc, lines, explainIssues(parsed.error.issues, input)),
    );
    result.diagnostics.sort(byPosition);
    return finish();
  }
  const { scenario, issues } = normaliseScenario(parsed.data, path.dirname(file));
  result.diagnostics.push(...toDiagnostics(file, doc, lines, issues));
  result.diagnostics.sort(byPosition);
  result.scenario = scenario;

  // The web nodes' keepalived configs: they must exist and parse.
  const report = (issues: PathIssue[]): void => {
    result.diagnostics.push(...toDiagnostics(file, doc, lines, issues));
  };
  loadWebConfigs(scenario, result, parsed.data, source, report);
  return finish();
}

/** Read and check a scenario file. Throws SCENARIO_NOT_FOUND when there is no such file. */
export function loadScenarioFile(file: string, source: ConfigSource): ScenarioLoadResult {
  const text = source.readFile(file);
  if (text === undefined)
    throw new ValidationError(SCENARIO_NOT_FOUND, [
      { file, line: 1, col: 1, message: 'no such scenario file', severity: 'error' },
    ]);
  return parseScenarioText(text, file, source);
}

/** The scenario, or a ValidationError (SCENARIO_INVALID) with every diagnostic. */
export function assertValidScenario(result: ScenarioLoadResult): LoadedScenario {
  if (result.errors.length > 0 || !result.scenario)
    throw new ValidationError(SCENARIO_INVALID, result.diagnostics);
  return { file: result.file, scenario: result.scenario, configs: result.configs };
}
