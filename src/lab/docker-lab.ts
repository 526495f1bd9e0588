/**
 * The lab on Docker (dockerode). `DockerLab` is the driver (the Lab of lab.ts): it finds, reaps,
 * brings up and tears down labs; `up()` and `attach()` give a StartedLab (DockerStartedLab:
 * status, faults, probe, down; disposable with `await using`).
 *
 * Resources (by kind: docker-resources.ts for the network, marker volume, listing and removal;
 * docker-containers.ts for the containers): one plain bridge network `chaos-<lab>`, one
 * container per node `chaos-<lab>-<node>` with a fixed IPv4 address and hostname = node name.
 * Web nodes get CapAdd NET_ADMIN + NET_RAW (VIPs, raw VRRP sockets) and nothing else beyond
 * Docker's defaults. Every resource carries the labels of labels.ts; the network also carries
 * the lab's spec (without config texts) so later invocations can attach.
 *
 * The keepalived.conf goes into a created (not yet started) web container with putArchive, not a
 * bind mount (see docker-containers.ts for why).
 */
import { createHash } from 'node:crypto';
import { InputError } from '../errors';
import { LabContainers, ROUTER_CAPS, keepalivedConf, routerEnv } from './docker-containers';
import type { ContainerFile, NodeContainer } from './docker-containers';
import { DockerResources } from './docker-resources';
import { DockerStartedLab } from './docker-started-lab';
import { DOCKER_UNAVAILABLE, errorText } from './docker-support';
import type { DockerLabDeps } from './docker-support';
import { throwIfAborted } from './lab';
import type {
  FoundLab,
  Lab,
  LabImageTags,
  Progress,
  StartedLab,
  StoredSpec,
  UpOptions,
} from './lab';
import { mysqlHostPattern } from './lab-spec';
import type { LabNodeSpec, LabSpec } from './lab-spec';
import { LABEL, containerName, networkName, resourceLabels } from './labels';
import type { LabelledResource, Owner, ReapDecision } from './labels';

export { DOCKER_UNAVAILABLE };
export { systemLabDeps } from './docker-support';
export type { DockerLabDeps } from './docker-support';
export { DockerStartedLab } from './docker-started-lab';
export type {
  FoundLab,
  Lab,
  LabImageTags,
  Progress,
  RogueSpec,
  StartedLab,
  StoredSpec,
  UpOptions,
} from './lab';

export function storedSpec(spec: LabSpec): StoredSpec {
  return {
    name: spec.name,
    subnet: spec.subnet,
    gateway: spec.gateway,
    vip: spec.vip,
    vrid: spec.vrid,
    nodes: spec.nodes.map((n) => ({
      name: n.name,
      role: n.role,
      address: n.address,
      ...(n.vrrp ? { vrrp: n.vrrp } : {}),
    })),
  };
}

/** Identity of a lab for reuse: the spec with config texts, and the image tags. */
export function specHash(spec: LabSpec, images: LabImageTags): string {
  const canonical = JSON.stringify({
    spec: { ...storedSpec(spec), configs: spec.nodes.map((n) => n.configText ?? null) },
    images,
  });
  return createHash('sha256').update(canonical).digest('hex').slice(0, 16);
}

/** Nodes in the order they are created: MySQL first (the web nodes use it), the prober last. */
function creationOrder(spec: LabSpec): LabNodeSpec[] {
  return [
    ...spec.nodes.filter((n) => n.role === 'mysql'),
    ...spec.nodes.filter((n) => n.role === 'web'),
    ...spec.nodes.filter((n) => n.role === 'prober'),
  ];
}

export class DockerLab implements Lab {
  private readonly resourcesOf: DockerResources;

  constructor(private readonly deps: DockerLabDeps) {
    this.resourcesOf = new DockerResources(deps.docker);
  }

  /** Every chaos container, network and volume (optionally of one lab). */
  resources(lab?: string): Promise<LabelledResource[]> {
    return this.resourcesOf.list(lab);
  }

  /** Remove what killed invocations left (see labels.ts); returns what was reaped. */
  reap(report?: Progress): Promise<ReapDecision[]> {
    return this.resourcesOf.reap(this.deps.host, report);
  }

  /** Labs on the engine, by name. */
  labs(): Promise<FoundLab[]> {
    return this.resourcesOf.labs();
  }

  /** Remove every resource labelled with this lab (containers, networks, volumes). */
  removeLab(lab: string): Promise<LabelledResource[]> {
    return this.resourcesOf.removeLab(lab);
  }

  /** Remove resources: containers (forced, with their volumes) first, then networks, volumes. */
  removeResources(resources: readonly LabelledResource[]): Promise<void> {
    return this.resourcesOf.remove(resources);
  }

  /**
   * Create and start the lab, wait until it is ready, then mark it persistent. On any failure or
   * abort, what this call created is removed before the error propagates.
   */
  async up(spec: LabSpec, images: LabImageTags, options: UpOptions = {}): Promise<StartedLab> {
    const { progress = () => {} } = options;
    const owner: Owner = {
      runId: this.deps.newRunId(),
      pid: this.deps.host.selfPid,
      bootId: this.deps.host.bootId,
    };
    try {
      return await this.bringUp(spec, images, owner, options);
    } catch (error) {
      try {
        await this.resourcesOf.removeRun(spec.name, owner.runId, progress);
      } catch (cleanup) {
        progress(`cleanup failed: ${errorText(cleanup)}`);
      }
      throw error;
    }
  }

  /** up() but the cleanup: network, containers, readiness, the VIP elected, the marker. */
  private async bringUp(
    spec: LabSpec,
    images: LabImageTags,
    owner: Owner,
    options: UpOptions,
  ): Promise<StartedLab> {
    const { progress = () => {}, signal } = options;
    const hash = specHash(spec, images);
    const labels = (extra: Record<string, string> = {}): Record<string, string> =>
      resourceLabels(spec.name, owner, false, extra);
    throwIfAborted(signal);
    progress(`network ${networkName(spec.name)} ${spec.subnet} (gateway ${spec.gateway})`);
    await this.resourcesOf.createNetwork(storedSpec(spec), labels({ [LABEL.specHash]: hash }));

    const mysql = spec.nodes.find((n) => n.role === 'mysql');
    const ordered = creationOrder(spec);
    const containers = new LabContainers(this.deps.docker, spec.name);
    for (const node of ordered) {
      throwIfAborted(signal);
      progress(
        `container ${containerName(spec.name, node.name)} (${node.role}${node.vrrp ? `, ${node.vrrp}` : ''}) ${node.address}`,
      );
      await this.createNode(containers, spec, node, images, labels, mysql?.address);
    }

    const started = new DockerStartedLab(this.deps, spec.name, owner.runId, storedSpec(spec));
    const timeoutMs = options.readyTimeoutMs ?? 120000;
    throwIfAborted(signal);
    await started.waitReady(ordered, { timeoutMs, progress, signal });
    if (spec.nodes.some((n) => n.role === 'web'))
      await started.waitVipOwner({ timeoutMs, progress, signal });
    throwIfAborted(signal);
    if (options.persistent === false) return started;
    await this.resourcesOf.createMarker(spec.name, owner, hash);
    return started;
  }

  private async createNode(
    containers: LabContainers,
    spec: LabSpec,
    node: LabNodeSpec,
    images: LabImageTags,
    labels: (extra?: Record<string, string>) => Record<string, string>,
    mysqlAddress: string | undefined,
  ): Promise<void> {
    const name = containerName(spec.name, node.name);
    const base = { node: node.name, address: node.address };
    const nodeLabels = labels({ [LABEL.node]: node.name, [LABEL.role]: node.role });
    const lanEnv = [`NODE_NAME=${node.name}`, `LAB_SUBNET=${spec.subnet}`, `LAB_VIP=${spec.vip}`];
    let container: NodeContainer;
    let file: ContainerFile | undefined;
    if (node.role === 'web') {
      container = {
        ...base,
        image: images.web,
        env: routerEnv(node.name, spec, node.vrrp ?? 'chaos', mysqlAddress),
        labels: nodeLabels,
        capAdd: ROUTER_CAPS,
      };
      file = keepalivedConf(node.configText ?? '', this.deps.now());
    } else if (node.role === 'mysql') {
      // The seed's remote user, limited to the lab's subnet.
      const env = [...lanEnv, `MYSQL_CLIENT_HOSTS=${mysqlHostPattern(spec.subnet)}`];
      container = { ...base, image: images.mysql, env, labels: nodeLabels };
    } else {
      // Idle (under the image's tini) until a scenario runs the prober program with exec.
      const cmd = ['sleep', 'infinity'];
      container = { ...base, image: images.prober, env: lanEnv, labels: nodeLabels, cmd };
    }
    const created = await containers.create(
      container,
      `container "${name}" from ${container.image}`,
    );
    await containers.firstStart(created, `container "${name}"`, file);
  }

  /** The lab as a StartedLab, for status, faults and down from a later invocation. */
  async attach(lab: string): Promise<StartedLab> {
    const found = (await this.labs()).find((l) => l.name === lab);
    if (!found || !found.spec) {
      throw new InputError('LAB_NOT_FOUND', `no lab named '${lab}' is up (chaos lab up)`);
    }
    const run = found.runs.find((r) => r.persistent) ?? found.runs[0];
    return new DockerStartedLab(this.deps, lab, run?.runId ?? '?', found.spec);
  }
}
