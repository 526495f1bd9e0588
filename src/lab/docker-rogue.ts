/**
 * Rogue routers for the rogue-advert fault: a web-image container on the lab's network with its
 * own keepalived.conf (chaos-vrrpd) and neither the shop nor nginx (CHAOS_SERVE=0: like another
 * team's router, it answers no client of ours), NET_ADMIN + NET_RAW, labelled with the lab and a run of its
 * own owned by this process (so that `lab down` removes it and a killed invocation's rogue is
 * reaped).
 */
import type { LabContainers } from './docker-containers';
import { ROUTER_CAPS, keepalivedConf, routerEnv } from './docker-containers';
import type { DockerLabDeps } from './docker-support';
import type { RogueSpec, StoredSpec } from './lab';
import { NODE_PROBE_SCRIPT, parseNodeProbe } from './lab-status';
import { LABEL, resourceLabels } from './labels';
import { pollUntil } from './poll';
import type { Owner } from './labels';

/** Start a rogue router and wait until its VRRP daemon runs (LAB_NOT_READY after the bound). */
export async function startRogue(
  deps: DockerLabDeps,
  containers: LabContainers,
  spec: StoredSpec,
  rogue: RogueSpec,
  options: { timeoutMs?: number } = {},
): Promise<void> {
  const name = containers.nameOf(rogue.name);
  const owner: Owner = {
    runId: deps.newRunId(),
    pid: deps.host.selfPid,
    bootId: deps.host.bootId,
  };
  const mysql = spec.nodes.find((n) => n.role === 'mysql');
  const container = {
    node: rogue.name,
    address: rogue.address,
    image: rogue.image,
    // A foreign router serves nobody's web page: clients it draws to the VIP get no answer.
    env: [...routerEnv(rogue.name, spec, 'chaos', mysql?.address), 'CHAOS_SERVE=0'],
    labels: resourceLabels(spec.name, owner, false, {
      [LABEL.node]: rogue.name,
      [LABEL.role]: 'rogue',
    }),
    capAdd: ROUTER_CAPS,
  };
  const file = keepalivedConf(rogue.configText, deps.now());
  const created = await containers.create(container, `rogue router "${name}" (${rogue.address})`);
  try {
    await containers.firstStart(created, `rogue router "${name}"`, file);
  } catch (error) {
    await removeRogue(containers, rogue.name).catch(() => undefined);
    throw error;
  }
  const timeoutMs = options.timeoutMs ?? 30000;
  await pollUntil(
    `rogue router ${rogue.name}: VRRP not running`,
    async () => {
      const r = await containers
        .exec(rogue.name, ['sh', '-c', NODE_PROBE_SCRIPT], 10000)
        .catch(() => undefined);
      return r !== undefined && parseNodeProbe(r.stdout).vrrp?.running === true;
    },
    { timeoutMs, intervalMs: 100, clock: deps, code: 'LAB_NOT_READY' },
  );
}

/** Remove a rogue router (SIGKILL: it vanishes without a priority-0 advert). Idempotent. */
export function removeRogue(containers: LabContainers, rogueName: string): Promise<void> {
  return containers.remove(rogueName, `rogue router "${containers.nameOf(rogueName)}"`);
}
