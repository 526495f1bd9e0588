/**
 * The soak's Docker side without an engine: the session its pieces share (the lab brought up
 * once, then handed over as it is, with no VRRP reset between pieces), the rogue and flood
 * containers still up, and the resources labelled with this process as their owner.
 */
import type { StartedLab } from '../../../src/lab/docker-lab';
import { LABEL, type LabelledResource } from '../../../src/lab/labels';
import type { LabSpec } from '../../../src/lab/lab-spec';
import type { DriverSession } from '../../../src/drivers/docker/driver';
import {
  DockerSoakProbe,
  SAMPLE_SCRIPT,
  SNAPSHOT_SCRIPT,
  helperContainers,
  ownedBy,
  soakSession,
} from '../../../src/drivers/docker/soak-lab';

const resource = (
  kind: LabelledResource['kind'],
  name: string,
  labels: Record<string, string>,
): LabelledResource => ({ kind, id: name, name, labels });

describe('the soak on Docker', () => {
  test('the pieces share one lab: acquired once, its baseline taken once, never reset', async () => {
    const lab = { name: 'seed' } as unknown as StartedLab;
    const acquired: string[] = [];
    const session = {
      acquire: (spec: LabSpec) => {
        acquired.push(spec.name);
        return Promise.resolve({ lab, fresh: true });
      },
      images: { web: 'w', prober: 'p', mysql: 'm' },
      signal: new AbortController().signal,
      interrupted: false,
    } as unknown as DriverSession;
    const seen: StartedLab[] = [];
    const shared = soakSession(session, (l) => {
      seen.push(l);
      return Promise.resolve();
    });
    const spec = { name: 'seed' } as LabSpec;
    expect(await shared.acquire(spec)).toEqual({ lab, fresh: true });
    expect(await shared.acquire(spec)).toEqual({ lab, fresh: false });
    expect(await shared.acquire(spec)).toEqual({ lab, fresh: false });
    expect(acquired).toEqual(['seed']);
    expect(seen).toEqual([lab]);
    expect(shared.images).toBe(session.images);
  });

  test('helpers still up and resources still owned', () => {
    const resources = [
      resource('container', 'chaos-seed-server01', { [LABEL.role]: 'web', [LABEL.ownerPid]: '7' }),
      resource('container', 'chaos-seed-flood-1', { [LABEL.role]: 'rogue', [LABEL.ownerPid]: '7' }),
      resource('network', 'chaos-seed', { [LABEL.ownerPid]: '7' }),
      resource('volume', 'chaos-other', { [LABEL.ownerPid]: '8' }),
    ];
    expect(helperContainers(resources)).toEqual(['chaos-seed-flood-1']);
    expect(ownedBy(resources, 7)).toEqual([
      'container chaos-seed-server01',
      'container chaos-seed-flood-1',
      'network chaos-seed',
    ]);
  });

  test('the probe: one exec per web node; a node that does not answer has no reading', async () => {
    const stat = '33 (node) S 1 33 33 0 -1 4194560 10 0 0 0 300 100 0 0 20 0 1 0 100 0 0';
    const answers: Record<string, string> = {
      server01: ['impl chaos', 'pid 33', 'ticks 100', `proc 33 61000 ${stat}`].join('\n'),
    };
    const asked: string[] = [];
    const lab = {
      spec: {
        nodes: [
          { name: 'server01', role: 'web' },
          { name: 'server03', role: 'web' },
          { name: 'prober', role: 'prober' },
        ],
      },
      exec: (node: string, cmd: readonly string[]) => {
        asked.push(`${node}: ${cmd.slice(0, 2).join(' ')}`);
        if (node === 'server03') return Promise.reject(new Error('container is not running'));
        const script = cmd[2] ?? '';
        const stdout =
          script === SAMPLE_SCRIPT
            ? (answers[node] ?? '')
            : '## rules\n-P INPUT ACCEPT\n## processes\nnginx: master process\n';
        return Promise.resolve({ exitCode: 0, stdout, stderr: '' });
      },
    } as unknown as StartedLab;
    const probe = new DockerSoakProbe(lab);
    expect(await probe.daemons()).toEqual([
      { node: 'server01', reading: { impl: 'chaos', pid: 33, rssKb: 61000, cpuMs: 4000 } },
    ]);
    expect(await probe.snapshots()).toEqual([
      { node: 'server01', rules: ['-P INPUT ACCEPT'], processes: ['nginx: master process'] },
    ]);
    expect(asked).toEqual([
      'server01: sh -c',
      'server03: sh -c',
      'server01: sh -c',
      'server03: sh -c',
    ]);
    expect(SNAPSHOT_SCRIPT).toContain('iptables -S');
  });
});
