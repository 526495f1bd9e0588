/**
 * A lab's Docker resources by their labels (labels.ts): listing every chaos container, network
 * and volume, the labs they make up (the network carries the lab's spec), reaping what killed
 * invocations left, removal, and the two resources that are not containers: the lab's network
 * and the persistent marker volume.
 *
 * The network is a plain bridge `chaos-<lab>` (IPAM subnet + gateway; not --internal, which
 * drops VRRP multicast). It also carries the lab's spec (without config texts) so later
 * invocations can attach.
 */
import type Dockerode from 'dockerode';
import { ChaosError } from '../errors';
import { dockerFailure, failureCollector, statusCodeOf } from './docker-support';
import type { FoundLab, Progress, StoredSpec } from './lab';
import {
  LABEL,
  groupRuns,
  markerVolumeName,
  networkName,
  resourceLabels,
  runsToReap,
} from './labels';
import type { HostView, LabelledResource, Owner, ReapDecision, Run } from './labels';

export const SPEC_LABEL = 'org.chaos.spec';

export class DockerResources {
  constructor(private readonly docker: Dockerode) {}

  /** Every chaos container, network and volume (optionally of one lab). */
  async list(lab?: string): Promise<LabelledResource[]> {
    const filters = JSON.stringify({ label: [lab ? `${LABEL.lab}=${lab}` : LABEL.run] });
    try {
      const [containers, networks, volumes] = await Promise.all([
        this.docker.listContainers({ all: true, filters }),
        this.docker.listNetworks({ filters }),
        this.docker.listVolumes({ filters }),
      ]);
      return [
        ...containers.map((c) => ({
          kind: 'container' as const,
          id: c.Id,
          name: (c.Names[0] ?? c.Id).replace(/^\//, ''),
          labels: c.Labels ?? {},
        })),
        ...networks.map((n) => ({
          kind: 'network' as const,
          id: n.Id,
          name: n.Name,
          labels: n.Labels ?? {},
        })),
        ...(volumes.Volumes ?? []).map((v) => ({
          kind: 'volume' as const,
          id: v.Name,
          name: v.Name,
          labels: (v.Labels as Record<string, string> | null) ?? {},
        })),
      ];
    } catch (error) {
      throw dockerFailure('list chaos resources', error);
    }
  }

  /** Remove what killed invocations left (see labels.ts); returns what was reaped. */
  async reap(host: HostView, report?: Progress): Promise<ReapDecision[]> {
    const decisions = runsToReap(await this.list(), host);
    for (const d of decisions) {
      const counts = countKinds(d.run.resources);
      report?.(
        `reaping lab ${d.run.lab} run ${d.run.runId} (${d.reason}): ${counts}: ${d.run.resources
          .map((r) => r.name)
          .join(', ')}`,
      );
      await this.remove(d.run.resources);
    }
    return decisions;
  }

  /** Labs on the engine, by name. */
  async labs(): Promise<FoundLab[]> {
    const byLab = new Map<string, Run[]>();
    for (const run of groupRuns(await this.list())) {
      byLab.set(run.lab, [...(byLab.get(run.lab) ?? []), run]);
    }
    return [...byLab].map(([name, runs]) => {
      const network = runs
        .flatMap((r) => r.resources)
        .find((r) => r.kind === 'network' && r.labels[SPEC_LABEL] !== undefined);
      let spec: StoredSpec | undefined;
      try {
        spec = network ? (JSON.parse(network.labels[SPEC_LABEL] ?? '') as StoredSpec) : undefined;
      } catch {
        spec = undefined;
      }
      return {
        name,
        runs,
        persistent: runs.some((r) => r.persistent),
        specHash: network?.labels[LABEL.specHash],
        spec,
      };
    });
  }

  /** Remove every resource labelled with this lab (containers, networks, volumes). */
  async removeLab(lab: string): Promise<LabelledResource[]> {
    const resources = await this.list(lab);
    await this.remove(resources);
    return resources;
  }

  /** Remove the resources of one run of a lab (what a failed `up` created). */
  async removeRun(lab: string, runId: string, progress: Progress): Promise<void> {
    const mine = (await this.list(lab)).filter((r) => r.labels[LABEL.run] === runId);
    if (mine.length > 0) progress(`removing ${countKinds(mine)} of run ${runId}`);
    await this.remove(mine);
  }

  /** Remove resources: containers (forced, with their volumes) first, then networks, volumes. */
  async remove(resources: readonly LabelledResource[]): Promise<void> {
    const { failures, tolerate } = failureCollector((error) => statusCodeOf(error) === 404);
    await Promise.all(
      resources
        .filter((r) => r.kind === 'container')
        .map((r) =>
          tolerate(`container ${r.name}`, () =>
            this.docker.getContainer(r.id).remove({ force: true, v: true }),
          ),
        ),
    );
    for (const r of resources.filter((x) => x.kind === 'network'))
      await tolerate(`network ${r.name}`, () => this.docker.getNetwork(r.id).remove());
    for (const r of resources.filter((x) => x.kind === 'volume'))
      await tolerate(`volume ${r.name}`, () => this.docker.getVolume(r.id).remove());
    if (failures.length > 0)
      throw new ChaosError('DOCKER_FAILED', `Failed to remove ${failures.join('; ')}`);
  }

  /** The lab's bridge network, labelled with the run and carrying the spec and its hash. */
  async createNetwork(spec: StoredSpec, labels: Record<string, string>): Promise<void> {
    const net = networkName(spec.name);
    try {
      await this.docker.createNetwork({
        Name: net,
        Driver: 'bridge',
        CheckDuplicate: true,
        Internal: false,
        IPAM: { Driver: 'default', Config: [{ Subnet: spec.subnet, Gateway: spec.gateway }] },
        Labels: { ...labels, [SPEC_LABEL]: JSON.stringify(spec) },
      });
    } catch (error) {
      throw dockerFailure(`create network "${net}" (${spec.subnet})`, error);
    }
  }

  /** The commit marker that makes a run persistent (labels.ts). */
  async createMarker(lab: string, owner: Owner, hash: string): Promise<void> {
    await this.docker.createVolume({
      Name: markerVolumeName(lab, owner.runId),
      Labels: resourceLabels(lab, owner, true, { [LABEL.specHash]: hash }),
    });
  }
}

export function countKinds(resources: readonly LabelledResource[]): string {
  const n = (k: string): number => resources.filter((r) => r.kind === k).length;
  const part = (k: string): string => `${n(k)} ${k}${n(k) === 1 ? '' : 's'}`;
  return ['container', 'network', 'volume']
    .filter((k) => n(k) > 0)
    .map(part)
    .join(', ');
}
