/**
 * `chaos init CONFIG CONFIG... [--out DIR] [--name LAB] [--force]`: reads a team's keepalived
 * configs, hands them to planInit() (src/init) and writes what it returns: DIR/lab.yaml,
 * DIR/configs/*, DIR/scenarios/*.yaml; then prints the bounds, the notes and the commands that
 * run the scenarios. Exits: 0 written; 2 a config unreadable (INIT_CONFIG_UNREADABLE), invalid
 * (KEEPALIVED_CONFIG_INVALID, every problem as file:line:col), without a vrrp_instance
 * (INIT_NO_VRRP_INSTANCE) or none shared (INIT_NO_SHARED_INSTANCE), DIR not empty without
 * --force (INIT_OUT_NOT_EMPTY); 3 the files could not be written (INIT_WRITE_FAILED).
 */
import fs from 'node:fs';
import path from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import { ChaosError, InputError, formatDiagnostic } from '../errors';
import { planInit, type InitConfig, type InitPlan } from '../init';
import { failoverBounds } from '../init/init-bounds';
import { assertValidKeepalivedConf, parseKeepalivedConf } from '../keepalived';
import { fsSource } from '../keepalived/fs-source';
import { LAB_NAME_PATTERN } from '../lab/lab-spec';
import { formatDuration } from '../scenario/duration';
import type { CommandContext } from './context';

export const INIT_CONFIG_UNREADABLE = 'INIT_CONFIG_UNREADABLE';
export const INIT_OUT_NOT_EMPTY = 'INIT_OUT_NOT_EMPTY';
export const INIT_WRITE_FAILED = 'INIT_WRITE_FAILED';

/** Where `chaos init` writes without --out. */
export const DEFAULT_INIT_OUT = 'chaos';

/** Read and parse one config; its warnings go to `warn`. */
function readConfig(file: string, warn: (line: string) => void): InitConfig {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    const why = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new InputError(INIT_CONFIG_UNREADABLE, `cannot read ${file} (${why})`, {
      cause: error,
    });
  }
  const result = parseKeepalivedConf(text, file, fsSource());
  const config = assertValidKeepalivedConf(result);
  for (const w of result.warnings) warn(formatDiagnostic(w));
  return { file, text, config, files: result.files };
}

/** DIR must be missing, an empty folder, or (with --force) a folder. */
function checkOut(dir: string, force: boolean): void {
  let entries: string[];
  try {
    if (!fs.statSync(dir).isDirectory())
      throw new InputError(INIT_OUT_NOT_EMPTY, `--out ${dir} is a file, not a folder`);
    entries = fs.readdirSync(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  if (entries.length > 0 && !force)
    throw new InputError(
      INIT_OUT_NOT_EMPTY,
      `${dir} already has files (${entries.slice(0, 5).join(', ')}${entries.length > 5 ? ', ...' : ''}); choose another --out, or --force to write into it`,
    );
}

function writeFiles(dir: string, plan: InitPlan): void {
  for (const f of plan.files) {
    const target = path.join(dir, f.path);
    try {
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.writeFileSync(target, f.text);
    } catch (error) {
      throw new ChaosError(INIT_WRITE_FAILED, `cannot write ${target}`, { cause: error });
    }
  }
}

/**
 * The lab's name from the output folder, without a leading `chaos` (Docker names are already
 * chaos-LAB-NODE): `lb` for ./chaos-lb, `team` for ./chaos or when nothing is left.
 */
export function labNameFor(dir: string): string {
  const name = path
    .basename(path.resolve(dir))
    .toLowerCase()
    .replace(/[^a-z0-9_.-]+/g, '-')
    .replace(/^chaos(?=[-_.]|$)/, '')
    .replace(/^[^a-z0-9]+/, '')
    .slice(0, 40);
  return LAB_NAME_PATTERN.test(name) ? name : 'team';
}

function parseLabName(value: string): string {
  if (!LAB_NAME_PATTERN.test(value))
    throw new InvalidArgumentError(`a lab name matches ${LAB_NAME_PATTERN.source}`);
  return value;
}

/** What init prints: the files, who holds the VIP and how fast it moves, the notes, the commands. */
export function describeInit(plan: InitPlan, dir: string): string {
  const { lab } = plan;
  const b = failoverBounds(lab);
  const scenarios = path.join(dir, 'scenarios');
  const lines = [
    `chaos init: lab ${lab.name}: VIP ${lab.vip}, VRID ${lab.vrid}, VRRPv${lab.version}${lab.unicast ? ', unicast' : ''}, subnet ${lab.subnet}`,
    ...lab.web.map(
      (n) =>
        `  ${n.name}  ${n.address}  priority ${n.priority}  from ${n.source}${n === b.master ? '  (holds the VIP)' : ''}`,
    ),
    `bounds: ${b.backup.name} takes over ${formatDuration(b.masterDownMs)} after ${b.master.name}'s last advert (Master_Down_Interval), ${formatDuration(b.skewMs)} after its priority-0 advert (Skew_Time)`,
    `wrote ${plan.files.length} files in ${dir}:`,
    ...plan.files.map((f) => `  ${f.path}`),
    ...plan.notes.map((n) => `note: ${n}`),
    'run them:',
    `  chaos validate ${scenarios}`,
    `  chaos run ${scenarios} --driver sim      # in the simulator, in virtual time`,
    `  chaos run ${scenarios} --dry-run         # the Docker plan, touching nothing`,
    `  chaos run ${scenarios}                   # on Docker`,
  ];
  return `${lines.join('\n')}\n`;
}

interface InitOptions {
  out: string;
  name?: string;
  force?: boolean;
}

export function registerInitCommand(program: Command, ctx: CommandContext): void {
  program
    .command('init')
    .description("write a lab file and starter scenarios from a team's keepalived configs")
    .argument('<configs...>', 'the keepalived.conf of each router (two or more)')
    .option('--out <dir>', 'where to write lab.yaml, configs/, scenarios/', DEFAULT_INIT_OUT)
    .option('--name <lab>', 'the lab name (default: from --out)', parseLabName)
    .option('--force', 'write into a folder that already has files (same names are replaced)')
    .action((files: string[], options: InitOptions) => {
      const warn = (line: string): void => ctx.log.warn('init.warning', line);
      const configs = files.map((f) => readConfig(f, warn));
      const plan = planInit(configs, options.name ?? labNameFor(options.out));
      checkOut(options.out, options.force ?? false);
      writeFiles(options.out, plan);
      ctx.io.stdout(describeInit(plan, options.out));
    });
}
