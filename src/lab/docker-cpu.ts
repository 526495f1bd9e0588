/**
 * The cpu-limit and cpu-restore fault steps on Docker: a container's CFS bandwidth limit cut
 * and given back from the host (docker update), never by an exec in the starved node.
 *
 * Where the limit it had is known: the container's own HostConfig (NanoCpus, CpuQuota,
 * CpuPeriod) as inspected at the first cut. It is recorded as JSON in the container's own file
 * system (RECORD_PATH, written with putArchive and read with getArchive, so it works on a stopped
 * node too): it survives `docker kill` + `docker start` and the process that made it, so a
 * `chaos heal` in another process, or the rollback after Ctrl-C, restores exactly that; nothing
 * is kept on the host. A second cut keeps the first record (the limit from before any cut). The
 * restore sets the recorded limit, then clears the record (an empty record is none); without a
 * record it does nothing, so healing a node never starved changes nothing.
 *
 * Docker's update ignores zero values, so "no limit" (HostConfig 0 / 0, as the lab creates its
 * containers) is restored as quota -1 with the kernel's 100 ms period: the cgroup's
 * cpu.cfs_quota_us and cpu.cfs_period_us read exactly as before the cut (-1, 100000), and
 * `docker inspect` shows CpuQuota -1, CpuPeriod 100000, which Docker treats as unlimited.
 */
import { ChaosError } from '../errors';

export const RECORD_PATH = '/var/lib/chaos-cpu-limit.json';

/** The CFS period Docker and the kernel default to, µs. */
export const DEFAULT_PERIOD_US = 100_000;

/** A container's CPU bandwidth limit as HostConfig states it (0: unset). */
export interface CpuLimit {
  NanoCpus: number;
  CpuQuota: number;
  CpuPeriod: number;
}

/** What the steps need of a container (LabContainers gives it). */
export interface CpuOperations {
  cpuLimit(node: string): Promise<CpuLimit>;
  updateCpu(node: string, update: Partial<CpuLimit>): Promise<void>;
  /** The record's text, or undefined when there is none. */
  readRecord(node: string): Promise<string | undefined>;
  /** Write the record ('' clears it). */
  writeRecord(node: string, text: string): Promise<void>;
}

/** The docker update that cuts a container with limit `had` to `cpus` CPUs. */
export function cutUpdate(had: CpuLimit, cpus: number): Partial<CpuLimit> {
  // A container limited by --cpus (NanoCpus) cannot take a quota, and the reverse.
  if (had.NanoCpus > 0) return { NanoCpus: Math.round(cpus * 1e9) };
  const period = had.CpuPeriod > 0 ? had.CpuPeriod : DEFAULT_PERIOD_US;
  return { CpuPeriod: period, CpuQuota: Math.max(1000, Math.round(cpus * period)) };
}

/** The docker update that gives back limit `had` (unset: no quota, the default period). */
export function restoreUpdate(had: CpuLimit): Partial<CpuLimit> {
  if (had.NanoCpus > 0) return { NanoCpus: had.NanoCpus };
  return {
    CpuPeriod: had.CpuPeriod > 0 ? had.CpuPeriod : DEFAULT_PERIOD_US,
    CpuQuota: had.CpuQuota > 0 ? had.CpuQuota : -1,
  };
}

function parseRecord(node: string, text: string | undefined): CpuLimit | undefined {
  if (text === undefined || text.trim() === '') return undefined;
  const v = JSON.parse(text) as Partial<CpuLimit>;
  if (![v.NanoCpus, v.CpuQuota, v.CpuPeriod].every((x) => typeof x === 'number'))
    throw new ChaosError(
      'CPU_RECORD_INVALID',
      `${node}: ${RECORD_PATH} is not a CPU limit: ${text}`,
    );
  return v as CpuLimit;
}

/** Cut the node's CPU to `cpus`, recording the limit it had unless a record is there already. */
export async function cutCpu(ops: CpuOperations, node: string, cpus: number): Promise<void> {
  const recorded = parseRecord(node, await ops.readRecord(node));
  const had = recorded ?? (await ops.cpuLimit(node));
  if (!recorded) await ops.writeRecord(node, JSON.stringify(had));
  await ops.updateCpu(node, cutUpdate(had, cpus));
}

/** Give the node back the recorded limit and clear the record; no record: nothing to do. */
export async function restoreCpu(ops: CpuOperations, node: string): Promise<void> {
  const had = parseRecord(node, await ops.readRecord(node));
  if (!had) return;
  await ops.updateCpu(node, restoreUpdate(had));
  await ops.writeRecord(node, '');
}
