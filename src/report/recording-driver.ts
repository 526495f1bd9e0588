/**
 * A Driver decorator that keeps the evidence the report's timeline needs: the prober's
 * requests and the VRRP analysis as they were when the scenario stopped, and (optionally) VIP
 * samples every `sampleEveryMs` of scenario time. Pure with respect to I/O: it only calls the
 * driver it wraps. Sampling splits each `wait` into slices; use it with the simulator (cheap),
 * not with Docker (each sample runs commands in the containers), whose events.jsonl gives the
 * same bands.
 */
import type { AnalysisResult } from '../capture';
import type { Driver, FaultUnit, ProbeRecord, VipSample } from '../scenario/driver';
import { masterPeriodsOf } from './evidence';
import type { ScenarioEvidence } from './timeline';

export interface RecordingOptions {
  /** Take a VIP sample every this many ms of scenario time; null: only the runner's samples. */
  sampleEveryMs: number | null;
  /** address -> node name, to name the routers of the VRRP analysis. */
  names?: ReadonlyMap<string, string>;
}

export class RecordingDriver implements Driver {
  private readonly samples: VipSample[] = [];
  private finalProbes: ProbeRecord[] | null = null;
  private finalAnalysis: AnalysisResult | null = null;
  /**
   * What the runner last read through us, until the lab next changes (start, apply, heal,
   * wait). The runner reads the evidence after its last heal, right before stop(): stop()
   * reuses that read instead of fetching the same evidence again (on Docker: an exec and a
   * copy of every capture).
   */
  private lastProbes: ProbeRecord[] | null = null;
  private lastAnalysis: AnalysisResult | null = null;

  constructor(
    private readonly inner: Driver,
    private readonly options: RecordingOptions,
  ) {}

  get name(): Driver['name'] {
    return this.inner.name;
  }
  get clock(): Driver['clock'] {
    return this.inner.clock;
  }
  get pollIntervalMs(): number {
    return this.inner.pollIntervalMs;
  }

  refusals(): ReturnType<Driver['refusals']> {
    return this.inner.refusals();
  }

  async start(): Promise<void> {
    this.changed();
    await this.inner.start();
    if (this.options.sampleEveryMs !== null) await this.sample();
  }

  apply(fault: FaultUnit): Promise<void> {
    this.changed();
    return this.inner.apply(fault).then(() => this.sampleIfRecording());
  }

  heal(fault: FaultUnit): Promise<void> {
    this.changed();
    return this.inner.heal(fault).then(() => this.sampleIfRecording());
  }

  async wait(ms: number): Promise<void> {
    this.changed();
    const every = this.options.sampleEveryMs;
    if (every === null || every <= 0) return this.inner.wait(ms);
    let left = ms;
    while (left > 0) {
      const slice = Math.min(every, left);
      await this.inner.wait(slice);
      left -= slice;
      await this.sample();
    }
  }

  async sample(): Promise<VipSample> {
    const s = await this.inner.sample();
    const last = this.samples.at(-1);
    if (!last || s.t > last.t) this.samples.push(s);
    return s;
  }

  async probes(): Promise<ProbeRecord[]> {
    const probes = await this.inner.probes();
    this.lastProbes = probes;
    return probes;
  }

  async vrrp(): Promise<AnalysisResult> {
    const analysis = await this.inner.vrrp();
    this.lastAnalysis = analysis;
    return analysis;
  }

  async stop(): Promise<void> {
    try {
      this.finalProbes = this.lastProbes ?? (await this.inner.probes());
      this.finalAnalysis = this.lastAnalysis ?? (await this.inner.vrrp());
    } catch {
      // Evidence that cannot be read stays "not measured".
    }
    await this.inner.stop();
  }

  /** What was recorded; call after the runner finished (stop() has run). */
  evidence(): ScenarioEvidence {
    const e: ScenarioEvidence = {};
    if (this.finalProbes) e.probes = this.finalProbes;
    if (this.samples.length > 0) e.samples = [...this.samples];
    if (this.finalAnalysis && this.options.names)
      e.masterPeriods = masterPeriodsOf(this.finalAnalysis, this.options.names);
    return e;
  }

  private changed(): void {
    this.lastProbes = null;
    this.lastAnalysis = null;
  }

  private async sampleIfRecording(): Promise<void> {
    if (this.options.sampleEveryMs !== null) await this.sample();
  }
}
