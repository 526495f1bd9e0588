/**
 * VIPs through iproute2, where the native helper is not built: listed with `ip addr show`,
 * added and removed through one resident `ip -batch` (IpBatch in processes.ts).
 */
import type { VipConfig } from '../vrrp/config';
import type { VipManager } from './ports';
import { IpBatch } from './processes';
import { runFile } from './run-file';

/**
 * The VIPs of `vips` on the interface, from `ip -4 -o addr show dev IF` (run once at start).
 * Unlike os.networkInterfaces(), it lists the addresses of an interface that is down.
 */
export async function vipsOnInterface(
  vips: readonly VipConfig[],
  iface: string,
  ip: readonly string[] = ['ip'],
): Promise<VipConfig[]> {
  const [file = 'ip', ...prefix] = ip;
  const out = await runFile(file, [...prefix, '-4', '-o', 'addr', 'show', 'dev', iface]);
  const have = new Set([...out.matchAll(/inet (\d+\.\d+\.\d+\.\d+)\//g)].map((m) => m[1]));
  return vips.filter((v) => have.has(v.address));
}

/**
 * VIPs with `ip addr add|del ADDRESS/PREFIX dev IF` (keepalived's default prefix is /32), through
 * one resident `ip -batch` so that a takeover does not wait for a spawn (see processes.ts).
 */
export class IprouteVips implements VipManager {
  private readonly batch: IpBatch;

  constructor(private readonly ip: readonly string[] = ['ip']) {
    this.batch = new IpBatch(ip);
    // One harmless command at start: ip answers, and the daemon's side of the batch is compiled
    // before the first takeover needs it (see InstanceRunner.warmUp).
    this.batch.run(['link', 'show', 'dev', 'lo']).catch(() => undefined);
  }

  async add(vips: readonly VipConfig[], iface: string): Promise<void> {
    for (const v of vips) {
      try {
        await this.change('add', v, iface);
      } catch (error) {
        if (!/File exists|already assigned/i.test((error as Error).message)) throw error;
      }
    }
  }

  async remove(vips: readonly VipConfig[], iface: string): Promise<void> {
    for (const v of vips) {
      try {
        await this.change('del', v, iface);
      } catch (error) {
        if (!/Cannot assign requested address|not found/i.test((error as Error).message))
          throw error;
      }
    }
  }

  present(vips: readonly VipConfig[], iface: string): Promise<VipConfig[]> {
    return vipsOnInterface(vips, iface, this.ip);
  }

  /**
   * One `addr add|del`. iproute2 caches interface indexes for the life of the process, so when
   * the device is not found (re-created with a new index) ip is restarted and asked once more.
   */
  private async change(op: 'add' | 'del', v: VipConfig, iface: string): Promise<void> {
    const args = ['addr', op, `${v.address}/${v.prefixLength}`, 'dev', v.device ?? iface];
    try {
      await this.batch.run(args);
    } catch (error) {
      if (!/Cannot find device/.test((error as Error).message)) throw error;
      this.batch.restart();
      await this.batch.run(args);
    }
  }

  close(): void {
    this.batch.close();
  }
}
