/**
 * A soak on the Docker lab (`chaos explore FILE --driver docker --duration D`): consecutive
 * explore schedules covering the duration (src/explore/soak-schedule.ts), each run as a scenario
 * by the runner on a DockerDriver (recorded for the invariants' VIP samples, as explore's runs
 * are), one after the other on one lab whose daemons run through the whole soak; each piece's
 * invariants checked from its evidence as it ends. Meanwhile every web node's daemon is sampled
 * every few seconds (memory, CPU). At the end the audit: each web node's rules and processes
 * against those before the first piece, rogue and flood containers, and after teardown the
 * resources this process still owns. An abort (SIGINT) heals, tears down and keeps what was
 * seen. Returns soak.json's input; the CLI writes the files and maps the verdict.
 */
import fs from 'node:fs';
import path from 'node:path';
import { InputError } from '../../errors';
import type { StartedLab } from '../../lab/docker-lab';
import { RecordingDriver } from '../../run/recording-driver';
import { runScenario } from '../../run/runner';
import type { FaultUnit } from '../../run/driver';
import type { LoadedScenario } from '../../scenario/loader';
import { exploreContext, exploreFaults } from '../../explore/draw';
import { settleMs } from '../../explore/explore';
import type { ExploreBase } from '../../explore/input';
import { checkInvariants, type InvariantName } from '../../explore/invariants';
import { loadedFor, runSeed, scenarioData, scheduleRng } from '../../explore/run';
import { scheduleSteps, type Schedule } from '../../explore/schedule';
import { auditNodes, type AuditFinding, type NodeSnapshot } from '../../explore/soak-audit';
import type { SoakInput, SoakPiece, SoakViolation } from '../../explore/soak-model';
import type { DaemonSample } from '../../explore/soak-samples';
import { drawSoakPlan } from '../../explore/soak-schedule';
import { DockerDriver, type DriverSession } from './driver';
import { newDockerSession } from './kit';
import { dockerRefusals, DOCKER_FAULT_UNSUPPORTED } from './refusals';
import type { DockerSession } from './session';
import { DockerSoakProbe, helperContainers, ownedBy, soakSession } from './soak-lab';

/** Daemons sampled this often, ms. */
export const DAEMON_SAMPLE_EVERY_MS = 5000;
/**
 * The invariants' VIP samples: a pause of this many ms between two (a sample is one exec per
 * node, about 100-150 ms). They are taken beside the steps, not between slices of each wait as
 * RecordingDriver's own sampling does: on Docker that would stretch every wait by the samples'
 * time (a 120 s piece took 200 s).
 */
export const SOAK_VIP_SAMPLE_MS = 200;

export interface SoakOptions {
  base: ExploreBase;
  seed: number;
  durationMs: number;
  horizonMs: number;
  maxFaults: number;
  faults: string[] | null;
  invariants: InvariantName[];
  /** Where the pieces' evidence goes (DIR/pieces/piece-<i>). */
  out: string;
  signal?: AbortSignal;
  sampleEveryMs?: number;
  log: (line: string) => void;
  onProgress?: (p: SoakProgress) => void;
}

export interface SoakProgress {
  elapsedMs: number;
  durationMs: number;
  faultsApplied: number;
  violations: number;
}

/** A DockerDriver that counts the faults it applied and samples the VIP while it runs. */
class SoakDockerDriver extends DockerDriver {
  onApply: () => void = () => {};
  private sampling: Promise<void> | undefined;
  private running = false;

  override async apply(f: FaultUnit): Promise<void> {
    await super.apply(f);
    this.onApply();
  }

  /** Once started, `sample` (the recorder's, which keeps them) every `pauseMs` until stop. */
  sampleWhileRunning(sample: () => Promise<unknown>, sleep: (ms: number) => Promise<void>) {
    this.afterStart = () => {
      this.running = true;
      this.sampling = (async () => {
        while (this.running) {
          // A sample that fails (a node going down mid-exec) is the runner's to see, not ours.
          await sample().catch(() => undefined);
          await sleep(SOAK_VIP_SAMPLE_MS);
        }
      })();
    };
  }

  private afterStart = (): void => {};

  override async start(): Promise<void> {
    await super.start();
    this.afterStart();
  }

  override async stop(): Promise<void> {
    this.running = false;
    await this.sampling;
    await super.stop();
  }
}

/** Every piece as a scenario on the base's lab; InputError when Docker refuses a step. */
function piecesOf(o: SoakOptions, plan: Schedule[]): LoadedScenario[] {
  const loaded = plan.map((s, i) =>
    loadedFor(o.base, scenarioData(o.base, `soak-${i}`, scheduleSteps(s))),
  );
  const refused = loaded.flatMap((l, i) =>
    dockerRefusals(l.scenario).map((r) => `piece ${i}: step ${r.step + 1}: ${r.message}`),
  );
  if (refused.length > 0)
    throw new InputError(
      DOCKER_FAULT_UNSUPPORTED,
      `the docker driver cannot run:\n${refused.join('\n')}\n(choose the faults with --faults)`,
    );
  return loaded;
}

class Soak {
  readonly samples: DaemonSample[] = [];
  readonly violations: SoakViolation[] = [];
  readonly pieces: SoakPiece[] = [];
  private applied = 0;
  private lab: StartedLab | undefined;
  private before: NodeSnapshot[] = [];
  private sampling: Promise<void> | undefined;
  private stopSampling = (): void => {};
  private t0: number;
  /** One for the whole soak: the first piece brings the lab up, the others reuse it as it is. */
  private readonly pieceSession: DriverSession;

  constructor(
    private readonly o: SoakOptions,
    private readonly session: DockerSession,
  ) {
    this.t0 = session.deps.now();
    this.pieceSession = soakSession(session, (lab) => this.onLab(lab));
  }

  /** The soak's time begins now (the engine is ready, the first piece about to start). */
  begin(): void {
    this.t0 = this.session.deps.now();
  }

  elapsed(): number {
    return this.session.deps.now() - this.t0;
  }

  progress(): SoakProgress {
    return {
      elapsedMs: this.elapsed(),
      durationMs: this.o.durationMs,
      faultsApplied: this.applied,
      violations: this.violations.length,
    };
  }

  /** The lab is up: the audit's baseline, then the daemon sampler. */
  private async onLab(lab: StartedLab): Promise<void> {
    this.lab = lab;
    const probe = new DockerSoakProbe(lab);
    this.before = await probe.snapshots();
    const stopped = new Promise<void>((resolve) => (this.stopSampling = resolve));
    const every = this.o.sampleEveryMs ?? DAEMON_SAMPLE_EVERY_MS;
    this.sampling = (async () => {
      let running = true;
      void stopped.then(() => (running = false));
      while (running) {
        const t = this.elapsed();
        for (const { node, reading } of await probe.daemons())
          this.samples.push({ t, node, ...reading });
        await Promise.race([stopped, this.session.deps.sleep(every)]);
      }
    })();
  }

  /** Run piece `i`; its violations, shifted to the soak's time. */
  async piece(i: number, loaded: LoadedScenario, schedule: Schedule): Promise<void> {
    const seed = runSeed(this.o.seed, i);
    const runDir = path.join('pieces', `piece-${i}`);
    const evidenceDir = path.join(this.o.out, runDir);
    const driver = new SoakDockerDriver(loaded, this.pieceSession, {
      now: () => this.session.deps.now(),
      sleep: (ms) => this.session.deps.sleep(ms),
      evidenceDir,
      tag: `${this.session.deps.newRunId()}-${i}`,
    });
    driver.onApply = () => this.applied++;
    const names = new Map(loaded.scenario.lab.nodes.map((n) => [n.address, n.name]));
    const recorder = new RecordingDriver(driver, { sampleEveryMs: null, names });
    driver.sampleWhileRunning(
      () => recorder.sample(),
      (ms) => this.session.deps.sleep(ms),
    );
    const run = await runScenario(loaded, recorder, { seed });
    const startMs = this.elapsed() - driver.clock.now();
    fs.mkdirSync(evidenceDir, { recursive: true });
    fs.writeFileSync(path.join(evidenceDir, 'result.json'), `${JSON.stringify(run.result)}\n`);
    const evidence = {
      scenario: loaded.scenario,
      result: run.result,
      samples: recorder.evidence(run).samples ?? [],
    };
    for (const v of checkInvariants(evidence, this.o.base.bounds, this.o.invariants))
      this.violations.push({
        invariant: v.invariant,
        piece: i,
        atMs: startMs + v.atMs,
        boundMs: v.boundMs,
        observed: v.observed,
      });
    this.pieces.push({
      i,
      seed,
      startMs,
      horizonMs: schedule.horizonMs,
      faults: schedule.faults,
      status: run.result.status,
      error: run.result.error?.message ?? null,
      runDir,
    });
  }

  /** Stop sampling; the nodes against the baseline, and the helpers still up. */
  async audit(): Promise<AuditFinding[]> {
    this.stopSampling();
    await this.sampling;
    const lab = this.lab;
    if (!lab) return [];
    const probe = new DockerSoakProbe(lab);
    const first = await probe.snapshots();
    await this.session.deps.sleep(1000);
    const second = await probe.snapshots();
    const helpers = helperContainers(await this.session.lab.resources(lab.name));
    return [
      ...auditNodes(this.before, [first, second]),
      ...helpers.map((name) => ({
        kind: 'helper-container' as const,
        node: null,
        detail: `container ${name} still up`,
      })),
    ];
  }
}

/** The pieces in turn until the duration is covered or the signal aborts. */
async function runPieces(soak: Soak, o: SoakOptions, plan: Schedule[], loaded: LoadedScenario[]) {
  for (const [i, l] of loaded.entries()) {
    const schedule = plan[i]!;
    if (o.signal?.aborted) {
      soak.pieces.push({
        i,
        seed: runSeed(o.seed, i),
        startMs: null,
        horizonMs: schedule.horizonMs,
        faults: schedule.faults,
        status: 'not-run',
        error: null,
        runDir: null,
      });
      continue;
    }
    o.log(`soak: piece ${i + 1}/${loaded.length}: ${schedule.faults.length} fault(s)`);
    await soak.piece(i, l, schedule);
  }
}

export async function runSoak(o: SoakOptions): Promise<SoakInput> {
  const { faults, skipped } = exploreFaults(o.faults);
  const lab = o.base.loaded.scenario.lab;
  const plan = drawSoakPlan(
    scheduleRng(o.seed),
    faults,
    () => exploreContext(lab, o.base.password),
    {
      durationMs: o.durationMs,
      horizonMs: o.horizonMs,
      maxFaults: o.maxFaults,
      settleMs: settleMs(o.base),
    },
  );
  const loaded = piecesOf(o, plan);
  const { session } = newDockerSession(o.log, false);
  const onAbort = (): void => session.interrupt(String(o.signal?.reason as unknown));
  o.signal?.addEventListener('abort', onAbort);
  if (o.signal?.aborted) onAbort();
  const soak = new Soak(o, session);
  const ticker = setInterval(() => o.onProgress?.(soak.progress()), 1000);
  let audit: AuditFinding[] = [];
  try {
    await session.open();
    soak.begin();
    await runPieces(soak, o, plan, loaded);
    audit = await soak.audit();
  } finally {
    clearInterval(ticker);
    o.signal?.removeEventListener('abort', onAbort);
    await session.close();
  }
  const left = ownedBy(await session.lab.resources(), session.deps.host.selfPid);
  audit.push(...left.map((r) => ({ kind: 'resource-left' as const, node: null, detail: r })));
  o.onProgress?.(soak.progress());
  return {
    file: o.base.file,
    seed: o.seed,
    durationMs: o.durationMs,
    elapsedMs: soak.elapsed(),
    horizonMs: o.horizonMs,
    maxFaults: o.maxFaults,
    sampleEveryMs: o.sampleEveryMs ?? DAEMON_SAMPLE_EVERY_MS,
    faults: faults.map((f) => f.kind),
    skipped,
    invariants: o.invariants,
    interrupted: o.signal?.aborted ? String(o.signal.reason as unknown) : null,
    pieces: soak.pieces,
    violations: soak.violations,
    samples: soak.samples,
    audit,
  };
}
