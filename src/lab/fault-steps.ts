/**
 * Carrying out a plan of fault steps (src/faults: exec, kill, start, pause, unpause, wait-ready,
 * cpu-limit, cpu-restore) on one node, over the container operations it is given: the Docker lab
 * passes its containers and waits, a test passes a fake. Each step says what it does on
 * `progress` first.
 */
import { ChaosError } from '../errors';
import { cutCpu, restoreCpu, type CpuOperations } from './docker-cpu';
import type { ExecResult } from './docker-support';
import type { FaultStep } from '../faults';
import type { Progress, StepOptions, WaitOptions } from './lab';
import type { LabRole } from './lab-spec';

/** What the steps need of a lab. Kill, start, pause and unpause succeed when already done. */
export interface StepOperations {
  kill(node: string): Promise<void>;
  start(node: string): Promise<void>;
  pause(node: string): Promise<void>;
  unpause(node: string): Promise<void>;
  isRunning(node: string): Promise<boolean>;
  exec(node: string, cmd: readonly string[], timeoutMs: number): Promise<ExecResult>;
  waitReady(nodes: readonly { name: string; role: LabRole }[], options: WaitOptions): Promise<void>;
  /** The container's CPU limit, from the host (cpu-limit, cpu-restore). */
  cpu: CpuOperations;
}

/** Run the steps on `node` in order; the first failure stops the plan. */
export async function runFaultSteps(
  ops: StepOperations,
  node: { name: string; role: LabRole },
  steps: readonly FaultStep[],
  options: StepOptions = {},
): Promise<void> {
  for (const step of steps) await runFaultStep(ops, node, step, options);
}

export async function runFaultStep(
  ops: StepOperations,
  node: { name: string; role: LabRole },
  step: FaultStep,
  options: StepOptions,
): Promise<void> {
  const progress: Progress = options.progress ?? (() => {});
  switch (step.do) {
    case 'kill':
    case 'start':
    case 'pause':
    case 'unpause':
      progress(`${node.name}: docker ${step.do}`);
      return ops[step.do](node.name);
    case 'cpu-limit':
      progress(`${node.name}: docker update, CPU quota ${step.cpus} CPU`);
      return cutCpu(ops.cpu, node.name, step.cpus);
    case 'cpu-restore':
      progress(`${node.name}: docker update, the CPU limit it had`);
      return restoreCpu(ops.cpu, node.name);
    case 'wait-ready':
      progress(`${node.name}: waiting until ready`);
      return ops.waitReady([node], { timeoutMs: options.timeoutMs ?? 60000, progress });
    case 'exec': {
      progress(`${node.name}: ${step.cmd.join(' ')}`);
      if (!(await ops.isRunning(node.name)))
        throw new ChaosError('NODE_NOT_RUNNING', `${node.name} is not running (power it on first)`);
      const r = await ops.exec(node.name, step.cmd, options.timeoutMs ?? 60000);
      if (r.exitCode !== 0 && !step.mayFail)
        throw new ChaosError(
          'FAULT_STEP_FAILED',
          `'${step.cmd.join(' ')}' in ${node.name} exited ${r.exitCode}: ${(r.stderr || r.stdout).trim()}`,
        );
      return;
    }
  }
}
