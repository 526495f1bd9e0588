/** Where CLI commands write. Injected so commands are testable without a process. */
export interface CliIO {
  stdout(text: string): void;
  stderr(text: string): void;
  /** true when stdout is a terminal (progress displays, colours). */
  isTTY: boolean;
}

/**
 * The process's own output. A reader that goes away (`chaos analyze big.pcap --json | head -c
 * 300`) closes the pipe: the write fails with EPIPE, asynchronously, as an 'error' event. That
 * stream is then left alone and the command goes on quietly to its end (a run still heals and
 * tears down), with its exit code; any other write error is thrown as before.
 */
export function processIO(): CliIO {
  const open = { stdout: true, stderr: true };
  for (const name of ['stdout', 'stderr'] as const)
    process[name].on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE') throw error;
      open[name] = false;
    });
  return {
    stdout: (text) => void (open.stdout && process.stdout.write(text)),
    stderr: (text) => void (open.stderr && process.stderr.write(text)),
    isTTY: Boolean(process.stdout.isTTY),
  };
}

/** A CliIO that records what was written, for tests. */
export function memoryIO(): CliIO & { out: string; err: string } {
  const io = {
    out: '',
    err: '',
    isTTY: false,
    stdout(text: string) {
      io.out += text;
    },
    stderr(text: string) {
      io.err += text;
    },
  };
  return io;
}
