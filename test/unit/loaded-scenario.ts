/** A scenario from its steps on the seed lab (no config files), loaded or thrown with its problems. */
import { formatDiagnostic } from '../../src/errors';
import { memorySource } from '../../src/keepalived';
import { parseScenarioText, type LoadedScenario } from '../../src/scenario/loader';

export function loadedScenario(steps: string, name = 'x'): LoadedScenario {
  const r = parseScenarioText(
    `name: ${name}\nsteps:\n${steps}`,
    `/s/${name}.yaml`,
    memorySource({}),
  );
  if (!r.scenario) throw new Error(r.errors.map(formatDiagnostic).join('\n'));
  return { file: r.file, scenario: r.scenario, configs: r.configs };
}
