/**
 * The progress display of `chaos lab up`: on a terminal one line rewritten in place, otherwise
 * plain lines stamped with the elapsed time. Pure apart from the writer and clock it is given.
 */

export interface ProgressDisplay {
  /** Show a progress line. */
  line(text: string): void;
  /** End the display (a TTY gets its final newline). */
  done(): void;
}

export interface ProgressOptions {
  write(text: string): void;
  isTTY: boolean;
  /** Milliseconds; the display shows time since the first call. */
  now(): number;
  /** Terminal width for the TTY line (default 100). */
  columns?: number;
}

export function formatElapsed(ms: number): string {
  return `[${(ms / 1000).toFixed(1).padStart(6)}s]`;
}

export function createProgressDisplay(options: ProgressOptions): ProgressDisplay {
  const start = options.now();
  let open = false;
  return {
    line(text) {
      const oneLine = text.replace(/\s*\n\s*/g, ' ').trim();
      const stamped = `${formatElapsed(options.now() - start)} ${oneLine}`;
      if (!options.isTTY) {
        options.write(`${stamped}\n`);
        return;
      }
      const width = Math.max(20, (options.columns ?? 100) - 1);
      const shown = stamped.length > width ? `${stamped.slice(0, width - 1)}…` : stamped;
      options.write(`\r\x1b[2K${shown}`);
      open = true;
    },
    done() {
      if (open) options.write('\n');
      open = false;
    },
  };
}
