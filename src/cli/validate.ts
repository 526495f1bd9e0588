import type { Command } from 'commander';
import { ValidationError, formatDiagnostic, type Diagnostic } from '../errors';
import { fsSource } from '../keepalived/fs-source';
import { loadScenarioFile } from '../scenario/loader';
import { scenarioJsonSchema } from '../scenario/schema';
import { EXIT } from './exit-codes';
import type { CommandContext } from './context';
import { expandScenarioPaths } from './run';

/**
 * `chaos validate FILE|DIR... [--schema]`: check scenario files (and the keepalived configs
 * they name) without running them. Every valid file prints `ok FILE`; every problem of every
 * file prints as `file:line:col: message` on stderr, and the exit code is then 2.
 * `--schema` prints the scenario JSON Schema (schema/scenario.schema.json is this output).
 */
export function registerValidateCommand(program: Command, ctx: CommandContext): void {
  program
    .command('validate')
    .description('check scenario files and the keepalived configs they use')
    .argument('[paths...]', 'scenario files, or folders of *.yaml')
    .option('--schema', 'print the scenario JSON Schema and exit')
    .action((paths: string[], options: { schema?: boolean }) => {
      if (options.schema) {
        ctx.io.stdout(`${JSON.stringify(scenarioJsonSchema(), null, 2)}\n`);
        return;
      }
      if (paths.length === 0) {
        ctx.io.stderr('chaos validate: give one or more scenario files or folders\n');
        ctx.setExit(EXIT.badInput);
        return;
      }
      const source = fsSource();
      for (const file of expandScenarioPaths(paths)) {
        let diagnostics: readonly Diagnostic[];
        try {
          diagnostics = loadScenarioFile(file, source).diagnostics;
        } catch (error) {
          if (!(error instanceof ValidationError)) throw error;
          diagnostics = error.diagnostics;
        }
        for (const d of diagnostics) ctx.io.stderr(`${formatDiagnostic(d)}\n`);
        if (diagnostics.some((d) => d.severity === 'error')) ctx.setExit(EXIT.badInput);
        else ctx.io.stdout(`ok ${file}\n`);
      }
    });
}
