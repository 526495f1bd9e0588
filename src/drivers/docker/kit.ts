/**
 * Docker as a suite's driver: one DockerSession for the suite (labs reused when identical);
 * evidence in --out DIR, default runs/<UTC timestamp>-<scenario>, one folder per scenario.
 */
import path from 'node:path';
import Dockerode from 'dockerode';
import { systemLabDeps } from '../../lab/docker-lab';
import { packageRoot } from '../../lab/docker-support';
import type { LoadedScenario } from '../../scenario/loader';
import { DRIVER_FAULT_UNSUPPORTED, type DriverKitFactory } from '../../run/suite';
import { createDockerDriverFactory } from './driver';
import { defaultOutDir, evidenceFolder } from './evidence';
import { DockerSession } from './session';

/** A session on the local engine (not opened yet), with this checkout's images. */
export function newDockerSession(
  log: (line: string) => void,
  verbose: boolean,
): { docker: Dockerode; session: DockerSession } {
  const docker = new Dockerode();
  const deps = systemLabDeps(docker);
  const session = new DockerSession({
    ...deps,
    rootDir: packageRoot(),
    progress: (line) => log(line),
    verbose,
  });
  return { docker, session };
}

export const dockerKit: DriverKitFactory = ({ out, scenarios, log, verbose }) => {
  const { docker, session } = newDockerSession(log, verbose);
  const deps = session.deps;
  const outDir =
    out ??
    defaultOutDir(
      deps.now(),
      scenarios.map((l) => l.scenario.name),
    );
  const folders = new Map<LoadedScenario, string>();
  const taken = new Set<string>();
  for (const l of scenarios) {
    const f = evidenceFolder(l.scenario.name, taken);
    taken.add(f);
    folders.set(l, path.join(outDir, f));
  }
  return {
    name: 'docker',
    factory: createDockerDriverFactory(
      session,
      (l) => folders.get(l) ?? path.join(outDir, evidenceFolder(l.scenario.name, taken)),
    ),
    prepare: () => session.open(),
    interrupt: (reason) => session.interrupt(reason),
    close: () => session.close(),
    outDir,
    // Each sample runs commands in the containers; the daemons' event logs draw the bands.
    sampleEveryMs: null,
    refusalCode: DRIVER_FAULT_UNSUPPORTED,
    engineVersion: async () => {
      try {
        return (await docker.version()).Version;
      } catch {
        return null;
      }
    },
  };
};
