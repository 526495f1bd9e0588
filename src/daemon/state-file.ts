/** The daemon's state file: its instances' states as one JSON file, replaced atomically. */
import fs from 'node:fs';
import path from 'node:path';

/** One instance in the daemon's state file. */
export interface InstanceStatus {
  name: string;
  vrid: number;
  state: string;
  priority: number;
  /** The VIPs this instance holds (all of its VIPs when MASTER, none otherwise). */
  vips: string[];
}

/**
 * The daemon's current state as one JSON file, replaced atomically (write + rename) whenever it
 * changes: what `vrrp-status` in the lab images reads. Problems writing it are reported once
 * through `onError` and never stop the daemon.
 */
export class StateFile {
  private last = '';
  private failed = false;

  constructor(
    private readonly file: string,
    private readonly onError: (message: string) => void,
  ) {
    try {
      fs.mkdirSync(path.dirname(file), { recursive: true });
    } catch {
      // Reported by the first write.
    }
  }

  update(instances: readonly InstanceStatus[], now: number): void {
    const body = JSON.stringify({ pid: process.pid, instances });
    if (body === this.last) return;
    this.last = body;
    const tmp = `${this.file}.${process.pid}.tmp`;
    try {
      fs.writeFileSync(tmp, `${JSON.stringify({ pid: process.pid, updatedAt: now, instances })}\n`);
      fs.renameSync(tmp, this.file);
    } catch (error) {
      if (!this.failed) this.onError(`state file ${this.file}: ${(error as Error).message}`);
      this.failed = true;
    }
  }

  remove(): void {
    fs.rmSync(this.file, { force: true });
  }
}
