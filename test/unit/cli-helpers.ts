/** Running the CLI in-process, as the command-line tests do. */
import { memoryIO } from '../../src/cli/io';
import { runCli } from '../../src/cli/program';

/** `chaos ARGS...` in this process: the exit code and what it wrote. */
export async function cli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const io = memoryIO();
  const code = await runCli(args, io);
  return { code, out: io.out, err: io.err };
}
