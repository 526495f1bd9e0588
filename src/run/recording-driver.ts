/**
 * A Driver decorator that keeps the VIP samples the report's timeline draws: every sample the
 * runner takes and (optionally) one every `sampleEveryMs` of scenario time. It only calls the
 * driver it wraps. Sampling splits each `wait` into slices; use it with the simulator (cheap),
 * not with Docker (each sample runs commands in the containers: there the report draws only the
 * samples the runner took). The prober's requests and the VRRP analysis come from the runner
 * (ScenarioRun).
 */
import { masterPeriodsOf } from '../report/evidence';
import type { ScenarioEvidence } from '../report/timeline';
import type { Driver, FaultUnit, Observed, ProbeRecord, VipSample } from './driver';
import type { ReceiveChecks } from './receive-checks';
import type { ScenarioRun } from './runner';

export interface RecordingOptions {
  /** Take a VIP sample every this many ms of scenario time; null: only the runner's samples. */
  sampleEveryMs: number | null;
  /** address -> node name, to name the routers of the VRRP analysis. */
  names?: ReadonlyMap<string, string>;
}

export class RecordingDriver implements Driver {
  private readonly samples: VipSample[] = [];

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
    await this.inner.start();
    await this.sampleIfRecording();
  }

  apply(fault: FaultUnit): Promise<void> {
    return this.inner.apply(fault).then(() => this.sampleIfRecording());
  }

  heal(fault: FaultUnit): Promise<void> {
    return this.inner.heal(fault).then(() => this.sampleIfRecording());
  }

  async wait(ms: number): Promise<void> {
    const every = this.options.sampleEveryMs;
    if (every === null || every <= 0) return this.inner.wait(ms);
    let left = ms;
    while (left > 0) {
      const slice = Math.min(every, left);
      await this.inner.wait(slice);
      left -= slice;
      await this.timelineSample();
    }
  }

  /** The runner's sample: the driver's own (with whatever it costs), kept for the timeline. */
  sample(): Promise<VipSample> {
    return this.keep(this.inner.sample());
  }

  private async keep(sampled: Promise<VipSample>): Promise<VipSample> {
    const s = await sampled;
    const last = this.samples.at(-1);
    if (!last || s.t > last.t) this.samples.push(s);
    return s;
  }

  probes(): Promise<ProbeRecord[]> {
    return this.inner.probes();
  }

  observations(): Promise<Observed> {
    return this.inner.observations();
  }

  receiveChecks(): Promise<ReceiveChecks | null> {
    return this.inner.receiveChecks?.() ?? Promise.resolve(null);
  }

  stop(): Promise<void> {
    return this.inner.stop();
  }

  /** The report's evidence: the samples kept here, the requests and analysis of the run. */
  evidence(run: ScenarioRun): ScenarioEvidence {
    const e: ScenarioEvidence = {};
    if (run.probes) e.probes = run.probes;
    if (this.samples.length > 0) e.samples = [...this.samples];
    if (run.analysis && this.options.names)
      e.masterPeriods = masterPeriodsOf(run.analysis, this.options.names);
    return e;
  }

  private async sampleIfRecording(): Promise<void> {
    if (this.options.sampleEveryMs !== null) await this.timelineSample();
  }

  /** The timeline's own samples cost nothing where the driver can peek (the simulator). */
  private timelineSample(): Promise<VipSample> {
    return this.keep(this.inner.peek ? this.inner.peek() : this.inner.sample());
  }
}
