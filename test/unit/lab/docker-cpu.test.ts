import {
  cutCpu,
  cutUpdate,
  restoreCpu,
  restoreUpdate,
  type CpuLimit,
  type CpuOperations,
} from '../../../src/lab/docker-cpu';

/**
 * A container as Docker keeps it: its HostConfig limit, updated as the engine does (zero values
 * are ignored; NanoCpus and a quota exclude each other), and the record file in it.
 */
function container(limit: CpuLimit) {
  const state = { limit: { ...limit }, record: undefined as string | undefined, updates: 0 };
  const ops: CpuOperations = {
    cpuLimit: () => Promise.resolve({ ...state.limit }),
    updateCpu: (_n, u) => {
      if (u.NanoCpus && (state.limit.CpuQuota > 0 || state.limit.CpuPeriod > 0))
        return Promise.reject(new Error('Conflicting options: Nano CPUs cannot be updated'));
      if ((u.CpuQuota || u.CpuPeriod) && state.limit.NanoCpus > 0)
        return Promise.reject(new Error('Conflicting options: CPU Quota cannot be updated'));
      for (const [k, v] of Object.entries(u) as [keyof CpuLimit, number][])
        if (v !== 0) state.limit[k] = v;
      state.updates++;
      return Promise.resolve();
    },
    readRecord: () => Promise.resolve(state.record),
    writeRecord: (_n, text) => {
      state.record = text;
      return Promise.resolve();
    },
  };
  return { state, ops };
}

const UNSET: CpuLimit = { NanoCpus: 0, CpuQuota: 0, CpuPeriod: 0 };

describe('the CPU limit of a starved container', () => {
  test('a container without a limit: quota cpus x 100 ms; back to no quota (-1) at 100 ms', () => {
    expect(cutUpdate(UNSET, 0.02)).toEqual({ CpuPeriod: 100000, CpuQuota: 2000 });
    expect(cutUpdate(UNSET, 0.001)).toEqual({ CpuPeriod: 100000, CpuQuota: 1000 });
    expect(restoreUpdate(UNSET)).toEqual({ CpuPeriod: 100000, CpuQuota: -1 });
  });

  test('a quota keeps its period; --cpus (NanoCpus) is cut and restored as NanoCpus', () => {
    const quota = { NanoCpus: 0, CpuQuota: 50000, CpuPeriod: 50000 };
    expect(cutUpdate(quota, 0.1)).toEqual({ CpuPeriod: 50000, CpuQuota: 5000 });
    expect(restoreUpdate(quota)).toEqual({ CpuPeriod: 50000, CpuQuota: 50000 });
    const nano = { NanoCpus: 1.5e9, CpuQuota: 0, CpuPeriod: 0 };
    expect(cutUpdate(nano, 0.02)).toEqual({ NanoCpus: 2e7 });
    expect(restoreUpdate(nano)).toEqual({ NanoCpus: 1.5e9 });
  });

  test.each([
    ['no limit', UNSET],
    ['a quota', { NanoCpus: 0, CpuQuota: 50000, CpuPeriod: 50000 }],
    ['--cpus', { NanoCpus: 1.5e9, CpuQuota: 0, CpuPeriod: 0 }],
  ])(
    '%s: cut twice, restored in another process, restored again: the first limit',
    async (_, had) => {
      const c = container(had);
      await cutCpu(c.ops, 'server01', 0.02);
      await cutCpu(c.ops, 'server01', 0.05);
      expect(c.state.limit).not.toEqual(had);
      // A new process (chaos heal) knows only the container: the record in it.
      const record = c.state.record;
      expect(JSON.parse(record!)).toEqual(had);
      await restoreCpu(c.ops, 'server01');
      const expected = had === UNSET ? { NanoCpus: 0, CpuQuota: -1, CpuPeriod: 100000 } : had;
      expect(c.state.limit).toEqual(expected);
      expect(c.state.record).toBe('');
      const updates = c.state.updates;
      await restoreCpu(c.ops, 'server01');
      expect(c.state.updates).toBe(updates);
      expect(c.state.limit).toEqual(expected);
    },
  );

  test('healing a node never starved changes nothing', async () => {
    const c = container(UNSET);
    await restoreCpu(c.ops, 'server01');
    expect(c.state).toEqual({ limit: UNSET, record: undefined, updates: 0 });
  });

  test('a record that is not a limit is an error naming the file', async () => {
    const c = container(UNSET);
    c.state.record = '{"cpus": 1}';
    await expect(restoreCpu(c.ops, 'server01')).rejects.toThrow(
      /server01: \/var\/lib\/chaos-cpu-limit.json is not a CPU limit.*CPU_RECORD_INVALID/,
    );
  });
});
