/**
 * `chaos init`: a team's keepalived configs -> the files of a first run: a lab file, the configs
 * as the lab installs them, starter scenarios with expectations from the theoretical bounds.
 * Pure: parsed configs in, file texts and notes out; src/cli/init.ts reads and writes.
 */
import { initLab, type InitConfig, type InitLab, type InitWebNode } from './init-lab';
import { renderLabFile, renderScenario } from './init-render';
import { checkedProcess, initScenarios } from './init-scenarios';

export {
  INIT_ADDRESSES,
  INIT_CONFIG_INCLUDES,
  INIT_NO_SHARED_INSTANCE,
  INIT_NO_VRRP_INSTANCE,
  INIT_TOO_FEW_CONFIGS,
  type InitConfig,
  type InitLab,
} from './init-lab';

/** The track script the web image ships (docker/web/etc/check_nginx.sh). */
const SHIPPED_SCRIPT = '/etc/keepalived/check_nginx.sh';

export interface InitFile {
  /** Relative to the output folder. */
  path: string;
  text: string;
}

export interface InitPlan {
  lab: InitLab;
  files: InitFile[];
  /** Scenario files, relative to the output folder. */
  scenarios: string[];
  /** What the user should know: renamed interfaces, scripts the Docker image lacks, skips. */
  notes: string[];
}

/** The node's other vrrp_instances, as `NAME (VRID n)`. */
function otherInstances(n: InitWebNode): string[] {
  return n.instances.filter((i) => i !== n.instance).map((i) => `${i.name} (VRID ${i.vrid})`);
}

function notesFor(lab: InitLab): string[] {
  const notes: string[] = [];
  for (const n of lab.web) {
    if (n.renamedFrom !== undefined)
      notes.push(
        `${n.copy}: interface ${n.renamedFrom} renamed to eth0 (lab nodes have one interface, eth0)`,
      );
    const others = otherInstances(n);
    if (others.length > 0)
      notes.push(
        `${n.name}: ${others.join(', ')} run${others.length === 1 ? 's' : ''} too, but the scenarios test only ${n.instance.name} (VRID ${lab.vrid}, VIP ${lab.vip})`,
      );
    for (const t of n.instance.trackScripts) {
      const process = checkedProcess(t) ?? 'nginx';
      const command = t.script.script.trim().split(/\s+/)[0] ?? '';
      if (process !== 'nginx' || command !== SHIPPED_SCRIPT)
        notes.push(
          `${n.name}: track script ${t.name} (${t.script.script}): the simulator takes it to check ${process}; on Docker it runs in the web image, which runs nginx and ships ${SHIPPED_SCRIPT}: add what it needs to docker/web`,
        );
    }
  }
  return notes;
}

/** The files for these configs (two or more); `name` names the lab (Docker: chaos-NAME-*). */
export function planInit(configs: readonly InitConfig[], name: string): InitPlan {
  const lab = initLab(configs, name);
  const { drafts, skipped } = initScenarios(lab);
  const files: InitFile[] = [
    { path: 'lab.yaml', text: renderLabFile(lab) },
    ...lab.web.map((n) => ({ path: n.copy, text: n.text })),
    ...drafts.map((d) => ({ path: d.file, text: renderScenario(lab, d) })),
  ];
  return {
    lab,
    files,
    scenarios: drafts.map((d) => d.file),
    notes: [...notesFor(lab), ...skipped.map((s) => `not written: ${s}`)],
  };
}
