/**
 * One `chaos run --driver docker` invocation's hold on the Docker engine, shared by the
 * scenarios' DockerDrivers: the engine (checked reachable), the images, the current lab and
 * whether this run created it, the run's output folder, and the interrupt (SIGINT) signal.
 *
 * Lab reuse: a scenario whose lab definition (spec + images hash, as `chaos lab up` computes it)
 * is the current lab's reuses it after a VRRP reset (both daemons restarted together, so the
 * election starts as on a fresh lab). A lab the user started (`chaos lab up`, persistent) with
 * the same definition is used and left up; otherwise the run creates a run-scoped lab (not
 * persistent: reaped if this process dies) and removes it when the next scenario needs another
 * lab, or at close().
 */
import type Dockerode from 'dockerode';
import { ChaosError } from '../../errors';
import { DockerLab, specHash, type FoundLab, type StartedLab } from '../../lab/docker-lab';
import { DOCKER_UNAVAILABLE, assertDockerReachable, errorText } from '../../lab/docker-support';
import { ensureImages, type LabImages } from '../../lab/images';
import type { LabSpec } from '../../lab/lab-spec';
import type { HostView } from '../../lab/labels';
import { runNamedFault } from './named-fault';

export const LAB_CONFLICT = 'LAB_CONFLICT';
export const SESSION_NOT_OPEN = 'SESSION_NOT_OPEN';
/** How long to wait for another chaos process's run-scoped lab of the same name to go. */
export const OTHERS_TIMEOUT_MS = 600_000;

export interface DockerSessionDeps {
  docker: Dockerode;
  /** The checkout (docker/, dist/, package.json) for the image builds. */
  rootDir: string;
  host: HostView;
  /** Epoch milliseconds. */
  now(): number;
  sleep(ms: number): Promise<void>;
  newRunId(): string;
  progress(line: string): void;
  /** Image builds print their whole log (default: one step line per image). */
  verbose?: boolean;
}

export interface AcquiredLab {
  lab: StartedLab;
  /** Brought up for this scenario (false: reused). */
  fresh: boolean;
}

interface Current {
  lab: StartedLab;
  hash: string;
  /** Created by this run (removed at the end), or the user's (left up). */
  owned: boolean;
}

export class DockerSession {
  private readonly controller = new AbortController();
  private dockerLab: DockerLab | undefined;
  private imageTags: LabImages | undefined;
  private current: Current | undefined;

  constructor(readonly deps: DockerSessionDeps) {}

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  get interrupted(): boolean {
    return this.controller.signal.aborted;
  }

  /** SIGINT: running waits end with INTERRUPTED; heals and teardown still run. */
  interrupt(reason: string): void {
    if (!this.controller.signal.aborted) this.controller.abort(reason);
  }

  /** The current lab was brought up by this session (close() removes it). */
  get ownsLab(): boolean {
    return this.current?.owned ?? false;
  }

  get images(): LabImages {
    if (!this.imageTags)
      throw new ChaosError(SESSION_NOT_OPEN, 'the Docker session has no images: open() it first');
    return this.imageTags;
  }

  get lab(): DockerLab {
    if (!this.dockerLab)
      throw new ChaosError(SESSION_NOT_OPEN, 'the Docker session has no engine: open() it first');
    return this.dockerLab;
  }

  /**
   * Check the engine answers (DOCKER_UNAVAILABLE, suggesting --driver sim), reap what killed
   * runs left, make sure the images exist.
   */
  async open(): Promise<void> {
    const { deps } = this;
    try {
      await assertDockerReachable(deps.docker);
    } catch (error) {
      const text =
        error instanceof Error ? error.message.replace(/ \(DOCKER_UNAVAILABLE\)$/, '') : '';
      throw new ChaosError(
        DOCKER_UNAVAILABLE,
        `${text}; or run the scenarios in the simulator: chaos run --driver sim`,
        { cause: error },
      );
    }
    this.dockerLab = new DockerLab(deps);
    await this.dockerLab.reap((line) => deps.progress(line));
    this.imageTags = await ensureImages({
      docker: deps.docker,
      rootDir: deps.rootDir,
      progress: (line) => deps.progress(line),
      verbose: deps.verbose ?? false,
      now: () => deps.now(),
    });
  }

  /** The lab for a scenario: reused when identical, else brought up (after removing ours). */
  async acquire(spec: LabSpec): Promise<AcquiredLab> {
    const hash = specHash(spec, this.images);
    const cur = this.current;
    if (cur && cur.hash === hash) {
      await this.reset(cur.lab);
      return { lab: cur.lab, fresh: false };
    }
    if (cur) {
      this.current = undefined;
      if (cur.owned) {
        this.deps.progress(`lab ${cur.lab.name}: removing (the next scenario needs another lab)`);
        await cur.lab.down();
      }
    }
    const deadline = this.deps.now() + OTHERS_TIMEOUT_MS;
    for (;;) {
      const found = await this.waitForOthers(spec.name);
      if (found) {
        if (found.persistent && found.specHash === hash) {
          const lab = await this.lab.attach(spec.name);
          this.deps.progress(`lab ${spec.name}: using the lab that is up (same definition)`);
          this.current = { lab, hash, owned: false };
          await this.reset(lab);
          return { lab, fresh: false };
        }
        throw new ChaosError(
          LAB_CONFLICT,
          `lab ${spec.name} is up with a different definition${found.persistent ? '' : ` (owned by chaos process ${found.runs[0]?.ownerPid ?? '?'})`}; run \`chaos lab down --lab ${spec.name}\` first`,
        );
      }
      this.deps.progress(`lab ${spec.name}: bringing it up`);
      try {
        const lab = await this.lab.up(spec, this.images, {
          persistent: false,
          signal: this.signal,
          progress: (line) => this.deps.progress(line),
        });
        this.current = { lab, hash, owned: true };
        return { lab, fresh: true };
      } catch (error) {
        // Another process took the name or the subnet in the meantime: wait for it.
        if (
          !/overlaps|already exists/i.test(errorText(error)) ||
          this.deps.now() > deadline ||
          this.interrupted
        )
          throw error;
        this.deps.progress(`lab ${spec.name}: name or subnet ${spec.subnet} in use; waiting`);
        await this.deps.sleep(2000);
      }
    }
  }

  /**
   * The lab of this name on the engine, after waiting (up to OTHERS_TIMEOUT_MS) while another
   * live chaos process runs it without having made it persistent (a `chaos run` or a test).
   */
  private async waitForOthers(name: string): Promise<FoundLab | undefined> {
    const deadline = this.deps.now() + OTHERS_TIMEOUT_MS;
    let said = false;
    for (;;) {
      const found = (await this.lab.labs()).find((l) => l.name === name);
      const owner = found?.runs[0]?.ownerPid;
      const busy =
        found !== undefined &&
        !found.persistent &&
        owner !== undefined &&
        owner !== this.deps.host.selfPid &&
        this.deps.host.isAlive(owner);
      if (!busy || this.deps.now() > deadline || this.interrupted) return found;
      if (!said)
        this.deps.progress(`lab ${name} is in use by chaos process ${owner}; waiting for it`);
      said = true;
      await this.deps.sleep(2000);
    }
  }

  /**
   * Back to a fresh lab's state after a scenario: every node running and thawed (the runner's
   * rollback heals, this is the safety net), then VRRP restarted on every web node at once so
   * that the initial states decide the election as on a fresh lab.
   */
  private async reset(lab: StartedLab): Promise<void> {
    const web = lab.spec.nodes.filter((n) => n.role === 'web');
    await Promise.all(
      lab.spec.nodes.map(async (n) => {
        if (await lab.isPaused(n.name)) await runNamedFault(lab, 'pause', 'heal', n.name);
        if (!(await lab.isRunning(n.name))) await runNamedFault(lab, 'power-off', 'heal', n.name);
      }),
    );
    await Promise.all(web.map((n) => lab.exec(n.name, ['/opt/chaos/bin/vrrp-stop'])));
    await Promise.all(
      web.map(async (n) => {
        const r = await lab.exec(n.name, ['/opt/chaos/bin/vrrp-start']);
        if (r.exitCode !== 0)
          throw new ChaosError(
            'LAB_RESET_FAILED',
            `vrrp-start in ${n.name} exited ${r.exitCode}: ${(r.stderr || r.stdout).trim()}`,
          );
      }),
    );
    await lab.waitVipOwner({ timeoutMs: 30_000, progress: (line) => this.deps.progress(line) });
  }

  /** Remove the lab this run created (a user's lab stays up). */
  async close(): Promise<void> {
    const cur = this.current;
    this.current = undefined;
    if (cur?.owned) {
      this.deps.progress(`lab ${cur.lab.name}: removing`);
      await cur.lab.down();
    }
  }
}
