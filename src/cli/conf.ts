import type { Command } from 'commander';
import { formatDiagnostic } from '../errors';
import {
  assertValidKeepalivedConf,
  loadKeepalivedConf,
  summariseKeepalivedConf,
} from '../keepalived';
import { fsSource, hostPreprocessOptions } from '../keepalived/fs-source';
import type { CommandContext } from './context';

/**
 * `chaos conf check FILE [--json] [--config-id ID]`: parse a keepalived.conf (and its includes) as keepalived 2.2.7
 * would. Valid: the normalised config on stdout (a summary, or JSON), warnings on stderr, exit 0.
 * Invalid: a ValidationError listing every problem as file:line:col (exit 2). Missing file:
 * CONF_NOT_FOUND (exit 2).
 */
export function registerConfCommands(program: Command, ctx: CommandContext): void {
  const conf = program.command('conf').description('keepalived.conf tools');
  conf
    .command('check')
    .description('parse and check a keepalived.conf as keepalived 2.2.7 reads it')
    .argument('<file>', 'keepalived.conf to check')
    .option('--json', 'print the normalised config as JSON')
    .option(
      '-i, --config-id <id>',
      'which @ID lines apply, as keepalived -i (default: the hostname up to its first dot)',
    )
    .action((file: string, options: { json?: boolean; configId?: string }) => {
      const result = loadKeepalivedConf(file, fsSource(), hostPreprocessOptions(options.configId));
      const config = assertValidKeepalivedConf(result);
      for (const warning of result.warnings) ctx.io.stderr(`${formatDiagnostic(warning)}\n`);
      ctx.io.stdout(
        options.json
          ? `${JSON.stringify(config, null, 2)}\n`
          : summariseKeepalivedConf(config, file),
      );
    });
}
