/**
 * The library's types: what startLab() gives a test (a ChaosLab), what its evidence() holds,
 * the clock its waits use. Plain data apart from the lab itself; times are seconds since the lab
 * was started (the prober and the captures began), as in report.json.
 */
import type { AnalysisResult } from '../capture';
import type { Clock } from '../clock';
import type { ResolvedFaultName } from '../faults';
import type { StoredSpec } from '../lab/lab';
import type { LabStatus, ProbeResult } from '../lab/lab-status';
import type { OutageRecord, ProbeSummary, SplitBrainRecord, SwitchoverRecord } from '../run/result';

/** A clock that can also wait: the matchers' polls (toHoldVip) run on it. */
export interface PollClock extends Clock {
  sleep(ms: number): Promise<void>;
}

/** The lab's bridge network, for containers started elsewhere (testcontainers) to join. */
export interface LabNetwork {
  /** The Docker network's name (`chaos-<lab>`). */
  name: string;
  subnet: string;
  gateway: string;
  vip: string;
  /** Addresses the lab's nodes use (a joining container must take another). */
  taken: string[];
}

/** What the lab's captures and prober saw since startLab(), node names for addresses. */
export interface LabEvidence {
  switchovers: SwitchoverRecord[];
  splitBrain: SplitBrainRecord[];
  /** Client outages seen by the prober (GETs of http://VIP/). */
  outages: OutageRecord[];
  downtimeSeconds: number;
  probes: ProbeSummary;
  /** The whole VRRP analysis of the captures (addresses, epoch-relative times shifted). */
  analysis: AnalysisResult;
  /** Where the pcaps (pcaps/), prober.jsonl and the nodes' logs are copied. */
  evidenceDir: string;
}

/** Options of a fault or heal: the keys `chaos fault NAME NODE -o key=value` takes. */
export type FaultOptions = Record<string, unknown>;

/** A lab that is up, for a test: faults, status, probe, evidence, teardown. */
export interface ChaosLab extends AsyncDisposable {
  readonly name: string;
  readonly spec: StoredSpec;
  readonly network: LabNetwork;
  /** The lab's waits and the matchers' polls run on it. */
  readonly clock: PollClock;
  /** A fault by the name `chaos fault` takes (power-off, kill-nginx, network-down, ...). */
  fault(name: string, node: string, options?: FaultOptions): Promise<ResolvedFaultName>;
  /** Its heal (power-off or power-on both heal a power-off). */
  heal(name: string, node: string, options?: FaultOptions): Promise<ResolvedFaultName>;
  /** The shape of `chaos lab status --json`. */
  status(): Promise<LabStatus>;
  /** One GET of http://VIP/ (or `path`) from the prober. */
  probe(path?: string): Promise<ProbeResult>;
  /** The captures analysed and the prober's outages, so far. */
  evidence(): Promise<LabEvidence>;
  /**
   * Put a container started elsewhere (a testcontainers container's id) on the lab's network,
   * at `address` when given (else Docker picks one). down() disconnects it again.
   */
  connect(containerId: string, options?: { address?: string; aliases?: string[] }): Promise<void>;
  /** Heal what is still applied, stop prober and captures, remove the lab if startLab made it. */
  down(): Promise<void>;
}
