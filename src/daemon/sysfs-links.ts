/** Interfaces' index and MAC read from /sys/class/net, cached, read again when re-created. */
import fs from 'node:fs';
import path from 'node:path';

/**
 * Interfaces' index and MAC from /sys, read once per interface (the reads sat on the takeover's
 * path); forget() after an error, so that a re-created interface is read again.
 */
export class SysfsLinks {
  private readonly cache = new Map<string, { ifindex: number; mac: string }>();

  constructor(private readonly sysfs = '/sys/class/net') {}

  get(device: string): { ifindex: number; mac: string } {
    let link = this.cache.get(device);
    if (!link) {
      const read = (name: string) =>
        fs.readFileSync(path.join(this.sysfs, device, name), 'utf8').trim();
      link = { ifindex: Number(read('ifindex')), mac: read('address') };
      this.cache.set(device, link);
    }
    return link;
  }

  forget(device: string): void {
    this.cache.delete(device);
  }

  /**
   * `fn` with the device's link. When it fails with ENODEV or ENXIO, the interface was
   * re-created under a new index: the link is read again and `fn` tried once more.
   */
  use<T>(device: string, fn: (link: { ifindex: number; mac: string }) => T): T {
    try {
      return fn(this.get(device));
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      if (code !== 'ENODEV' && code !== 'ENXIO') throw error;
      this.forget(device);
      return fn(this.get(device));
    }
  }
}
