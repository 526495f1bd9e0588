/** Where CLI commands write. Injected so commands are testable without a process. */
export interface CliIO {
  stdout(text: string): void;
  stderr(text: string): void;
  /** true when stdout is a terminal (progress displays, colours). */
  isTTY: boolean;
}

export const processIO: CliIO = {
  stdout: (text) => void process.stdout.write(text),
  stderr: (text) => void process.stderr.write(text),
  isTTY: Boolean(process.stdout.isTTY),
};

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
