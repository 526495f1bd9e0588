/**
 * startLab(): a Docker lab for a test, as `chaos run` brings one up for a scenario: the engine
 * checked, what killed runs left reaped, the images built when missing, the lab brought up (or
 * an identical `chaos lab up` lab used and left up), then the captures and the prober started.
 * Errors are ChaosErrors with codes (DOCKER_UNAVAILABLE, LAB_FILE_NOT_FOUND, LAB_NOT_READY,
 * LAB_CONFLICT, ...); it resolves once the lab is steady (one VIP owner, its adverts in the
 * captures). Nothing here exits the process or prints unless `progress` is given.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Dockerode from 'dockerode';
import { DockerDriver } from '../drivers/docker/driver';
import { DockerSession } from '../drivers/docker/session';
import { packageRoot, systemLabDeps } from '../lab/docker-support';
import type { LabSpec } from '../lab/lab-spec';
import { loadLabSpec } from '../lab/load-spec';
import type { LoadedScenario } from '../scenario/loader';
import { DEFAULT_PROBE_INTERVAL_MS, DEFAULT_PROBE_TIMEOUT_MS } from '../scenario/types';
import { DockerChaosLab } from './docker-chaos-lab';
import type { ChaosLab } from './types';

export interface StartLabOptions {
  /** A YAML lab file (docs/labs.md); neither this nor `spec`: the seed's lab. */
  labFile?: string;
  /** A lab spec already parsed (parseLabFile, seedLabSpec). */
  spec?: LabSpec;
  /** Where pcaps, prober.jsonl and the nodes' logs go (default: a new folder in the OS temp). */
  evidenceDir?: string;
  /** The prober's GETs of http://VIP/: interval and timeout in ms (defaults 20 and 500). */
  probe?: { intervalMs?: number; timeoutMs?: number; url?: string };
  /** How long the prober runs at most (default one hour; down() stops it earlier). */
  maxDurationS?: number;
  /**
   * How long the lab may take to be steady once up (one VIP owner, its advert captured):
   * default 30 s, then LAB_NOT_READY.
   */
  steadyTimeoutMs?: number;
  /** Progress lines (image builds, lab up); default: none. */
  progress?: (line: string) => void;
  /** Image builds print their whole log to `progress`. */
  verbose?: boolean;
  /** The engine (default: DOCKER_HOST or the local socket). */
  docker?: Dockerode;
}

function evidenceFolder(options: StartLabOptions): string {
  if (options.evidenceDir !== undefined) {
    fs.mkdirSync(options.evidenceDir, { recursive: true });
    return options.evidenceDir;
  }
  return fs.mkdtempSync(path.join(os.tmpdir(), 'chaos-lab-'));
}

/** The scenario a lab is driven as: its lab and probe, no steps (the test gives the faults). */
function labScenario(spec: LabSpec, options: StartLabOptions): LoadedScenario {
  return {
    file: '(startLab)',
    configs: {},
    scenario: {
      name: spec.name,
      description: 'a lab started by startLab()',
      drivers: ['docker'],
      lab: spec,
      probe: {
        url: options.probe?.url ?? `http://${spec.vip}/`,
        intervalMs: options.probe?.intervalMs ?? DEFAULT_PROBE_INTERVAL_MS,
        timeoutMs: options.probe?.timeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS,
      },
      steps: [],
      slo: null,
    },
  };
}

/** `startLab('lab.yaml')`, `startLab({ spec })`, `startLab()`: the seed's lab. */
export async function startLab(labFileOrOptions?: string | StartLabOptions): Promise<ChaosLab> {
  const options: StartLabOptions =
    typeof labFileOrOptions === 'string' ? { labFile: labFileOrOptions } : (labFileOrOptions ?? {});
  const rootDir = packageRoot();
  const spec = options.spec ?? loadLabSpec(options.labFile, rootDir);
  const docker = options.docker ?? new Dockerode();
  const deps = systemLabDeps(docker);
  const session = new DockerSession({
    ...deps,
    rootDir,
    progress: options.progress ?? (() => {}),
    verbose: options.verbose ?? false,
  });
  await session.open();
  const loaded = labScenario(spec, options);
  const evidenceDir = evidenceFolder(options);
  const driver = new DockerDriver(loaded, session, {
    now: () => deps.now(),
    sleep: (ms) => deps.sleep(ms),
    evidenceDir,
    tag: deps.newRunId(),
    proberDurationS: options.maxDurationS ?? 3600,
  });
  try {
    await driver.start();
    const lab = new DockerChaosLab({
      docker,
      session,
      driver,
      clock: { now: () => deps.now(), sleep: (ms) => deps.sleep(ms) },
      evidenceDir,
      probeIntervalMs: loaded.scenario.probe.intervalMs,
    });
    await lab.waitSteady(options.steadyTimeoutMs ?? 30_000);
    return lab;
  } catch (error) {
    await driver.stop().catch(() => {});
    await session.close().catch(() => {});
    throw error;
  }
}
