/** The interface's up/down state, polled from /sys/class/net. */
import fs from 'node:fs';
import type { LinkMonitor } from './ports';

/** Polls /sys/class/net/IF/operstate (and the IFF_UP flag): cheap and works in any netns. */
export class SysfsLinkMonitor implements LinkMonitor {
  private up: boolean;
  private readonly handlers: ((up: boolean) => void)[] = [];
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly iface: string,
    intervalMs = 50,
  ) {
    this.up = this.read();
    this.timer = setInterval(() => {
      const now = this.read();
      if (now !== this.up) {
        this.up = now;
        for (const h of this.handlers) h(now);
      }
    }, intervalMs);
  }

  private read(): boolean {
    try {
      const flags = parseInt(fs.readFileSync(`/sys/class/net/${this.iface}/flags`, 'utf8'), 16);
      const oper = fs.readFileSync(`/sys/class/net/${this.iface}/operstate`, 'utf8').trim();
      return (flags & 1) === 1 && oper !== 'down' && oper !== 'lowerlayerdown';
    } catch {
      return false;
    }
  }

  onChange(handler: (up: boolean) => void): void {
    this.handlers.push(handler);
  }

  isUp(): boolean {
    return this.up;
  }

  close(): void {
    clearInterval(this.timer);
  }
}
