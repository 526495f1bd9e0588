/**
 * The Driver port: what the runner needs from a lab. One per scenario run; src/drivers/sim and
 * src/drivers/docker implement it. The runner only talks to this interface and reads time only
 * from `clock`, so a driver decides whether time is virtual (the simulator: `wait` advances it)
 * or real (Docker: `wait` sleeps). A driver reports what it saw (samples, requests, frames on
 * the wire); the runner does the analysis, once, the same for every driver.
 */
import type { CaptureSource, Observation } from '../capture';
import type { Clock } from '../clock';
import type { FaultUnit } from '../faults';
import type { ReceiveChecks } from './receive-checks';
import type { VrrpStateName } from '../vrrp/state-machine';
import type { LoadedScenario } from '../scenario/loader';
import type { DriverName, Scenario } from '../scenario/types';

export type { FaultUnit } from '../faults';

/**
 * The VRRP and ARP frames seen so far (times in seconds since the lab came up), and where they
 * were captured. A driver returns the same object again while nothing new was seen.
 */
export interface Observed {
  observations: readonly Observation[];
  sources: CaptureSource[];
}

/** A fault the driver cannot carry out, found before the run starts. */
export interface Refusal {
  /** 0-based step index. */
  step: number;
  code: string;
  message: string;
}

/** VIP ownership and VRRP states at one moment. */
export interface VipSample {
  /** ms since the lab came up. */
  t: number;
  /** Nodes holding the VIP (two or more: split brain). */
  owners: string[];
  /** Every VRRP node's state (rogue routers included while present). */
  states: Record<string, VrrpStateName>;
}

/** One prober request, as the prober's JSONL has it. */
export interface ProbeRecord {
  /** ms since the lab came up (when the request was sent). */
  t: number;
  ok: boolean;
  status: number | null;
  /** The node that answered (the shop page names it). */
  servedBy: string | null;
  latencyMs: number | null;
  error?: string;
}

export interface Driver {
  readonly name: DriverName;
  /** ms since the lab came up. */
  readonly clock: Clock;
  /** How often the runner polls an `expect ... within` (ms). */
  readonly pollIntervalMs: number;
  /** Faults this driver cannot carry out in this scenario; empty when it can run it. */
  refusals(): Refusal[];
  /** Bring the lab up and start the prober and the captures. */
  start(): Promise<void>;
  apply(fault: FaultUnit): Promise<void>;
  /** Idempotent: healing what is not broken changes nothing. */
  heal(fault: FaultUnit): Promise<void>;
  /** Let `ms` pass. */
  wait(ms: number): Promise<void>;
  sample(): Promise<VipSample>;
  /** The same as `sample` at no cost in scenario time, where a driver can (the simulator). */
  peek?(): Promise<VipSample>;
  /** The prober's requests so far, in time order. */
  probes(): Promise<ProbeRecord[]>;
  /** The frames seen on the wire so far. */
  observations(): Promise<Observed>;
  /**
   * Receive-check counters of the floods of broken VRRP the run had (malformed-adverts), read
   * when each was healed; null when there was none. Optional: a driver without floods omits it.
   */
  receiveChecks?(): Promise<ReceiveChecks | null>;
  /** Stop the prober and captures, tear down (the evidence stays readable). */
  stop(): Promise<void>;
}

export interface DriverOptions {
  seed: number;
  /**
   * The simulator: how long the lab runs before the scenario's first step, ms (default 0). It
   * sets where in the advert and track-script cycles the steps fall, which Docker leaves to
   * chance (its lab has run for a while when a scenario starts); `npm run bench:agreement`
   * sweeps it. Docker ignores it.
   */
  leadInMs?: number;
  /**
   * The simulator: each fault's apply and heal takes effect after a delay drawn from the seed in
   * [0, this) ms (default 0), as a Docker fault's plan takes a while to run (docker exec), so
   * that steps after a `within` are not locked to the advert phase. Docker ignores it.
   */
  actionLatencyMs?: number;
  /**
   * The simulator: each of the runner's samples takes a delay drawn from the seed in [0, this)
   * ms (default 0), as a Docker sample (commands in every node) does. The report's timeline
   * samples (`peek`) cost nothing. Docker ignores it.
   */
  sampleLatencyMs?: number;
  /**
   * The simulator: the LAN's one-way latency, ms (default 0: a reply leaves at the instant the
   * packet it answers was sent, and the RFC's figures come out exact). A real bridge takes some
   * tens of microseconds, which orders a takeover advert before the old master's answer to it.
   * Docker ignores it.
   */
  lanLatencyMs?: number;
  /**
   * The simulator: up to this much seeded jitter per router timer and per packet, ms (default
   * 0: exact, as every simulated result so far). `chaos explore` sets 1 ms, so that races real
   * nodes have (two timers expiring together) go either way. Docker ignores it.
   */
  jitterMs?: number;
}

export type DriverFactory = (loaded: LoadedScenario, options: DriverOptions) => Driver;

export type { Scenario };
