/** The daemon's event log: JSON lines appended to a file and echoed. */
import fs from 'node:fs';
import type { DaemonEvent, EventSink } from './ports';

/** One JSON object per line, appended synchronously so that nothing is lost on a kill. */
export class JsonlEventLog implements EventSink {
  private readonly fd: number | undefined;

  constructor(
    file: string | undefined,
    private readonly base: Record<string, unknown>,
    private readonly clock: () => number,
    private readonly echo?: (line: string) => void,
  ) {
    this.fd = file ? fs.openSync(file, 'a') : undefined;
  }

  /** An event that carries its own time `t` (epoch ms) is logged with it. */
  write(event: DaemonEvent): void {
    const t = typeof event['t'] === 'number' ? event['t'] : this.clock();
    const line =
      JSON.stringify({ ts: new Date(t).toISOString(), t, ...this.base, ...event }) + '\n';
    if (this.fd !== undefined) fs.writeSync(this.fd, line);
    this.echo?.(line);
  }
}
