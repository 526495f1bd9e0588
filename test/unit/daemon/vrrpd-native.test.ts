/**
 * The takeover's kernel calls from the daemon itself: NetlinkVips and PacketSocketGarp over fakes,
 * and the native helper (docker/web/native, compiled here with npm's node-gyp against the
 * installed Node headers) run for real in a private network namespace (`unshare -n`, root, as on
 * the machines this runs on): addresses on lo checked with `ip`, frames sent on a veth pair and
 * captured with tcpdump on its peer.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { decodeArp, isGratuitousArp } from '../../../src/capture/arp';
import { gratuitousArpFrame } from '../../../src/capture/frame-builders';
import { readPcapFile } from '../../../src/capture/pcap-file';
import { vipsOnInterface } from '../../../src/daemon/iproute-vips';
import { NativeIpSender } from '../../../src/daemon/native-ip-sender';
import { NetlinkVips } from '../../../src/daemon/netlink-vips';
import { PacketSocketGarp } from '../../../src/daemon/packet-socket-garp';
import { SysfsLinks } from '../../../src/daemon/sysfs-links';
import { loadVrrpdNative } from '../../../src/daemon/vrrpd-native';
import type { VrrpdNative } from '../../../src/daemon/vrrpd-native';
import type { VipConfig } from '../../../src/vrrp/config';
import { decodeVrrpDatagram, encodeVrrpDatagram } from '../../../src/vrrp/packet';

const ROOT = path.join(__dirname, '../../..');
const NATIVE_SRC = path.join(ROOT, 'docker/web/native');

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chaos-native-'));
});
afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

function fakeSysfs(): string {
  const sysfs = fs.mkdtempSync(path.join(dir, 'sys-'));
  const links = {
    eth0: { ifindex: 7, mac: '02:42:c0:a8:11:65' },
    eth1: { ifindex: 9, mac: '02:42:0a:00:00:02' },
  };
  for (const [name, l] of Object.entries(links)) {
    fs.mkdirSync(path.join(sysfs, name));
    fs.writeFileSync(path.join(sysfs, name, 'ifindex'), `${l.ifindex}\n`);
    fs.writeFileSync(path.join(sysfs, name, 'address'), `${l.mac}\n`);
  }
  return sysfs;
}

/** A native helper that keeps addresses per ifindex and records frames, with errno codes. */
class FakeNative implements Pick<VrrpdNative, 'addAddress' | 'deleteAddress' | 'sendFrame'> {
  readonly held = new Map<number, Set<string>>();
  readonly frames: { ifindex: number; frame: Buffer }[] = [];
  failWith: Error | undefined;
  addAddress(ifindex: number, address: string, prefixLength: number): void {
    const set = this.held.get(ifindex) ?? new Set();
    if (set.has(`${address}/${prefixLength}`))
      throw Object.assign(new Error('add: File exists'), { code: 'EEXIST' });
    set.add(`${address}/${prefixLength}`);
    this.held.set(ifindex, set);
  }
  deleteAddress(ifindex: number, address: string, prefixLength: number): void {
    if (!this.held.get(ifindex)?.delete(`${address}/${prefixLength}`))
      throw Object.assign(new Error('delete: Cannot assign requested address'), {
        code: 'EADDRNOTAVAIL',
      });
  }
  sendFrame(ifindex: number, frame: Buffer): number {
    if (this.failWith) throw this.failWith;
    this.frames.push({ ifindex, frame: Buffer.from(frame) });
    return frame.length;
  }
}

const VIP: VipConfig = { address: '192.168.17.200', prefixLength: 32 };
const VIP_ETH1: VipConfig = { address: '10.0.0.9', prefixLength: 24, device: 'eth1' };

describe('NetlinkVips (over a fake helper)', () => {
  it('adds and removes on the VIP’s interface; already done is not an error', async () => {
    const native = new FakeNative();
    const vips = new NetlinkVips(native, new SysfsLinks(fakeSysfs()));
    await vips.add([VIP, VIP_ETH1], 'eth0');
    expect(native.held).toEqual(
      new Map([
        [7, new Set(['192.168.17.200/32'])],
        [9, new Set(['10.0.0.9/24'])],
      ]),
    );
    await vips.add([VIP], 'eth0'); // EEXIST: a restart's leftover
    await vips.remove([VIP, VIP_ETH1], 'eth0');
    await vips.remove([VIP], 'eth0'); // EADDRNOTAVAIL: already gone
    expect([...native.held.values()].every((s) => s.size === 0)).toBe(true);
  });

  it('an interface re-created with a new index is read again (ENODEV, once)', async () => {
    const sysfs = fakeSysfs();
    const native = new FakeNative();
    const links = new SysfsLinks(sysfs);
    const vips = new NetlinkVips(native, links);
    await vips.add([VIP], 'eth0');
    await vips.remove([VIP], 'eth0');
    fs.writeFileSync(path.join(sysfs, 'eth0', 'ifindex'), '12\n');
    const add = native.addAddress.bind(native);
    native.addAddress = (ifindex, address, prefix) => {
      if (ifindex !== 12) throw Object.assign(new Error('add: No such device'), { code: 'ENODEV' });
      add(ifindex, address, prefix);
    };
    await vips.add([VIP], 'eth0');
    expect(native.held.get(12)).toEqual(new Set(['192.168.17.200/32']));
  });

  it('other errors, and unknown interfaces, reject', async () => {
    const native = new FakeNative();
    native.addAddress = () => {
      throw Object.assign(new Error('add: Operation not permitted'), { code: 'EPERM' });
    };
    const vips = new NetlinkVips(native, new SysfsLinks(fakeSysfs()));
    await expect(vips.add([VIP], 'eth0')).rejects.toThrow('Operation not permitted');
    await expect(vips.remove([VIP], 'nosuch0')).rejects.toThrow(/nosuch0/);
  });

  it('present() lists the VIPs on the interface from ip, also when it is down', async () => {
    // A fake ip printing what `ip -4 -o addr show dev eth0` prints for a downed eth0.
    const ip = path.join(dir, 'ip-show');
    fs.writeFileSync(
      ip,
      '#!/bin/sh\n[ "$*" = "-4 -o addr show dev eth0" ] || exit 1\n' +
        "echo '2044: eth0    inet 192.168.17.101/24 brd 192.168.17.255 scope global eth0\\       valid_lft forever preferred_lft forever'\n" +
        "echo '2044: eth0    inet 192.168.17.200/32 scope global eth0\\       valid_lft forever preferred_lft forever'\n",
      { mode: 0o755 },
    );
    const vips = new NetlinkVips(new FakeNative(), new SysfsLinks(fakeSysfs()), (v, iface) =>
      vipsOnInterface(v, iface, [ip]),
    );
    expect(await vips.present([VIP, { ...VIP, address: '192.168.17.201' }], 'eth0')).toEqual([VIP]);
    await expect(vips.present([VIP], 'eth1')).rejects.toThrow();
  });
});

describe('PacketSocketGarp (over a fake helper)', () => {
  it('sends count of keepalived’s gratuitous ARP per VIP on the VIP’s interface', async () => {
    const native = new FakeNative();
    const garp = new PacketSocketGarp(native, new SysfsLinks(fakeSysfs()));
    await garp.send([VIP, VIP_ETH1], 'eth0', 5);
    expect(native.frames).toHaveLength(10);
    expect(native.frames.slice(0, 5).every((s) => s.ifindex === 7)).toBe(true);
    expect(native.frames.slice(5).every((s) => s.ifindex === 9)).toBe(true);
    const first = native.frames[0]!.frame;
    expect(first).toEqual(Buffer.from(gratuitousArpFrame('02:42:c0:a8:11:65', '192.168.17.200')));
    expect(first.length).toBe(42); // as keepalived's on the wire (reference pcap)
    const arp = decodeArp(first.subarray(14));
    expect(arp).toEqual({
      op: 1,
      senderMac: '02:42:c0:a8:11:65',
      senderIp: '192.168.17.200',
      targetMac: 'ff:ff:ff:ff:ff:ff',
      targetIp: '192.168.17.200',
    });
    expect(isGratuitousArp(arp, true)).toBe(true);
    expect(decodeArp(native.frames[5]!.frame.subarray(14)).senderMac).toBe('02:42:0a:00:00:02');
  });

  it('an interface re-created with a new index is read again (ENXIO, once)', async () => {
    const sysfs = fakeSysfs();
    const native = new FakeNative();
    const garp = new PacketSocketGarp(native, new SysfsLinks(sysfs));
    await garp.send([VIP], 'eth0', 1);
    fs.writeFileSync(path.join(sysfs, 'eth0', 'ifindex'), '12\n');
    const send = native.sendFrame.bind(native);
    native.sendFrame = (ifindex, frame) => {
      if (ifindex !== 12)
        throw Object.assign(new Error('sendto: No such device or address'), { code: 'ENXIO' });
      return send(ifindex, frame);
    };
    await garp.send([VIP], 'eth0', 2);
    expect(native.frames.map((f) => f.ifindex)).toEqual([7, 12, 12]);
  });

  it('reports a missing interface or a socket error as a rejected burst', async () => {
    const native = new FakeNative();
    const garp = new PacketSocketGarp(native, new SysfsLinks(fakeSysfs()));
    await expect(garp.send([VIP], 'nosuch0', 1)).rejects.toThrow(/gratuitous ARP: .*nosuch0/);
    native.failWith = new Error('sendto: Network is down');
    await expect(garp.send([VIP], 'eth0', 1)).rejects.toThrow(
      'gratuitous ARP: sendto: Network is down',
    );
  });
});

describe('NativeIpSender (over a fake helper)', () => {
  it('opens one socket on the interface, sends whole datagrams on it, closes it', () => {
    const calls: unknown[][] = [];
    const sender = new NativeIpSender(
      {
        openIp: (iface) => (calls.push(['open', iface]), 42),
        sendIp: (fd, dst, datagram) => (calls.push(['send', fd, dst, [...datagram]]), 3),
        closeIp: (fd) => void calls.push(['close', fd]),
      },
      'eth0',
    );
    const bytes = new Uint8Array([9, 1, 2, 3, 9]);
    sender.send('224.0.0.18', bytes.subarray(1, 4));
    sender.close();
    expect(calls).toEqual([
      ['open', 'eth0'],
      ['send', 42, '224.0.0.18', [1, 2, 3]],
      ['close', 42],
    ]);
  });
});

describe('vrrpd_native.node (the native helper, built and run here)', () => {
  let addon: string;
  beforeAll(() => {
    const nodeGyp = path.join(
      path.dirname(fs.realpathSync(process.execPath)),
      '../lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js',
    );
    const build = path.join(dir, 'native');
    fs.cpSync(NATIVE_SRC, build, { recursive: true });
    execFileSync(process.execPath, [nodeGyp, 'rebuild', '--nodedir=/usr'], {
      cwd: build,
      stdio: 'pipe',
    });
    addon = path.join(build, 'build/Release/vrrpd_native.node');
  }, 120_000);

  /** Runs `script` (shell) in a new network namespace; returns its stdout. */
  const inNetns = (script: string): string =>
    execFileSync('unshare', ['-n', 'sh', '-c', `set -e\n${script}`], {
      encoding: 'utf8',
      timeout: 20_000,
    });
  const node = (js: string): string =>
    `${process.execPath} -e "const n = require('${addon}'); ${js.replace(/"/g, '\\"')}"`;

  it('loads, and refuses bad arguments', () => {
    const native = loadVrrpdNative(addon);
    if (native instanceof Error) throw native;
    // (TypeErrors of the addon's realm: matched by message, not by jest's TypeError.)
    expect(() => native.sendFrame(0, Buffer.alloc(42))).toThrow(/positive integer/);
    expect(() => native.sendFrame(1, Buffer.alloc(13))).toThrow(/at least 14 bytes/);
    expect(() => native.addAddress(1, '10.0.0', 32)).toThrow(/bad arguments/);
    expect(() => native.addAddress(1, '10.0.0.1', 33)).toThrow(/bad arguments/);
    expect(loadVrrpdNative(path.join(dir, 'missing.node'))).toBeInstanceOf(Error);
  });

  it('adds and deletes an address as `ip addr add` does, with errno codes', () => {
    const out = inNetns(
      [
        'ip link set lo up',
        node(
          `const r = []; const call = (f) => { try { f(); r.push('ok'); } catch (e) { r.push(e.code); } };` +
            `call(() => n.addAddress(1, '10.77.0.200', 32));` +
            `call(() => n.addAddress(1, '10.77.0.200', 32));` +
            `call(() => n.addAddress(4242, '10.77.0.201', 32));` +
            `console.log(r.join(' '));`,
        ),
        'ip -4 -o addr show dev lo | grep -o "inet 10.77.0.200/32 scope global lo"',
        node(
          `const r = []; const call = (f) => { try { f(); r.push('ok'); } catch (e) { r.push(e.code); } };` +
            `call(() => n.deleteAddress(1, '10.77.0.200', 32));` +
            `call(() => n.deleteAddress(1, '10.77.0.200', 32));` +
            `console.log(r.join(' '));`,
        ),
        'ip -4 -o addr show dev lo | grep -c 10.77.0.200 || true',
      ].join('\n'),
    );
    expect(out.trim().split('\n')).toEqual([
      'ok EEXIST ENODEV',
      'inet 10.77.0.200/32 scope global lo',
      'ok EADDRNOTAVAIL',
      '0',
    ]);
  });

  it('puts a frame on the wire unchanged (veth pair, tcpdump on the peer)', async () => {
    const frame = Buffer.from(gratuitousArpFrame('02:00:00:00:00:01', '10.77.0.200'));
    const pcap = path.join(dir, 'veth.pcap');
    inNetns(
      [
        'ip link add chaos-a type veth peer name chaos-b',
        'ip link set chaos-a up',
        'ip link set chaos-b up',
        // /sys shows the host's namespace here: the index comes from ip.
        'export IDX=$(ip -o link show chaos-a | cut -d: -f1)',
        `timeout 10 tcpdump -i chaos-b -U -c 3 -w ${pcap} arp 2>/dev/null & tp=$!`,
        `for i in $(seq 50); do [ -s ${pcap} ] && break; sleep 0.1; done`,
        node(
          `const i = Number(process.env.IDX);` +
            `for (let k = 0; k < 3; k++) n.sendFrame(i, Buffer.from('${frame.toString('hex')}', 'hex'));`,
        ),
        'wait $tp',
      ].join('\n'),
    );
    const { records } = await readPcapFile(pcap);
    expect(records).toHaveLength(3);
    for (const r of records) expect(r.data.subarray(0, 42)).toEqual(frame);
  }, 30_000);

  it('sends a whole VRRP datagram at once on its raw IPv4 socket (veth, tcpdump)', async () => {
    const datagram = encodeVrrpDatagram(
      {
        version: 2,
        vrid: 51,
        priority: 100,
        addresses: ['10.77.0.200'],
        checksum: 0,
        authType: 0,
        advertIntervalSec: 1,
        authData: new Uint8Array(8),
      },
      { src: '10.77.0.1', dst: '224.0.0.18' },
    );
    const pcap = path.join(dir, 'vrrp.pcap');
    inNetns(
      [
        'ip link add chaos-a type veth peer name chaos-b',
        'ip addr add 10.77.0.1/24 dev chaos-a',
        'ip link set chaos-a up',
        'ip link set chaos-b up',
        `timeout 10 tcpdump -i chaos-b -U -c 2 -w ${pcap} ip proto 112 2>/dev/null & tp=$!`,
        `for i in $(seq 50); do [ -s ${pcap} ] && break; sleep 0.1; done`,
        node(
          `const fd = n.openIp('chaos-a'); const d = Buffer.from('${Buffer.from(datagram).toString('hex')}', 'hex');` +
            `n.sendIp(fd, '224.0.0.18', d); n.sendIp(fd, '224.0.0.18', d); n.closeIp(fd);`,
        ),
        'wait $tp',
      ].join('\n'),
    );
    const { records } = await readPcapFile(pcap);
    expect(records).toHaveLength(2);
    for (const r of records) {
      expect(r.data.subarray(0, 6)).toEqual(Buffer.from([1, 0, 0x5e, 0, 0, 0x12])); // 224.0.0.18
      const d = decodeVrrpDatagram(r.data.subarray(14));
      expect(d.ip.ttl).toBe(255);
      expect(d.ip.src).toBe('10.77.0.1');
      expect(d.ip.dst).toBe('224.0.0.18');
      expect(d.vrrp).toMatchObject({ vrid: 51, priority: 100, addresses: ['10.77.0.200'] });
    }
  }, 30_000);
});
