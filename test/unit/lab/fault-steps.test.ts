import { runFaultSteps } from '../../../src/lab/fault-steps';
import type { StepOperations } from '../../../src/lab/fault-steps';

/** Operations that record what they are asked; exec answers from `exits` (default 0). */
function recorder(running = true, exits: Record<string, number> = {}) {
  const calls: string[] = [];
  let record: string | undefined;
  const ops: StepOperations = {
    kill: (n) => Promise.resolve(void calls.push(`kill ${n}`)),
    start: (n) => Promise.resolve(void calls.push(`start ${n}`)),
    pause: (n) => Promise.resolve(void calls.push(`pause ${n}`)),
    unpause: (n) => Promise.resolve(void calls.push(`unpause ${n}`)),
    isRunning: (n) => {
      calls.push(`running? ${n}`);
      return Promise.resolve(running);
    },
    exec: (n, cmd, timeoutMs) => {
      calls.push(`exec ${n} ${cmd.join(' ')} (${timeoutMs} ms)`);
      const exitCode = exits[cmd.join(' ')] ?? 0;
      return Promise.resolve({ exitCode, stdout: '', stderr: exitCode ? 'denied\n' : '' });
    },
    waitReady: (nodes, options) => {
      calls.push(`wait-ready ${nodes.map((x) => x.name).join()} (${options.timeoutMs} ms)`);
      return Promise.resolve();
    },
    cpu: {
      cpuLimit: (n) => {
        calls.push(`inspect cpu ${n}`);
        return Promise.resolve({ NanoCpus: 0, CpuQuota: 0, CpuPeriod: 0 });
      },
      updateCpu: (n, update) =>
        Promise.resolve(void calls.push(`update ${n} ${JSON.stringify(update)}`)),
      readRecord: (n) => {
        calls.push(`read record ${n}`);
        return Promise.resolve(record);
      },
      writeRecord: (n, text) => {
        calls.push(`write record ${n} ${text}`);
        record = text;
        return Promise.resolve();
      },
    },
  };
  return { ops, calls };
}

const web = { name: 'server01', role: 'web' as const };

describe('runFaultSteps', () => {
  test('each step in order, with its progress line and the plan timeout', async () => {
    const { ops, calls } = recorder();
    const progress: string[] = [];
    await runFaultSteps(
      ops,
      web,
      [{ do: 'kill' }, { do: 'start' }, { do: 'wait-ready' }, { do: 'exec', cmd: ['ip', 'link'] }],
      { progress: (l) => progress.push(l), timeoutMs: 5000 },
    );
    expect(calls).toEqual([
      'kill server01',
      'start server01',
      'wait-ready server01 (5000 ms)',
      'running? server01',
      'exec server01 ip link (5000 ms)',
    ]);
    expect(progress).toEqual([
      'server01: docker kill',
      'server01: docker start',
      'server01: waiting until ready',
      'server01: ip link',
    ]);
  });

  test('pause and unpause; the default timeout is 60 s', async () => {
    const { ops, calls } = recorder();
    await runFaultSteps(ops, web, [
      { do: 'pause' },
      { do: 'unpause' },
      { do: 'exec', cmd: ['true'] },
    ]);
    expect(calls).toEqual([
      'pause server01',
      'unpause server01',
      'running? server01',
      'exec server01 true (60000 ms)',
    ]);
  });

  test('a failing exec stops the plan unless it may fail; a stopped node refuses execs', async () => {
    const { ops, calls } = recorder(true, { false: 1 });
    await runFaultSteps(ops, web, [{ do: 'exec', cmd: ['false'], mayFail: true }]);
    await expect(
      runFaultSteps(ops, web, [{ do: 'exec', cmd: ['false'] }, { do: 'kill' }]),
    ).rejects.toThrow("'false' in server01 exited 1: denied (FAULT_STEP_FAILED)");
    expect(calls).not.toContain('kill server01');
    const stopped = recorder(false);
    await expect(runFaultSteps(stopped.ops, web, [{ do: 'exec', cmd: ['x'] }])).rejects.toThrow(
      'server01 is not running (power it on first) (NODE_NOT_RUNNING)',
    );
  });

  test('cpu-limit records the limit the node had, then cuts it; cpu-restore puts it back once', async () => {
    const { ops, calls } = recorder();
    const progress: string[] = [];
    const steps = [
      { do: 'cpu-limit', cpus: 0.02 },
      { do: 'cpu-restore' },
      { do: 'cpu-restore' },
    ] as const;
    await runFaultSteps(ops, web, steps, { progress: (l) => progress.push(l) });
    expect(calls).toEqual([
      'read record server01',
      'inspect cpu server01',
      'write record server01 {"NanoCpus":0,"CpuQuota":0,"CpuPeriod":0}',
      'update server01 {"CpuPeriod":100000,"CpuQuota":2000}',
      'read record server01',
      'update server01 {"CpuPeriod":100000,"CpuQuota":-1}',
      'write record server01 ',
      'read record server01',
    ]);
    expect(progress).toEqual([
      'server01: docker update, CPU quota 0.02 CPU',
      'server01: docker update, the CPU limit it had',
      'server01: docker update, the CPU limit it had',
    ]);
  });
});
