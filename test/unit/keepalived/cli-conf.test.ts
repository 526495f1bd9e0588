import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { memoryIO } from '../../../src/cli/io';
import { runCli } from '../../../src/cli/program';

const FIXTURES = path.join(__dirname, '../../fixtures/keepalived');
const fixture = (name: string): string => path.join(FIXTURES, name);

let tmp: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'chaos-conf-'));
});
afterAll(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

function write(name: string, text: string): string {
  const file = path.join(tmp, name);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
  return file;
}

async function check(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const io = memoryIO();
  const code = await runCli(['conf', 'check', ...args], io);
  return { code, out: io.out, err: io.err };
}

describe('chaos conf check', () => {
  test('the seed master: a summary, exit 0', async () => {
    const file = fixture('seed-master-check-nginx.conf');
    const { code, out, err } = await check(file);
    expect(code).toBe(0);
    expect(err).toBe('');
    expect(out).toBe(
      [
        `${file}: OK, 1 vrrp_instance, 1 vrrp_script, 0 vrrp_sync_groups`,
        'global_defs: router_id LVS_DEVEL, VRRPv2 by default',
        'vrrp_script check_nginx (weight 0): /etc/keepalived/check_nginx.sh every 3000 ms, timeout 3000 ms, fall 1, rise 1',
        'vrrp_instance VI_1: MASTER on eth0, VRID 51, priority 100, VRRPv2, advert 1000 ms, preempt',
        '  auth: PASS',
        '  vips: 192.168.17.200/32',
        '  adverts: multicast 224.0.0.18',
        '  garp: 5 on becoming master, again after 5000 ms, refresh off',
        '  track_script check_nginx (weight 0): /etc/keepalived/check_nginx.sh every 3000 ms, timeout 3000 ms, fall 1, rise 1',
        '',
      ].join('\n'),
    );
  });

  test('unicast and nopreempt show in the summary', async () => {
    const unicast = await check(fixture('seed-backup-unicast.conf'));
    expect(unicast.code).toBe(0);
    expect(unicast.out).toContain(
      'vrrp_instance VI_1: BACKUP on eth0, VRID 51, priority 100, VRRPv2, advert 1000 ms, preempt\n',
    );
    expect(unicast.out).toContain('  adverts: unicast from 192.168.17.101 to 192.168.17.102\n');
    const nopreempt = await check(fixture('seed-master-nopreempt.conf'));
    expect(nopreempt.out).toContain(
      'vrrp_instance VI_1: BACKUP on eth0, VRID 51, priority 100, VRRPv2, advert 1000 ms, nopreempt\n',
    );
  });

  test('--json prints the normalised config with 2-space indent', async () => {
    const { code, out, err } = await check(fixture('seed-backup.conf'), '--json');
    expect(code).toBe(0);
    expect(err).toBe('');
    const parsed = JSON.parse(out) as {
      instances: { name: string; initialState: string; vips: unknown[] }[];
    };
    expect(out.startsWith('{\n  "globalDefs": {\n    "routerId": "LVS_DEVEL",')).toBe(true);
    expect(parsed.instances[0]).toMatchObject({
      name: 'VI_1',
      initialState: 'BACKUP',
      vrid: 51,
      priority: 100,
      advertIntervalMs: 1000,
      auth: { type: 'PASS', password: '1111' },
      vips: [{ address: '192.168.17.200', prefixLength: 32 }],
    });
  });

  test('warnings go to stderr as file:line:col: warning: ..., exit 0', async () => {
    const file = write(
      'warn.conf',
      'vrrp_instance VI_1 {\n    interface eth0\n    virtual_router_id 1\n    use_vmac\n    virtual_ipaddress { 10.0.0.1 }\n}\n',
    );
    const { code, out, err } = await check(file);
    expect(code).toBe(0);
    expect(err).toBe(
      `${file}:4:5: warning: vrrp_instance VI_1: 'use_vmac' is not modelled by chaos (ignored)\n`,
    );
    expect(out).toContain('vrrp_instance VI_1: BACKUP on eth0, VRID 1');
  });

  test('errors: every problem as file:line:col, exit 2', async () => {
    const file = write(
      'bad.conf',
      'vrrp_instance VI_1 {\n    interface eth0\n    virtual_router_id 300\n    priority 0\n    bogus\n    virtual_ipaddress { 10.0.0.1 }\n}\n',
    );
    const { code, out, err } = await check(file);
    expect(code).toBe(2);
    expect(out).toBe('');
    expect(err).toBe(
      [
        `chaos: ${file}:3:23: virtual_router_id: number 300 outside range [1, 255]`,
        `${file}:4:14: priority: number 0 outside range [1, 255]`,
        `${file}:5:5: warning: vrrp_instance VI_1: unknown keyword 'bogus' (ignored) (KEEPALIVED_CONFIG_INVALID)`,
        '',
      ].join('\n'),
    );
  });

  test('includes are read relative to the including file', async () => {
    write(
      'inc/conf.d/10-vi1.conf',
      'vrrp_instance VI_1 {\n    interface eth0\n    virtual_router_id 11\n    virtual_ipaddress { 10.0.0.11 }\n}\n',
    );
    write(
      'inc/conf.d/20-vi2.conf',
      'vrrp_instance VI_2 {\n    interface eth0\n    virtual_router_id 12\n    virtual_ipaddress { 10.0.0.12 }\n}\n',
    );
    const main = write(
      'inc/keepalived.conf',
      'global_defs {\n    router_id inc\n}\ninclude conf.d/*.conf\n',
    );
    const { code, out, err } = await check(main);
    expect(err).toBe('');
    expect(code).toBe(0);
    expect(out).toContain('2 vrrp_instances');
    expect(out).toContain('vrrp_instance VI_2: BACKUP on eth0, VRID 12');
  });

  test('an error inside an included file names that file', async () => {
    write(
      'inc2/part.conf',
      'vrrp_instance VI_1 {\n    interface eth0\n    virtual_ipaddress { 10.0.0.300 }\n}\n',
    );
    const main = write('inc2/keepalived.conf', 'include part.conf\n');
    const { code, err } = await check(main);
    expect(code).toBe(2);
    expect(err).toContain(
      `${path.join(tmp, 'inc2/part.conf')}:1:15: vrrp_instance VI_1: virtual_router_id is required\n`,
    );
    expect(err).toContain(
      `${path.join(tmp, 'inc2/part.conf')}:3:25: virtual_ipaddress: invalid IP address '10.0.0.300'`,
    );
  });

  test('a missing file: CONF_NOT_FOUND naming the path, exit 2', async () => {
    const file = path.join(tmp, 'nope.conf');
    const { code, out, err } = await check(file);
    expect(code).toBe(2);
    expect(out).toBe('');
    expect(err).toBe(`chaos: keepalived config not found: ${file} (CONF_NOT_FOUND)\n`);
  });

  test('a directory is not a config file', async () => {
    const { code, err } = await check(tmp);
    expect(code).toBe(2);
    expect(err).toContain('CONF_NOT_FOUND');
  });

  test('--config-id picks the @ID lines, as keepalived -i', async () => {
    const file = write(
      'conditional.conf',
      [
        'global_defs {',
        '    @main   router_id main_router',
        '    @backup router_id backup_router',
        '}',
        '$IFACE=eth7',
        'vrrp_instance VI_1 {',
        '    interface $IFACE',
        '    virtual_router_id 3',
        '    @main priority 200',
        '    virtual_ipaddress {',
        '        10.0.0.3',
        '    }',
        '}',
        '',
      ].join('\n'),
    );
    const routerOf = async (...args: string[]) => {
      const { code, out } = await check('--json', file, ...args);
      expect(code).toBe(0);
      const config = JSON.parse(out) as {
        globalDefs: { routerId?: string };
        instances: { interface: string; priority: number }[];
      };
      return [
        config.globalDefs.routerId,
        config.instances[0]?.interface,
        config.instances[0]?.priority,
      ];
    };
    expect(await routerOf('--config-id', 'main')).toEqual(['main_router', 'eth7', 200]);
    expect(await routerOf('-i', 'backup')).toEqual(['backup_router', 'eth7', 100]);
  });
});
