import type { Command } from 'commander';
import { InputError } from '../errors';
import { describeFaults } from '../lab/faults';
import { defaultLabCliDeps, openLab, pickLab } from './lab';
import type { LabCliDeps } from './lab';
import type { CommandContext } from './program';

/**
 * `chaos fault NAME NODE` / `chaos heal NAME NODE`: the seed's manual experiments on a lab that
 * is up (see src/lab/faults.ts). `chaos fault --list` prints the table. A heal name after
 * `fault` heals (`chaos fault power-on server01` = `chaos heal power-off server01`). Heals are
 * idempotent. Exits: 0 done; 2 unknown fault/node/lab or a fault that does not apply to the
 * node's role; 3 Docker or the step failed.
 */
export function registerFaultCommands(
  program: Command,
  ctx: CommandContext,
  deps: LabCliDeps = defaultLabCliDeps,
): void {
  const run = async (
    action: 'apply' | 'heal',
    name: string,
    node: string,
    options: { lab?: string },
  ): Promise<void> => {
    const driver = await openLab(ctx, deps);
    const lab = await pickLab(driver, options.lab);
    const started = Date.now();
    const done = await lab.fault(name, node, action, {
      progress: (line) => ctx.io.stdout(`  ${line}\n`),
    });
    const verb = done.action === 'apply' ? done.fault.name : done.fault.healName;
    ctx.io.stdout(
      `${verb} ${node}: done in ${((Date.now() - started) / 1000).toFixed(1)} s (lab ${lab.name})\n`,
    );
  };

  program
    .command('fault')
    .description('inject a fault into a lab node (chaos fault --list)')
    .argument('[name]', 'the fault, e.g. power-off, network-down, kill-nginx, block-multicast')
    .argument('[node]', 'the node, e.g. server01')
    .option('--list', 'list the faults')
    .option('--lab <name>', 'the lab (default: the only one up)')
    .action(
      async (
        name: string | undefined,
        node: string | undefined,
        options: { list?: boolean; lab?: string },
      ) => {
        if (options.list) {
          ctx.io.stdout(describeFaults());
          return;
        }
        if (name === undefined || node === undefined)
          throw new InputError(
            'BAD_ARGUMENT',
            'usage: chaos fault NAME NODE (or chaos fault --list)',
          );
        await run('apply', name, node, options);
      },
    );

  program
    .command('heal')
    .description('undo a fault on a lab node (idempotent)')
    .argument('<name>', 'the fault to heal (power-off) or the heal (power-on)')
    .argument('<node>', 'the node')
    .option('--lab <name>', 'the lab (default: the only one up)')
    .action(async (name: string, node: string, options: { lab?: string }) => {
      await run('heal', name, node, options);
    });
}
