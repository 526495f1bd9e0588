/**
 * Labels on every Docker resource of a lab, and the reaper's decision (pure).
 *
 * Docker labels cannot change after a resource is created, so "persistent" is recorded by a
 * marker: containers and the network are created with `org.chaos.persistent=false`; when
 * `lab up` has finished it creates one more resource, a volume labelled
 * `org.chaos.persistent=true` with the same run id (the commit marker). A run is persistent
 * when any of its resources says so. A non-persistent run whose owner process is dead, or whose
 * owner ran in an earlier boot of this host, is what a killed invocation left: reaped.
 */

export const LABEL = {
  lab: 'org.chaos.lab',
  run: 'org.chaos.run',
  ownerPid: 'org.chaos.owner-pid',
  ownerBoot: 'org.chaos.owner-boot',
  persistent: 'org.chaos.persistent',
  /** The node a container plays (containers only). */
  node: 'org.chaos.node',
  role: 'org.chaos.role',
  /** Hash of the lab spec and images: `lab up` reuses a lab only when it matches. */
  specHash: 'org.chaos.spec-hash',
} as const;

export interface Owner {
  runId: string;
  pid: number;
  bootId: string;
}

export function resourceLabels(
  lab: string,
  owner: Owner,
  persistent: boolean,
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    [LABEL.lab]: lab,
    [LABEL.run]: owner.runId,
    [LABEL.ownerPid]: String(owner.pid),
    [LABEL.ownerBoot]: owner.bootId,
    [LABEL.persistent]: String(persistent),
    ...extra,
  };
}

export type ResourceKind = 'container' | 'network' | 'volume';

export interface LabelledResource {
  kind: ResourceKind;
  id: string;
  name: string;
  labels: Readonly<Record<string, string>>;
}

export interface Run {
  lab: string;
  runId: string;
  persistent: boolean;
  ownerPid: number;
  ownerBoot: string;
  resources: LabelledResource[];
}

/** Resources grouped by run id, in first-seen order. Resources without a run label are ignored. */
export function groupRuns(resources: readonly LabelledResource[]): Run[] {
  const runs = new Map<string, Run>();
  for (const r of resources) {
    const runId = r.labels[LABEL.run];
    if (runId === undefined) continue;
    let run = runs.get(runId);
    if (!run) {
      run = {
        lab: r.labels[LABEL.lab] ?? '?',
        runId,
        persistent: false,
        ownerPid: Number(r.labels[LABEL.ownerPid] ?? NaN),
        ownerBoot: r.labels[LABEL.ownerBoot] ?? '',
        resources: [],
      };
      runs.set(runId, run);
    }
    if (r.labels[LABEL.persistent] === 'true') run.persistent = true;
    run.resources.push(r);
  }
  return [...runs.values()];
}

export interface HostView {
  bootId: string;
  /** Whether a process with this pid runs on this host now. */
  isAlive(pid: number): boolean;
  /** Our own pid: never reap our own runs. */
  selfPid: number;
}

export interface ReapDecision {
  run: Run;
  reason: string;
}

/** The runs a killed invocation left: non-persistent, owner dead or from another boot. */
export function runsToReap(resources: readonly LabelledResource[], host: HostView): ReapDecision[] {
  const out: ReapDecision[] = [];
  for (const run of groupRuns(resources)) {
    if (run.persistent) continue;
    if (run.ownerBoot !== host.bootId) {
      out.push({ run, reason: `owner ran in another boot (${run.ownerBoot || 'unknown'})` });
    } else if (!Number.isInteger(run.ownerPid) || run.ownerPid <= 0) {
      out.push({ run, reason: 'no owner pid' });
    } else if (run.ownerPid !== host.selfPid && !host.isAlive(run.ownerPid)) {
      out.push({ run, reason: `owner pid ${run.ownerPid} is gone` });
    }
  }
  return out;
}

/** A short random run id (8 hex digits), from the given random bytes. */
export function runIdFrom(bytes: Uint8Array): string {
  return Buffer.from(bytes.subarray(0, 4)).toString('hex');
}

/** Docker names: `chaos-<lab>` for the network, `chaos-<lab>-<node>` for containers. */
export function networkName(lab: string): string {
  return `chaos-${lab}`;
}

export function containerName(lab: string, node: string): string {
  return `chaos-${lab}-${node}`;
}

export function markerVolumeName(lab: string, runId: string): string {
  return `chaos-${lab}-${runId}-up`;
}
