import { runFaultSteps } from '../../../src/lab/fault-steps';
import type { StepOperations } from '../../../src/lab/fault-steps';

/** Operations that record what they are asked; exec answers from `exits` (default 0). */
function recorder(running = true, exits: Record<string, number> = {}) {
  const calls: string[] = [];
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
});
