/**
 * Flood senders for the malformed-adverts fault: a web-image container on the lab's network
 * that runs only src/daemon/flood-sender.js (no nginx, no VRRP), NET_RAW for its packet socket,
 * labelled as a rogue router is (the lab and a run of its own owned by this process: `lab down`
 * removes it, a killed invocation's sender is reaped). Stopping it reads what it sent.
 */
import type { FloodSpec } from '../faults/types';
import type { LabContainers } from './docker-containers';
import type { DockerLabDeps } from './docker-support';
import { LABEL, resourceLabels, type Owner } from './labels';
import type { StoredSpec } from './lab';
import { untar } from './tar';

/** A folder the web image has (putArchive needs it to exist). */
export const FLOOD_SPEC_DIR = '/tmp';
export const FLOOD_SPEC_FILE = 'chaos-flood.json';
export const FLOOD_COUNTS = '/var/log/chaos/flood-counts.json';
const SENDER_MAIN = '/opt/chaos/dist/src/daemon/flood-sender.js';

/** The sender's command line: tini, then node running the sender on the spec. */
export function floodCommand(): string[] {
  return [
    '/usr/bin/tini',
    '--',
    'node',
    SENDER_MAIN,
    `${FLOOD_SPEC_DIR}/${FLOOD_SPEC_FILE}`,
    FLOOD_COUNTS,
  ];
}

/** Start a flood sender (it sends from its first second on). */
export async function startFlood(
  deps: DockerLabDeps,
  containers: LabContainers,
  spec: StoredSpec,
  flood: FloodSpec & { image: string },
): Promise<void> {
  const name = containers.nameOf(flood.name);
  const owner: Owner = { runId: deps.newRunId(), pid: deps.host.selfPid, bootId: deps.host.bootId };
  const { image, ...body } = flood;
  const created = await containers.create(
    {
      node: flood.name,
      address: flood.address,
      image,
      env: [`NODE_NAME=${flood.name}`],
      labels: resourceLabels(spec.name, owner, false, {
        [LABEL.node]: flood.name,
        [LABEL.role]: 'rogue',
      }),
      capAdd: ['NET_RAW'],
      entrypoint: floodCommand(),
    },
    `flood sender "${name}" (${flood.address})`,
  );
  const file = {
    dir: FLOOD_SPEC_DIR,
    name: FLOOD_SPEC_FILE,
    content: JSON.stringify(body),
    mtime: Math.floor(deps.now() / 1000),
  };
  try {
    await containers.firstStart(created, `flood sender "${name}"`, file);
  } catch (error) {
    await containers.remove(flood.name, `flood sender "${name}"`).catch(() => undefined);
    throw error;
  }
}

/**
 * Stop a flood sender (SIGINT: it writes its final counts and exits, and the container with it),
 * read the counts file from the stopped container (docker cp), remove the container.
 * Idempotent: no sender, no counts (null).
 */
export async function stopFlood(
  containers: LabContainers,
  floodName: string,
): Promise<string | null> {
  const what = `flood sender "${containers.nameOf(floodName)}"`;
  if (await containers.isRunning(floodName).catch(() => false)) {
    // The exec ends with the container (the sender is its only process under tini).
    await containers
      .exec(floodName, ['sh', '-c', "pkill -INT -f '[f]lood-sender.js'"], 5000)
      .catch(() => undefined);
    for (let i = 0; i < 50 && (await containers.isRunning(floodName).catch(() => false)); i++)
      await new Promise((r) => setTimeout(r, 100));
  }
  const tar = await containers.archive(floodName, FLOOD_COUNTS).catch(() => undefined);
  const counts = tar === undefined ? null : (untar(tar)[0]?.data.toString('utf8') ?? null);
  await containers.remove(floodName, what);
  return counts;
}
