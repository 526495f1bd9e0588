import { DockerLab } from '../../../src/lab/docker-lab';
import type { DockerLabDeps } from '../../../src/lab/docker-lab';
import type { LabSpec } from '../../../src/lab/lab-spec';
import { fakeDocker } from './fake-docker';
import type { ExecScript } from './fake-docker';

const IMAGES = { web: 'chaos/web:1', mysql: 'chaos/mysql:1', prober: 'chaos/prober:1' };

/** vrrp-status's line and eth0's addresses, as NODE_PROBE_SCRIPT prints them. */
function nodeProbe(state: string, addresses: string[], running = true): string {
  const status = { impl: 'chaos', running, pid: 7, state, vips: [] };
  const addr = addresses.map((a) => `2: eth0    inet ${a}/24 scope global eth0`).join('\n');
  return `${JSON.stringify(status)}\n--- addr\n${addr}\n`;
}

function labSpec(name: string): LabSpec {
  return {
    name,
    subnet: '10.9.0.0/24',
    gateway: '10.9.0.1',
    vip: '10.9.0.200',
    vrid: 51,
    nodes: [
      { name: 'server01', role: 'web', address: '10.9.0.102', vrrp: 'chaos', configText: 'c1' },
      { name: 'server02', role: 'mysql', address: '10.9.0.100' },
      { name: 'prober', role: 'prober', address: '10.9.0.50' },
    ],
  };
}

/** A healthy lab: server01 is master with the VIP. */
const healthy: ExecScript = (_container, cmd) =>
  cmd.join(' ').includes('vrrp-status')
    ? { stdout: nodeProbe('MASTER', ['10.9.0.102', '10.9.0.200']) }
    : undefined;

function world(script: ExecScript = healthy) {
  const fake = fakeDocker(script);
  let t = 1_700_000_000_000;
  let runs = 0;
  const deps: DockerLabDeps = {
    docker: fake.docker,
    host: { bootId: 'boot', selfPid: 4242, isAlive: () => true },
    now: () => t,
    sleep: (ms) => {
      t += ms;
      return Promise.resolve();
    },
    newRunId: () => `run${++runs}`,
  };
  return { fake, lab: new DockerLab(deps) };
}

describe('DockerLab.up on a scripted engine', () => {
  test('up: network, then mysql, web and prober containers, readiness, the VIP, the marker', async () => {
    const { fake, lab } = world();
    const progress: string[] = [];
    const started = await lab.up(labSpec('t'), IMAGES, { progress: (l) => progress.push(l) });
    expect(started.runId).toBe('run1');
    const created = fake.calls.filter((c) => /^(create|putArchive|start )/.test(c));
    expect(created.map((c) => c.replace(/ \{.*$/, ''))).toEqual([
      'createNetwork',
      'createContainer',
      'start chaos-t-server02',
      'createContainer',
      'putArchive chaos-t-server01 /etc/keepalived/keepalived.conf',
      'start chaos-t-server01',
      'createContainer',
      'start chaos-t-prober',
      'createVolume',
    ]);
    const web = JSON.parse(created[3]?.replace(/^createContainer /, '') ?? '{}') as {
      Env: string[];
      HostConfig: unknown;
      Labels: Record<string, string>;
    };
    expect(web.Env).toEqual([
      'NODE_NAME=server01',
      'LAB_SUBNET=10.9.0.0/24',
      'LAB_VIP=10.9.0.200',
      'CHAOS_VRRP=chaos',
      'DB_HOST=10.9.0.100',
    ]);
    expect(web.HostConfig).toEqual({ NetworkMode: 'chaos-t', CapAdd: ['NET_ADMIN', 'NET_RAW'] });
    expect(web.Labels).toMatchObject({ 'org.chaos.run': 'run1', 'org.chaos.persistent': 'false' });
    expect(progress).toContain('VIP 10.9.0.200 held by server01 (0.0 s)');
    expect((await lab.labs()).map((l) => [l.name, l.persistent, l.spec?.vip])).toEqual([
      ['t', true, '10.9.0.200'],
    ]);
  });

  test('a failed start removes what the run created and names the container', async () => {
    const { fake, lab } = world();
    fake.failNext('start chaos-u-server01', 500, 'kaput');
    const progress: string[] = [];
    await expect(
      lab.up(labSpec('u'), IMAGES, { progress: (l) => progress.push(l) }),
    ).rejects.toThrow('Failed to start container "chaos-u-server01": kaput (DOCKER_FAILED)');
    expect(progress).toContain('removing 2 containers, 1 network of run run1');
    expect(await lab.resources()).toEqual([]);
  });
});

describe('DockerStartedLab on a scripted engine', () => {
  test('runSteps carries out a plan; kill, pause and unpause twice are fine', async () => {
    const { fake, lab } = world();
    const started = await lab.up(labSpec('t'), IMAGES);
    const progress: string[] = [];
    const options = { progress: (l: string) => progress.push(l) };
    await started.runSteps('server01', [{ do: 'kill' }, { do: 'kill' }], options);
    expect(await started.isRunning('server01')).toBe(false);
    await started.runSteps('server01', [{ do: 'start' }, { do: 'start' }], options);
    await started.runSteps('prober', [{ do: 'pause' }, { do: 'pause' }], options);
    expect(await started.isPaused('prober')).toBe(true);
    await started.runSteps('prober', [{ do: 'unpause' }, { do: 'unpause' }], options);
    expect(progress).toEqual([
      'server01: docker kill',
      'server01: docker kill',
      'server01: docker start',
      'server01: docker start',
      'prober: docker pause',
      'prober: docker pause',
      'prober: docker unpause',
      'prober: docker unpause',
    ]);
    expect(fake.containers.get('chaos-t-prober')?.paused).toBe(false);
    await expect(started.runSteps('nobody', [{ do: 'kill' }])).rejects.toThrow('UNKNOWN_NODE');
  });

  test('a rogue router that fails to start is removed again', async () => {
    const { fake, lab } = world();
    const started = await lab.up(labSpec('t'), IMAGES);
    fake.failNext('start chaos-t-rogue', 500, 'boom');
    const rogue = { name: 'rogue', address: '10.9.0.99', configText: 'x', image: IMAGES.web };
    await expect(started.startRogue(rogue)).rejects.toThrow(
      'Failed to start rogue router "chaos-t-rogue": boom (DOCKER_FAILED)',
    );
    expect(fake.containers.has('chaos-t-rogue')).toBe(false);
    await started.startRogue(rogue);
    expect(fake.containers.get('chaos-t-rogue')?.labels['org.chaos.role']).toBe('rogue');
    await started.removeRogue('rogue');
    await started.removeRogue('rogue');
    expect(fake.containers.has('chaos-t-rogue')).toBe(false);
  });

  test('waits end with LAB_NOT_READY on the injected clock', async () => {
    const { lab } = world((_c, cmd) =>
      cmd.join(' ').includes('vrrp-status')
        ? { stdout: nodeProbe('BACKUP', ['10.9.0.102'], false) }
        : undefined,
    );
    await expect(lab.up(labSpec('w'), IMAGES, { readyTimeoutMs: 3000 })).rejects.toThrow(
      'lab w not ready after 3000 ms: server01: VRRP not running (LAB_NOT_READY)',
    );
    expect(await lab.resources()).toEqual([]);
  });
});
