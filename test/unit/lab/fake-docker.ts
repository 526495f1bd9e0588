/**
 * A scripted in-memory Docker engine for the lab driver's unit tests: the dockerode calls the
 * lab makes (networks, containers, volumes, exec, archives, lifecycle), each recorded as one
 * line in `calls`, with the engine's status codes where Docker answers with them (404 gone,
 * 304 already started, 409 not running / already paused). Exec answers come from `script`.
 */
/* eslint-disable @typescript-eslint/require-await -- the fake answers at once; `async` makes its
   throws rejections, as dockerode's failures are. */
import { PassThrough } from 'node:stream';
import type Dockerode from 'dockerode';
import { tarArchive } from '../../../src/lab/tar';

export interface ExecAnswer {
  exitCode?: number;
  stdout?: string;
  stderr?: string;
}

/** The answer of `cmd` run in `container` (default: exit 0, no output). */
export type ExecScript = (container: string, cmd: readonly string[]) => ExecAnswer | undefined;

interface FakeContainer {
  name: string;
  labels: Record<string, string>;
  running: boolean;
  paused: boolean;
  files: Map<string, string>;
}

interface Labelled {
  name: string;
  labels: Record<string, string>;
}

function statusError(statusCode: number, message: string): Error {
  return Object.assign(new Error(message), { statusCode });
}

/** `{"label":["k=v"]}` or `{"label":["k"]}` as Docker's list filters. */
function matches(filters: unknown, labels: Record<string, string>): boolean {
  const parsed = JSON.parse(String(filters)) as { label?: string[] };
  return (parsed.label ?? []).every((f) => {
    const [k = '', v] = f.split('=');
    return v === undefined ? k in labels : labels[k] === v;
  });
}

export interface FakeDocker {
  docker: Dockerode;
  calls: string[];
  containers: Map<string, FakeContainer>;
  /** Make the next call of this kind (e.g. `start chaos-t-server01`) fail with this status. */
  failNext(call: string, statusCode: number, message?: string): void;
}

/** The engine's state and its call log. */
class Engine {
  readonly calls: string[] = [];
  readonly containers = new Map<string, FakeContainer>();
  readonly networks = new Map<string, Labelled>();
  readonly volumes = new Map<string, Labelled>();
  readonly failures = new Map<string, Error>();

  constructor(readonly script: ExecScript) {}

  /** Log the call; throw the failure planned for it. */
  record(call: string): void {
    this.calls.push(call);
    const failure = this.failures.get(call);
    this.failures.delete(call);
    if (failure) throw failure;
  }

  existing(name: string): FakeContainer {
    const c = this.containers.get(name);
    if (!c) throw statusError(404, `No such container: ${name}`);
    return c;
  }
}

/** `docker.getContainer(name)`: lifecycle with Docker's status codes. */
function lifecycle(engine: Engine, name: string) {
  const c = () => engine.existing(name);
  return {
    inspect: async () => {
      engine.record(`inspect ${name}`);
      return { State: { Running: c().running, Paused: c().paused } };
    },
    start: async () => {
      engine.record(`start ${name}`);
      if (c().running) throw statusError(304, 'container already started');
      c().running = true;
    },
    kill: async (opts: { signal: string }) => {
      engine.record(`kill ${name} ${opts.signal}`);
      if (!c().running) throw statusError(409, 'container is not running');
      c().running = false;
    },
    pause: async () => {
      engine.record(`pause ${name}`);
      if (!c().running || c().paused) throw statusError(409, 'cannot pause');
      c().paused = true;
    },
    unpause: async () => {
      engine.record(`unpause ${name}`);
      if (!c().paused) throw statusError(409, 'not paused');
      c().paused = false;
    },
    remove: async (opts: unknown) => {
      engine.record(`remove container ${name} ${JSON.stringify(opts)}`);
      c();
      engine.containers.delete(name);
    },
  };
}

/** `docker.getContainer(name)`: files in and out (tar), exec with the script's answers. */
function contents(engine: Engine, name: string) {
  return {
    putArchive: async (tar: Buffer, opts: { path: string }) => {
      const fileName = tar.subarray(0, 100).toString('utf8').replace(/\0.*$/s, '');
      engine.record(`putArchive ${name} ${opts.path}/${fileName}`);
      const size = parseInt(tar.subarray(124, 135).toString('ascii'), 8);
      const content = tar.subarray(512, 512 + size).toString();
      engine.existing(name).files.set(`${opts.path}/${fileName}`, content);
    },
    getArchive: async (opts: { path: string }) => {
      engine.record(`getArchive ${name} ${opts.path}`);
      const content = engine.existing(name).files.get(opts.path);
      if (content === undefined) throw statusError(404, `no ${opts.path}`);
      const base = opts.path.replace(/^.*\//, '');
      return [tarArchive([{ name: base, content, mtime: 0 }])];
    },
    exec: async (opts: { Cmd: string[]; AttachStdout: boolean }) => {
      const detached = opts.AttachStdout ? '' : ' (detached)';
      engine.record(`exec ${name} ${opts.Cmd.join(' ')}${detached}`);
      if (!engine.existing(name).running)
        throw statusError(409, `container ${name} is not running`);
      const answer = engine.script(name, opts.Cmd) ?? {};
      const stream = Object.assign(new PassThrough(), { answer });
      return {
        start: async () => stream,
        inspect: async () => ({ ExitCode: answer.exitCode ?? 0 }),
      };
    },
  };
}

/** Networks and volumes: create, list by label, remove (404 when gone). */
function otherResources(engine: Engine) {
  const listed = (map: Map<string, Labelled>, filters: unknown) =>
    [...map.values()].filter((r) => matches(filters, r.labels));
  return {
    createNetwork: async (opts: Dockerode.NetworkCreateOptions) => {
      engine.record(`createNetwork ${JSON.stringify(opts)}`);
      engine.networks.set(opts.Name, { name: opts.Name, labels: opts.Labels ?? {} });
    },
    createVolume: async (opts: { Name: string; Labels: Record<string, string> }) => {
      engine.record(`createVolume ${JSON.stringify(opts)}`);
      engine.volumes.set(opts.Name, { name: opts.Name, labels: opts.Labels });
    },
    listNetworks: async (opts: { filters: unknown }) => {
      engine.record(`listNetworks ${String(opts.filters)}`);
      return listed(engine.networks, opts.filters).map((n) => ({
        Id: n.name,
        Name: n.name,
        Labels: n.labels,
      }));
    },
    listVolumes: async (opts: { filters: unknown }) => {
      engine.record(`listVolumes ${String(opts.filters)}`);
      const Volumes = listed(engine.volumes, opts.filters).map((v) => ({
        Name: v.name,
        Labels: v.labels,
      }));
      return { Volumes };
    },
    getNetwork: (id: string) => ({
      remove: async () => {
        engine.record(`remove network ${id}`);
        if (!engine.networks.delete(id)) throw statusError(404, `no network ${id}`);
      },
    }),
    getVolume: (id: string) => ({
      remove: async () => {
        engine.record(`remove volume ${id}`);
        if (!engine.volumes.delete(id)) throw statusError(404, `no volume ${id}`);
      },
    }),
  };
}

export function fakeDocker(script: ExecScript = () => undefined): FakeDocker {
  const engine = new Engine(script);
  const handle = (name: string) => ({ ...lifecycle(engine, name), ...contents(engine, name) });
  const docker = {
    modem: {
      demuxStream(
        stream: PassThrough & { answer: ExecAnswer },
        out: PassThrough,
        err: PassThrough,
      ) {
        if (stream.answer.stdout) out.write(stream.answer.stdout);
        if (stream.answer.stderr) err.write(stream.answer.stderr);
        stream.resume();
        stream.end();
      },
    },
    getContainer: handle,
    createContainer: async (opts: Dockerode.ContainerCreateOptions) => {
      const name = opts.name ?? '?';
      engine.record(`createContainer ${JSON.stringify(opts)}`);
      if (engine.containers.has(name)) throw statusError(409, `name ${name} is already in use`);
      const labels = opts.Labels ?? {};
      engine.containers.set(name, {
        name,
        labels,
        running: false,
        paused: false,
        files: new Map(),
      });
      return handle(name);
    },
    listContainers: async (opts: { filters: unknown }) => {
      engine.record(`listContainers ${String(opts.filters)}`);
      return [...engine.containers.values()]
        .filter((c) => matches(opts.filters, c.labels))
        .map((c) => ({ Id: c.name, Names: [`/${c.name}`], Labels: c.labels }));
    },
    ...otherResources(engine),
  };
  return {
    docker: docker as unknown as Dockerode,
    calls: engine.calls,
    containers: engine.containers,
    failNext(call, statusCode, message = `${call} failed`) {
      engine.failures.set(call, statusError(statusCode, message));
    },
  };
}
