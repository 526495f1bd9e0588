/** Gratuitous ARPs as whole Ethernet frames on the native helper's packet socket, as keepalived. */
import { gratuitousArpFrame } from '../capture/frame-builders';
import type { VipConfig } from '../vrrp/config';
import type { GarpSender } from './ports';
import { SysfsLinks } from './sysfs-links';
import type { VrrpdNative } from './vrrpd-native';

/**
 * Gratuitous ARPs as keepalived sends them: from the daemon itself through a packet socket, a
 * broadcast ARP request whose sender and target are the VIP, `count` back to back. The frame is
 * built by the capture module's encoder (the one the analysis decodes) with the interface's MAC.
 */
export class PacketSocketGarp implements GarpSender {
  constructor(
    private readonly native: Pick<VrrpdNative, 'sendFrame'>,
    private readonly links = new SysfsLinks(),
  ) {}

  /**
   * Reads each VIP interface's index and MAC into the cache and builds its frame once (thrown
   * away), so that the first takeover reads nothing from /sys and does not run the frame
   * encoders for the first time between the VIP and the first GARP (strace showed hundreds of
   * microseconds there before).
   */
  prepare(vips: readonly VipConfig[], iface: string): void {
    for (const v of vips) {
      try {
        gratuitousArpFrame(this.links.get(v.device ?? iface).mac, v.address);
      } catch {
        // The interface may not exist yet; send() reports it if it still does not.
      }
    }
  }

  close(): void {
    // The helper's socket lives as long as the process.
  }

  send(vips: readonly VipConfig[], iface: string, count: number): Promise<void> {
    try {
      for (const v of vips) {
        this.links.use(v.device ?? iface, ({ ifindex, mac }) => {
          const frame = Buffer.from(gratuitousArpFrame(mac, v.address));
          for (let i = 0; i < count; i++) this.native.sendFrame(ifindex, frame);
        });
      }
      return Promise.resolve();
    } catch (error) {
      return Promise.reject(
        new Error(`gratuitous ARP: ${error instanceof Error ? error.message : String(error)}`),
      );
    }
  }
}
