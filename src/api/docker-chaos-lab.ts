/**
 * The ChaosLab of the library on Docker: one DockerSession (engine, images, the lab brought up
 * or reused) and one DockerDriver (captures on the web nodes and the prober, the prober's GETs,
 * faults carried out as `chaos run` carries them out), driven by a test instead of a scenario.
 * Faults are the named faults of `chaos fault` (namedFaultUnits); evidence() analyses the pcaps
 * copied so far with the runner's functions (src/run/evidence.ts).
 */
import './async-dispose';
import type Dockerode from 'dockerode';
import { analyzeTimeline } from '../capture';
import { ChaosError } from '../errors';
import type { ResolvedFaultName } from '../faults';
import type { DockerDriver } from '../drivers/docker/driver';
import type { DockerSession } from '../drivers/docker/session';
import { errorText, failureCollector } from '../lab/docker-support';
import type { StoredSpec } from '../lab/lab';
import type { LabStatus, ProbeResult } from '../lab/lab-status';
import { networkName } from '../lab/labels';
import { outagesFromProbes, probeSummary, splitBrainOf, switchoversOf } from '../run/evidence';
import { namedFaultUnits } from '../scenario/fault-input';
import type { ChaosLab, FaultOptions, LabEvidence, LabNetwork, PollClock } from './types';

export const LAB_CONNECT_FAILED = 'LAB_CONNECT_FAILED';
export const LAB_DOWN_FAILED = 'LAB_DOWN_FAILED';

export interface DockerChaosLabParts {
  docker: Dockerode;
  session: DockerSession;
  /** Started: it holds the lab. */
  driver: DockerDriver;
  clock: PollClock;
  evidenceDir: string;
  probeIntervalMs: number;
}

interface Applied {
  kind: string;
  node: string;
}

export class DockerChaosLab implements ChaosLab {
  readonly name: string;
  readonly spec: StoredSpec;
  readonly network: LabNetwork;
  readonly clock: PollClock;
  private readonly applied: Applied[] = [];
  private readonly connected = new Set<string>();
  private closed = false;

  constructor(private readonly parts: DockerChaosLabParts) {
    const lab = parts.driver.startedLab();
    this.name = lab.name;
    this.spec = lab.spec;
    this.clock = parts.clock;
    this.network = {
      name: networkName(lab.name),
      subnet: lab.spec.subnet,
      gateway: lab.spec.gateway,
      vip: lab.spec.vip,
      taken: [lab.spec.gateway, lab.spec.vip, ...lab.spec.nodes.map((n) => n.address)],
    };
  }

  private get driver(): DockerDriver {
    if (this.closed)
      throw new ChaosError('LAB_DOWN', `lab ${this.name} is down (down() was called)`);
    return this.parts.driver;
  }

  /**
   * Until the lab is steady: one node holds the VIP and the captures hold its advert, so that a
   * fault's switchover has the old master's last advert to measure from (LAB_NOT_READY after
   * `timeoutMs`, naming the owners seen last).
   */
  async waitSteady(timeoutMs: number): Promise<void> {
    const { clock } = this.parts;
    const deadline = clock.now() + timeoutMs;
    for (;;) {
      const owners = (await this.status()).vipOwners;
      const address = this.spec.nodes.find(
        (n) => owners.length === 1 && n.name === owners[0],
      )?.address;
      if (address !== undefined) {
        const seen = await this.driver.observations();
        if (seen.observations.some((o) => o.kind === 'advert' && o.src === address)) return;
      }
      if (clock.now() >= deadline)
        throw new ChaosError(
          'LAB_NOT_READY',
          `lab ${this.name} not steady after ${timeoutMs} ms: VIP ${this.spec.vip} owners ${owners.join(', ') || 'none'}${address ? ', no advert of the owner captured' : ''}`,
        );
      await clock.sleep(250);
    }
  }

  async fault(name: string, node: string, options: FaultOptions = {}): Promise<ResolvedFaultName> {
    const driver = this.driver;
    const { resolved, units } = namedFaultUnits(this.spec, name, 'apply', node, options);
    for (const unit of units) {
      if (resolved.action === 'heal') await driver.heal(unit);
      else await driver.apply(unit);
    }
    this.track(resolved, node);
    return resolved;
  }

  async heal(name: string, node: string, options: FaultOptions = {}): Promise<ResolvedFaultName> {
    const driver = this.driver;
    const { resolved, units } = namedFaultUnits(this.spec, name, 'heal', node, options);
    for (const unit of units) await driver.heal(unit);
    this.track(resolved, node);
    return resolved;
  }

  /** Applied faults are remembered until healed: down() heals the rest on a lab it leaves up. */
  private track(resolved: ResolvedFaultName, node: string): void {
    const kind = resolved.def.kind;
    const at = this.applied.findIndex((a) => a.kind === kind && a.node === node);
    if (resolved.action === 'apply' && at < 0) this.applied.push({ kind, node });
    if (resolved.action === 'heal' && at >= 0) this.applied.splice(at, 1);
  }

  async status(): Promise<LabStatus> {
    const lab = this.driver.startedLab();
    return await lab.status();
  }

  async probe(path?: string): Promise<ProbeResult> {
    const lab = this.driver.startedLab();
    return await lab.probeOnce(path);
  }

  async evidence(): Promise<LabEvidence> {
    const driver = this.driver;
    const observed = await driver.observations();
    const analysis = analyzeTimeline(observed.observations, { sources: observed.sources });
    const probes = await driver.probes();
    const names = new Map(this.spec.nodes.map((n) => [n.address, n.name]));
    const outages = outagesFromProbes(probes);
    return {
      switchovers: switchoversOf(analysis, names),
      splitBrain: splitBrainOf(analysis, names),
      outages,
      downtimeSeconds: outages.reduce((s, o) => s + o.durationSeconds, 0),
      probes: probeSummary(probes, this.parts.probeIntervalMs),
      analysis,
      evidenceDir: this.parts.evidenceDir,
    };
  }

  async connect(
    containerId: string,
    options: { address?: string; aliases?: string[] } = {},
  ): Promise<void> {
    this.driver.startedLab();
    const endpoint = {
      ...(options.address ? { IPAMConfig: { IPv4Address: options.address } } : {}),
      ...(options.aliases ? { Aliases: options.aliases } : {}),
    };
    try {
      await this.parts.docker
        .getNetwork(this.network.name)
        .connect({ Container: containerId, EndpointConfig: endpoint });
    } catch (error) {
      throw new ChaosError(
        LAB_CONNECT_FAILED,
        `Failed to connect container ${containerId.slice(0, 12)} to network "${this.network.name}"${options.address ? ` at ${options.address}` : ''}: ${errorText(error)}`,
        { cause: error },
      );
    }
    this.connected.add(containerId);
  }

  /**
   * Heal what is applied, disconnect joined containers, stop prober and captures (their files
   * copied to evidenceDir), then remove the lab if this call brought it up. Idempotent; every
   * part runs, the first failure is thrown at the end (LAB_DOWN_FAILED).
   */
  async down(): Promise<void> {
    if (this.closed) return;
    const driver = this.driver;
    this.closed = true;
    const { failures, tolerate } = failureCollector();
    // A lab this call removes needs no heals (a power-on would wait for the node to boot).
    const applied = this.parts.session.ownsLab ? [] : this.applied.splice(0).reverse();
    for (const a of applied)
      await tolerate(`heal ${a.kind} ${a.node}`, () =>
        namedFaultUnits(this.spec, a.kind, 'heal', a.node).units.reduce(
          (p, u) => p.then(() => driver.heal(u)),
          Promise.resolve(),
        ),
      );
    for (const id of this.connected)
      await tolerate(`disconnect ${id.slice(0, 12)}`, () =>
        this.parts.docker.getNetwork(this.network.name).disconnect({ Container: id, Force: true }),
      );
    await tolerate('stop prober and captures', () => driver.stop());
    await tolerate(`remove lab ${this.name}`, () => this.parts.session.close());
    if (failures.length > 0)
      throw new ChaosError(LAB_DOWN_FAILED, `lab ${this.name} down: ${failures.join('; ')}`);
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.down();
  }
}
