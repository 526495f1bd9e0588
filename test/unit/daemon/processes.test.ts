/**
 * The daemon's resident and armed child processes: IpBatch against real iproute2 in a private
 * network namespace (`unshare -n`, root, as on the machines this runs on), ArmedCommand and
 * ArpingGarp against a fake arping that records its arguments.
 */
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ts from 'typescript';
import { ArmedCommand, IpBatch } from '../../../src/daemon/processes';
import { ArpingGarp } from '../../../src/daemon/arping-garp';
import { IprouteVips } from '../../../src/daemon/iproute-vips';
import type { VipConfig } from '../../../src/vrrp/config';

const NETNS_IP = ['unshare', '-n', 'ip'];

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chaos-proc-'));
});
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

/** A fake arping: appends its arguments to `log`; exits 2 with a message when asked to fail. */
function fakeArping(name = 'arping'): { file: string; log: string } {
  const file = path.join(dir, name);
  const log = path.join(dir, `${name}.log`);
  fs.writeFileSync(
    file,
    `#!/bin/sh\nif [ -e "${dir}/fail" ]; then echo "arping: bind: Cannot assign requested address" >&2; exit 2; fi\necho "$*" >> "${log}"\n`,
    { mode: 0o755 },
  );
  return { file, log };
}

const lines = (file: string): string[] =>
  fs.existsSync(file) ? fs.readFileSync(file, 'utf8').trim().split('\n').filter(Boolean) : [];

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Processes whose command line contains `text` (other than the pgrep itself). */
function processesWith(text: string): string[] {
  try {
    return execFileSync('pgrep', ['-f', text], { encoding: 'utf8' }).trim().split('\n');
  } catch {
    return [];
  }
}

async function until(check: () => boolean, what: string, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

describe('IpBatch (resident ip -force -batch -, real iproute2 in a private netns)', () => {
  it('runs commands in order and reports each failure with ip’s own message', async () => {
    const batch = new IpBatch(NETNS_IP);
    try {
      await batch.run(['link', 'set', 'lo', 'up']);
      await batch.run(['addr', 'add', '10.9.9.9/32', 'dev', 'lo']);
      await expect(batch.run(['addr', 'add', '10.9.9.9/32', 'dev', 'lo'])).rejects.toThrow(
        /already assigned|File exists/,
      );
      await expect(batch.run(['addr', 'add', '10.9.9.8/32', 'dev', 'nosuch0'])).rejects.toThrow(
        /Cannot find device "nosuch0"/,
      );
      // Concurrent commands: each gets its own answer.
      const results = await Promise.allSettled([
        batch.run(['addr', 'add', '10.9.9.10/32', 'dev', 'lo']),
        batch.run(['addr', 'del', '10.9.9.9/32', 'dev', 'lo']),
        batch.run(['addr', 'del', '10.9.9.9/32', 'dev', 'lo']),
        batch.run(['addr', 'add', '10.9.9.10/32', 'dev', 'lo']),
      ]);
      expect(results.map((r) => r.status)).toEqual([
        'fulfilled',
        'fulfilled',
        'rejected',
        'rejected',
      ]);
      expect(String((results[2] as PromiseRejectedResult).reason)).toMatch(
        /not found|Cannot assign/,
      );
    } finally {
      batch.close();
    }
  });

  it('refuses arguments that would change the meaning of the batch', async () => {
    const batch = new IpBatch(NETNS_IP);
    try {
      await expect(batch.run(['addr', 'add', '10.9.9.9/32\nlink', 'dev', 'lo'])).rejects.toThrow(
        /refusing argument/,
      );
      await expect(batch.run(['addr', 'add', '', 'dev', 'lo'])).rejects.toThrow(
        /refusing argument/,
      );
    } finally {
      batch.close();
    }
  });

  it('fails pending commands when ip dies and starts a new one for the next command', async () => {
    const fake = path.join(dir, 'ip');
    // An ip that dies on its first command; the second start behaves like ip for 'ok' lines.
    fs.writeFileSync(
      fake,
      `#!/bin/sh\nif [ ! -e "${dir}/started" ]; then touch "${dir}/started"; read line; exit 1; fi\n` +
        `n=0; while read line; do n=$((n+1)); case "$line" in link*) echo 'Device "chaos-batch-sentinel" does not exist.' >&2; echo "Command failed -:$n" >&2;; esac; done\n`,
      { mode: 0o755 },
    );
    const batch = new IpBatch([fake]);
    try {
      await expect(batch.run(['addr', 'add', '10.9.9.9/32', 'dev', 'lo'])).rejects.toThrow(
        /ip batch exited/,
      );
      await expect(batch.run(['addr', 'add', '10.9.9.9/32', 'dev', 'lo'])).resolves.toBeUndefined();
    } finally {
      batch.close();
    }
  });

  it('a command that gets no answer fails after the timeout', async () => {
    const fake = path.join(dir, 'ip-silent');
    fs.writeFileSync(fake, '#!/bin/sh\nexec cat >/dev/null\n', { mode: 0o755 });
    const batch = new IpBatch([fake], 200);
    try {
      await expect(batch.run(['addr', 'add', '10.9.9.9/32', 'dev', 'lo'])).rejects.toThrow(
        /no answer .* in 200 ms/,
      );
    } finally {
      batch.close();
    }
  });
});

describe('IprouteVips (through the resident ip)', () => {
  it('adding a present VIP and removing an absent one are not errors (a restart’s leftovers)', async () => {
    const vips = new IprouteVips(NETNS_IP);
    const vip: VipConfig = { address: '10.9.9.9', prefixLength: 32 };
    try {
      await vips.add([vip], 'lo');
      await vips.add([vip], 'lo');
      await vips.remove([vip], 'lo');
      await vips.remove([vip], 'lo');
      await expect(vips.add([{ ...vip, device: 'nosuch0' }], 'lo')).rejects.toThrow(
        /Cannot find device/,
      );
    } finally {
      vips.close();
    }
  });
});

describe('IprouteVips with an interface re-created under it', () => {
  it('restarts ip and tries once more when ip no longer finds the device', async () => {
    // The first ip (index cache gone stale) answers "Cannot find device"; later ones succeed.
    const fake = path.join(dir, 'ip-stale');
    fs.writeFileSync(
      fake,
      `#!/bin/sh\nn=0; first=0; [ -e "${dir}/one" ] || { touch "${dir}/one"; first=1; }\n` +
        `while read line; do n=$((n+1)); case "$line" in\n` +
        `  link*) echo 'Device "chaos-batch-sentinel" does not exist.' >&2; echo "Command failed -:$n" >&2;;\n` +
        `  addr*) if [ $first = 1 ]; then echo 'Cannot find device "eth0"' >&2; echo "Command failed -:$n" >&2; else echo "$line" >> "${dir}/done"; fi;;\n` +
        `esac; done\n`,
      { mode: 0o755 },
    );
    const vips = new IprouteVips([fake]);
    try {
      await vips.add([{ address: '10.9.9.9', prefixLength: 32 }], 'eth0');
      expect(lines(path.join(dir, 'done'))).toEqual(['addr add 10.9.9.9/32 dev eth0']);
    } finally {
      vips.close();
    }
  });
});

describe('ArmedCommand', () => {
  it('runs the command with its arguments only when fired', async () => {
    const { file, log } = fakeArping();
    const armed = new ArmedCommand(file, ['-U', '-I', 'eth0', '10.0.0.1']);
    await sleep(100);
    expect(lines(log)).toEqual([]);
    expect(armed.ready).toBe(true);
    await armed.fire();
    expect(armed.ready).toBe(false);
    expect(lines(log)).toEqual(['-U -I eth0 10.0.0.1']);
  });

  it('rejects with the command’s stderr when it fails', async () => {
    const { file } = fakeArping();
    fs.writeFileSync(path.join(dir, 'fail'), '');
    const armed = new ArmedCommand(file, ['10.0.0.1']);
    await expect(armed.fire()).rejects.toThrow(/bind: Cannot assign requested address/);
  });

  it('disarmed, or its parent gone, it exits without running the command', async () => {
    const { file, log } = fakeArping('arping-orphan');
    const armed = new ArmedCommand(file, ['disarmed']);
    armed.disarm();
    // A parent that arms one and exits at once (as a hard-killed daemon would). The module only
    // needs Node's built-ins, so its transpiled text runs in a plain node.
    const source = fs.readFileSync(
      path.join(__dirname, '../../../src/daemon/processes.ts'),
      'utf8',
    );
    const js = ts.transpileModule(source, {
      compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 },
    }).outputText;
    fs.writeFileSync(path.join(dir, 'processes.js'), js);
    const parent = spawn(
      process.execPath,
      [
        '-e',
        `const { ArmedCommand } = require(${JSON.stringify(path.join(dir, 'processes.js'))}); new ArmedCommand(${JSON.stringify(file)}, ['orphaned']); setTimeout(() => process.exit(0), 300);`,
      ],
      { stdio: 'ignore' },
    );
    await new Promise((r) => parent.on('exit', r));
    await until(() => processesWith(file).length === 0, 'the armed shells to exit');
    expect(lines(log)).toEqual([]);
  });
});

describe('ArpingGarp (armed arpings)', () => {
  const vips: VipConfig[] = [
    { address: '10.0.0.200', prefixLength: 32 },
    { address: '10.0.0.201', prefixLength: 32, device: 'eth1' },
  ];

  it('a burst runs count arpings per VIP with keepalived’s unsolicited form, armed or not', async () => {
    const { file, log } = fakeArping();
    const garp = new ArpingGarp(file, 20);
    try {
      garp.prepare(vips, 'eth0', 3);
      await until(() => processesWith(file).length === 6, 'six armed arpings');
      await garp.send(vips, 'eth0', 3);
      expect(lines(log).sort()).toEqual([
        ...Array(3).fill('-q -U -c 1 -w 1 -I eth0 10.0.0.200'),
        ...Array(3).fill('-q -U -c 1 -w 1 -I eth1 10.0.0.201'),
      ]);
      // Re-armed after the burst; a larger burst than is armed spawns the rest.
      await until(() => processesWith(file).length === 6, 'the pool re-armed');
      await garp.send(vips.slice(0, 1), 'eth0', 5);
      expect(lines(log).filter((l) => l.endsWith('10.0.0.200'))).toHaveLength(8);
    } finally {
      garp.close();
    }
    await until(() => processesWith(file).length === 0, 'no armed arping left after close');
    expect(lines(log)).toHaveLength(11);
  });

  it('a failing arping fails the burst with its message', async () => {
    const { file } = fakeArping();
    const garp = new ArpingGarp(file, 20);
    try {
      garp.prepare(vips.slice(0, 1), 'eth0', 2);
      fs.writeFileSync(path.join(dir, 'fail'), '');
      await expect(garp.send(vips.slice(0, 1), 'eth0', 2)).rejects.toThrow(
        /Cannot assign requested address/,
      );
    } finally {
      garp.close();
    }
  });
});
