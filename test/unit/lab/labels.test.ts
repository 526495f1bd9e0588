import { LABEL, groupRuns, resourceLabels, runIdFrom, runsToReap } from '../../../src/lab/labels';
import type { LabelledResource } from '../../../src/lab/labels';

const BOOT = 'boot-a';
const owner = (runId: string, pid: number, bootId = BOOT) => ({ runId, pid, bootId });

function res(
  kind: LabelledResource['kind'],
  name: string,
  labels: Record<string, string>,
): LabelledResource {
  return { kind, id: `id-${name}`, name, labels };
}

const host = (alive: number[]) => ({
  bootId: BOOT,
  selfPid: 1000,
  isAlive: (pid: number) => alive.includes(pid),
});

describe('labels and the reaper', () => {
  test('resourceLabels carries lab, run, owner and persistence', () => {
    expect(
      resourceLabels('seed', owner('abcd1234', 42), false, { [LABEL.node]: 'server01' }),
    ).toEqual({
      'org.chaos.lab': 'seed',
      'org.chaos.run': 'abcd1234',
      'org.chaos.owner-pid': '42',
      'org.chaos.owner-boot': BOOT,
      'org.chaos.persistent': 'false',
      'org.chaos.node': 'server01',
    });
    expect(runIdFrom(Uint8Array.from([0xde, 0xad, 0xbe, 0xef, 1]))).toBe('deadbeef');
  });

  test('a run is persistent when its marker says so', () => {
    const runs = groupRuns([
      res('network', 'chaos-seed', resourceLabels('seed', owner('r1', 5), false)),
      res('container', 'chaos-seed-server01', resourceLabels('seed', owner('r1', 5), false)),
      res('volume', 'chaos-seed-r1-up', resourceLabels('seed', owner('r1', 5), true)),
      res('container', 'unlabelled', {}),
    ]);
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ lab: 'seed', runId: 'r1', persistent: true, ownerPid: 5 });
    expect(runs[0]?.resources).toHaveLength(3);
  });

  test('reaps non-persistent runs of dead owners or other boots; keeps live, own and persistent', () => {
    const resources = [
      res('container', 'dead', resourceLabels('a', owner('dead', 11), false)),
      res('container', 'live', resourceLabels('b', owner('live', 12), false)),
      res('container', 'mine', resourceLabels('c', owner('mine', 1000), false)),
      res('container', 'oldboot', resourceLabels('d', owner('oldboot', 12, 'boot-z'), false)),
      res('container', 'kept', resourceLabels('e', owner('kept', 11), false)),
      res('volume', 'kept-up', resourceLabels('e', owner('kept', 11), true)),
      res('network', 'nopid', { [LABEL.run]: 'nopid', [LABEL.ownerBoot]: BOOT }),
    ];
    const decisions = runsToReap(resources, host([12]));
    expect(decisions.map((d) => [d.run.runId, d.reason])).toEqual([
      ['dead', 'owner pid 11 is gone'],
      ['oldboot', 'owner ran in another boot (boot-z)'],
      ['nopid', 'no owner pid'],
    ]);
  });
});
