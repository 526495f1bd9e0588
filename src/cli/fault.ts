/**
 * `chaos fault NAME NODE` / `chaos heal NAME NODE`: the seed's manual experiments on a lab that
 * is up, from the fault catalog (src/faults). `chaos fault --list` prints the faults
 * (`--markdown`: the table of docs/scenarios.md). A heal name after `fault` heals (`chaos
 * fault power-on server01` = `chaos heal power-off server01`). Heals are idempotent. A fault's
 * options are given as `-o key=value` (`chaos fault delay server01 -o latency=200ms`). Exits:
 * 0 done; 2 unknown fault/node/lab, a bad option, or a fault that does not apply to the node's
 * role (src/scenario/fault-input.ts); 3 Docker or the step failed.
 */
import type { Command } from 'commander';
import { parse as parseYaml } from 'yaml';
import { systemClock } from '../clock';
import { InputError } from '../errors';
import { describeFaults, faultTableMarkdown, resolveFaultName } from '../faults';
import { runNamedFault } from '../drivers/docker/named-fault';
import type { CommandContext } from './context';
import { defaultLabCliDeps, openLab, pickLab } from './lab';
import type { LabCliDeps } from './lab';

/** `-o key=value`, repeatable; values as YAML scalars (0.2 is a number, 200ms a string). */
function collectOption(text: string, previous: Record<string, unknown>): Record<string, unknown> {
  const eq = text.indexOf('=');
  if (eq <= 0) throw new InputError('BAD_ARGUMENT', `-o takes key=value, got '${text}'`);
  return { ...previous, [text.slice(0, eq)]: parseYaml(text.slice(eq + 1)) as unknown };
}

interface FaultOptions {
  lab?: string;
  option?: Record<string, unknown>;
}

/** Apply or heal a named fault on a node of a lab that is up, printing each step. */
async function faultOnLab(
  ctx: CommandContext,
  deps: LabCliDeps,
  action: 'apply' | 'heal',
  name: string,
  node: string,
  options: FaultOptions,
): Promise<void> {
  // A wrong name is bad input before the engine is asked anything.
  resolveFaultName(name, action);
  const driver = await openLab(ctx, deps);
  const lab = await pickLab(driver, options.lab);
  const started = systemClock.now();
  const resolved = await runNamedFault(lab, name, action, node, {
    params: options.option ?? {},
    progress: (line) => ctx.io.stdout(`  ${line}\n`),
  });
  ctx.io.stdout(
    `${resolved.verb} ${node}: done in ${((systemClock.now() - started) / 1000).toFixed(1)} s (lab ${lab.name})\n`,
  );
}

export function registerFaultCommands(
  program: Command,
  ctx: CommandContext,
  deps: LabCliDeps = defaultLabCliDeps,
): void {
  const run = (
    action: 'apply' | 'heal',
    name: string,
    node: string,
    options: FaultOptions,
  ): Promise<void> => faultOnLab(ctx, deps, action, name, node, options);

  program
    .command('fault')
    .description('inject a fault into a lab node (chaos fault --list)')
    .argument('[name]', 'the fault, e.g. power-off, network-down, kill-nginx, block-multicast')
    .argument('[node]', 'the node, e.g. server01')
    .option('--list', 'list the faults')
    .option('--markdown', 'with --list: the fault table of docs/scenarios.md')
    .option('-o, --option <key=value>', "a fault's option (repeatable)", collectOption, {})
    .option('--lab <name>', 'the lab (default: the only one up)')
    .action(
      async (
        name: string | undefined,
        node: string | undefined,
        options: {
          list?: boolean;
          markdown?: boolean;
          lab?: string;
          option?: Record<string, unknown>;
        },
      ) => {
        if (options.list) {
          ctx.io.stdout(options.markdown ? faultTableMarkdown() : describeFaults());
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
    .option(
      '-o, --option <key=value>',
      "which of the fault's units to heal (direction=in)",
      collectOption,
      {},
    )
    .option('--lab <name>', 'the lab (default: the only one up)')
    .action(
      async (
        name: string,
        node: string,
        options: { lab?: string; option?: Record<string, unknown> },
      ) => {
        await run('heal', name, node, options);
      },
    );
}
