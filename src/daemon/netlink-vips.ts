/** VIPs added and removed through netlink by the native helper, as keepalived does. */
import type { VipConfig } from '../vrrp/config';
import { vipsOnInterface } from './iproute-vips';
import type { VipManager } from './ports';
import { SysfsLinks } from './sysfs-links';
import type { VrrpdNative } from './vrrpd-native';

/**
 * VIPs through netlink from the daemon itself, as keepalived adds them: the same request
 * `ip addr add VIP/32 dev eth0` makes (local = address, global scope), in microseconds and with
 * no process to wake between the takeover's advert and its gratuitous ARPs.
 */
export class NetlinkVips implements VipManager {
  constructor(
    private readonly native: Pick<VrrpdNative, 'addAddress' | 'deleteAddress'>,
    private readonly links = new SysfsLinks(),
    /** The VIPs present on the interface (at start, for the cleanup's event). */
    private readonly list: (
      vips: readonly VipConfig[],
      iface: string,
    ) => Promise<VipConfig[]> = vipsOnInterface,
  ) {}

  add(vips: readonly VipConfig[], iface: string): Promise<void> {
    return this.each(vips, iface, 'EEXIST', (ifindex, v) =>
      this.native.addAddress(ifindex, v.address, v.prefixLength),
    );
  }

  remove(vips: readonly VipConfig[], iface: string): Promise<void> {
    return this.each(vips, iface, 'EADDRNOTAVAIL', (ifindex, v) =>
      this.native.deleteAddress(ifindex, v.address, v.prefixLength),
    );
  }

  present(vips: readonly VipConfig[], iface: string): Promise<VipConfig[]> {
    return this.list(vips, iface);
  }

  close(): void {
    // The helper's socket lives as long as the process.
  }

  /** `change` for every VIP; the errno `harmless` (already done) is not an error. */
  private each(
    vips: readonly VipConfig[],
    iface: string,
    harmless: string,
    change: (ifindex: number, v: VipConfig) => void,
  ): Promise<void> {
    try {
      for (const v of vips) {
        try {
          this.links.use(v.device ?? iface, (link) => change(link.ifindex, v));
        } catch (error) {
          if ((error as { code?: unknown }).code !== harmless) throw error;
        }
      }
      return Promise.resolve();
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
  }
}
