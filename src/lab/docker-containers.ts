/**
 * A lab's containers on Docker, by node name: one container per node `chaos-<lab>-<node>` with
 * a fixed IPv4 address on the lab's network and hostname = node name. Create (with a config
 * file put in before the first start), start, kill, pause, unpause, inspect, exec, copy out,
 * remove; every Docker failure is wrapped with the container's or node's name (DOCKER_FAILED).
 *
 * Config files go into a created (not yet started) container with putArchive, not a bind mount:
 * the lab outlives the command that made it, so no host file (e.g. under os.tmpdir, which tmp
 * cleaners empty) has to live as long as the lab, nothing on the host is left to clean up, and
 * the file survives `docker kill` + `docker start` (power-off/power-on) as part of the
 * container's own file system.
 */
import type Dockerode from 'dockerode';
import { ChaosError } from '../errors';
import { dockerFailure, execIn, statusCodeOf } from './docker-support';
import type { ExecResult } from './docker-support';
import type { CpuLimit } from './docker-cpu';
import { containerName, networkName } from './labels';
import { tarArchive } from './tar';

/** What a node's container is made of (the lab's network and address are added). */
export interface NodeContainer {
  /** The node (container `chaos-<lab>-<node>`, hostname). */
  node: string;
  address: string;
  image: string;
  env: string[];
  labels: Record<string, string>;
  /** Capabilities beyond Docker's defaults (web nodes: NET_ADMIN + NET_RAW). */
  capAdd?: readonly string[];
  cmd?: string[];
  /** Replaces the image's entrypoint (a flood sender runs only its sender). */
  entrypoint?: string[];
}

/** A file put into a created container before its first start. */
export interface ContainerFile {
  dir: string;
  name: string;
  content: string;
  /** Seconds since the epoch. */
  mtime: number;
}

/** A VRRP router's capabilities beyond Docker's defaults: VIPs (NET_ADMIN), raw VRRP sockets. */
export const ROUTER_CAPS: readonly string[] = ['NET_ADMIN', 'NET_RAW'];

/** A router's keepalived.conf (chaos-vrrpd reads it too), stamped with the time `nowMs`. */
export function keepalivedConf(content: string, nowMs: number): ContainerFile {
  const mtime = Math.floor(nowMs / 1000);
  return { dir: '/etc/keepalived', name: 'keepalived.conf', content, mtime };
}

/** The environment of a VRRP router node (a web node, or a rogue router). */
export function routerEnv(
  node: string,
  lan: { subnet: string; vip: string },
  vrrp: string,
  mysqlAddress: string | undefined,
): string[] {
  return [
    `NODE_NAME=${node}`,
    `LAB_SUBNET=${lan.subnet}`,
    `LAB_VIP=${lan.vip}`,
    `CHAOS_VRRP=${vrrp}`,
    ...(mysqlAddress ? [`DB_HOST=${mysqlAddress}`] : []),
  ];
}

export class LabContainers {
  constructor(
    private readonly docker: Dockerode,
    readonly lab: string,
  ) {}

  nameOf(node: string): string {
    return containerName(this.lab, node);
  }

  private container(node: string): Dockerode.Container {
    return this.docker.getContainer(this.nameOf(node));
  }

  /** Create a node's container on the lab's network (`Failed to create <what>`). */
  async create(spec: NodeContainer, what: string): Promise<Dockerode.Container> {
    const net = networkName(this.lab);
    const hostConfig: Dockerode.HostConfig = { NetworkMode: net };
    if (spec.capAdd) hostConfig.CapAdd = [...spec.capAdd];
    try {
      return await this.docker.createContainer({
        name: this.nameOf(spec.node),
        Image: spec.image,
        Hostname: spec.node,
        Env: spec.env,
        Labels: spec.labels,
        ...(spec.cmd ? { Cmd: spec.cmd } : {}),
        ...(spec.entrypoint ? { Entrypoint: spec.entrypoint } : {}),
        HostConfig: hostConfig,
        NetworkingConfig: {
          EndpointsConfig: { [net]: { IPAMConfig: { IPv4Address: spec.address } } },
        },
      });
    } catch (error) {
      throw dockerFailure(`create ${what}`, error);
    }
  }

  /** Put `file` into a created container, then start it (`Failed to start <what>`). */
  async firstStart(
    container: Dockerode.Container,
    what: string,
    file?: ContainerFile,
  ): Promise<void> {
    try {
      if (file)
        await container.putArchive(
          tarArchive([{ name: file.name, content: file.content, mtime: file.mtime }]),
          { path: file.dir },
        );
      await container.start();
    } catch (error) {
      throw dockerFailure(`start ${what}`, error);
    }
  }

  /** The container's state; undefined when there is no such container. */
  private async state(node: string): Promise<Dockerode.ContainerInspectInfo['State'] | undefined> {
    try {
      return (await this.container(node).inspect()).State;
    } catch (error) {
      if (statusCodeOf(error) === 404) return undefined;
      throw dockerFailure(`inspect container "${this.nameOf(node)}"`, error);
    }
  }

  async isRunning(node: string): Promise<boolean> {
    return (await this.state(node))?.Running === true;
  }

  async isPaused(node: string): Promise<boolean> {
    return (await this.state(node))?.Paused === true;
  }

  /** `op`, where the engine's answers `ok` mean there was nothing to do. */
  private async tolerating(
    ok: readonly number[],
    what: string,
    op: () => Promise<unknown>,
  ): Promise<void> {
    try {
      await op();
    } catch (error) {
      const code = statusCodeOf(error);
      if (code === undefined || !ok.includes(code)) throw dockerFailure(what, error);
    }
  }

  /** SIGKILL (docker kill); 409: not running, nothing to kill. */
  kill(node: string): Promise<void> {
    return this.tolerating([409], `kill ${node}`, () =>
      this.container(node).kill({ signal: 'SIGKILL' }),
    );
  }

  /** docker start; 304: already running. */
  start(node: string): Promise<void> {
    return this.tolerating([304], `start ${node}`, () => this.container(node).start());
  }

  /** docker pause; 409: already paused (or not running: nothing to freeze). */
  pause(node: string): Promise<void> {
    return this.tolerating([409], `pause ${node}`, () => this.container(node).pause());
  }

  /** docker unpause; 409 or 404: not paused, or gone. */
  unpause(node: string): Promise<void> {
    return this.tolerating([409, 404], `unpause ${node}`, () => this.container(node).unpause());
  }

  /** Remove the container (forced, with its volumes); 404: already gone. */
  remove(node: string, what: string): Promise<void> {
    return this.tolerating([404], `remove ${what}`, () =>
      this.container(node).remove({ force: true, v: true }),
    );
  }

  /** Run a command in a node (it must be running). */
  async exec(node: string, cmd: readonly string[], timeoutMs = 30000): Promise<ExecResult> {
    try {
      return await execIn(this.docker, this.nameOf(node), cmd, timeoutMs);
    } catch (error) {
      if (error instanceof ChaosError) throw error;
      throw dockerFailure(`exec '${cmd.join(' ')}' in ${node}`, error);
    }
  }

  /** Start a command in a node and return at once; its output goes where the command sends it. */
  async execDetached(node: string, cmd: readonly string[]): Promise<void> {
    try {
      const exec = await this.container(node).exec({
        Cmd: [...cmd],
        AttachStdout: false,
        AttachStderr: false,
      });
      const stream: unknown = await exec.start({ Detach: true });
      // The engine answers at once; an open response stream would keep this process alive.
      if (stream && typeof (stream as { destroy?: unknown }).destroy === 'function')
        (stream as { destroy(): void }).destroy();
    } catch (error) {
      throw dockerFailure(`start '${cmd.join(' ')}' in ${node}`, error);
    }
  }

  /** The container's CPU bandwidth limit (HostConfig NanoCpus, CpuQuota, CpuPeriod; 0: unset). */
  async cpuLimit(node: string): Promise<CpuLimit> {
    try {
      const h = (await this.container(node).inspect()).HostConfig;
      return { NanoCpus: h.NanoCpus ?? 0, CpuQuota: h.CpuQuota ?? 0, CpuPeriod: h.CpuPeriod ?? 0 };
    } catch (error) {
      throw dockerFailure(`inspect container "${this.nameOf(node)}"`, error);
    }
  }

  /** docker update of the CPU limit (running or stopped). */
  async updateCpu(node: string, update: Partial<CpuLimit>): Promise<void> {
    try {
      await this.container(node).update(update);
    } catch (error) {
      throw dockerFailure(`update the CPU limit of ${node} (${JSON.stringify(update)})`, error);
    }
  }

  /** Put a file into a node, running or stopped (docker cp). */
  async putFile(node: string, file: ContainerFile): Promise<void> {
    try {
      await this.container(node).putArchive(
        tarArchive([{ name: file.name, content: file.content, mtime: file.mtime }]),
        { path: file.dir },
      );
    } catch (error) {
      throw dockerFailure(`copy ${file.dir}/${file.name} into ${node}`, error);
    }
  }

  /** A path of a node (running or stopped) as a tar archive (docker cp). 404: undefined. */
  async archive(node: string, path: string): Promise<Buffer | undefined> {
    try {
      const stream = await this.container(node).getArchive({ path });
      const chunks: Buffer[] = [];
      for await (const chunk of stream as AsyncIterable<Buffer>) chunks.push(chunk);
      return Buffer.concat(chunks);
    } catch (error) {
      if (statusCodeOf(error) === 404) return undefined;
      throw dockerFailure(`copy ${path} out of ${node}`, error);
    }
  }
}
