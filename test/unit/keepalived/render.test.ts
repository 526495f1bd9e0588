import fs from 'node:fs';
import path from 'node:path';
import { InputError } from '../../../src/errors';
import { parseKeepalivedConf, renderKeepalivedConf } from '../../../src/keepalived';
import type { GlobalDefs, KeepalivedVip } from '../../../src/keepalived';
import { defaultGlobals } from '../../../src/keepalived/normalise';
import { instanceConfig } from '../../../src/vrrp/config';
import type { InstanceConfig, VrrpScriptConfig } from '../../../src/vrrp/config';

const checkNginx: VrrpScriptConfig = {
  name: 'check_nginx',
  script: '/etc/keepalived/check_nginx.sh',
  intervalMs: 3000,
  timeoutMs: 3000,
  fall: 1,
  rise: 1,
  weight: 0,
};

const killall: VrrpScriptConfig = {
  name: 'chk_haproxy',
  script: 'killall -0 haproxy',
  intervalMs: 2000,
  timeoutMs: 5000,
  fall: 3,
  rise: 2,
  weight: -30,
  user: 'nobody nogroup',
};

const labelled: KeepalivedVip = {
  address: '10.1.0.10',
  prefixLength: 24,
  device: 'eth1',
  label: 'eth1:vip',
};

const server01 = instanceConfig({
  name: 'VI_1',
  vrid: 51,
  initialState: 'MASTER',
  auth: { type: 'PASS', password: '1111' },
  vips: [{ address: '192.168.17.200', prefixLength: 32 }],
});

/** Parse rendered text back; it must be clean. */
function reparse(text: string) {
  const result = parseKeepalivedConf(text, 'rendered.conf');
  expect(result.diagnostics).toEqual([]);
  return result.config;
}

describe('renderKeepalivedConf round trip: parse(render(x)) equals x', () => {
  test.each<[string, InstanceConfig[], VrrpScriptConfig[]]>([
    ['the seed master', [server01], []],
    [
      'the seed backup with check_nginx',
      [
        {
          ...server01,
          initialState: 'BACKUP',
          trackScripts: [{ name: 'check_nginx', weight: 0, script: checkNginx }],
        },
      ],
      [checkNginx],
    ],
    [
      'unicast',
      [
        {
          ...server01,
          unicastSrcIp: '192.168.17.102',
          unicastPeers: ['192.168.17.101', '192.168.17.103'],
        },
      ],
      [],
    ],
    ['a source address without peers', [{ ...server01, unicastSrcIp: '192.168.17.102' }], []],
    ['nopreempt backup', [{ ...server01, initialState: 'BACKUP', preempt: false }], []],
    [
      'preempt delay',
      [{ ...server01, initialState: 'BACKUP', priority: 90, preemptDelayMs: 2500 }],
      [],
    ],
    [
      'VRRPv3 sub-second, no auth, custom garp',
      [
        instanceConfig({
          name: 'VI_3',
          vrid: 3,
          version: 3,
          advertIntervalMs: 100,
          vips: [{ address: '10.0.0.3', prefixLength: 32 }],
          garpMasterDelayMs: 0,
          garpMasterRepeat: 1,
          garpMasterRefreshMs: 60_000,
        }),
      ],
      [],
    ],
    [
      'AH, labelled VIPs, weights, notify with arguments, a quoted name',
      [
        instanceConfig({
          name: 'VI 7',
          vrid: 7,
          interface: 'eth1',
          priority: 254,
          initialState: 'BACKUP',
          advertIntervalMs: 3000,
          auth: { type: 'AH', password: 'p#ss' },
          vips: [labelled, { address: '10.1.0.11', prefixLength: 32, device: 'eth1' }],
          trackScripts: [
            { name: 'chk_haproxy', weight: -30, script: killall },
            { name: 'check_nginx', weight: 20, script: checkNginx },
          ],
          notify: {
            master: '/etc/keepalived/notify.sh master',
            backup: '/bin/b',
            fault: '/bin/f',
            stop: '/bin/s',
            any: '/bin/any',
          },
        }),
      ],
      [killall],
    ],
    [
      'two instances sharing a script',
      [
        { ...server01, trackScripts: [{ name: 'check_nginx', weight: 0, script: checkNginx }] },
        instanceConfig({
          name: 'VI_2',
          vrid: 52,
          vips: [{ address: '192.168.17.201', prefixLength: 32 }],
          trackScripts: [{ name: 'check_nginx', weight: 5, script: checkNginx }],
        }),
      ],
      [],
    ],
  ])('%s', (_name, instances, scripts) => {
    const config = reparse(renderKeepalivedConf(instances, scripts));
    expect(config.instances).toStrictEqual(instances);
    const expectedScripts = Object.fromEntries(
      [...scripts, ...instances.flatMap((i) => i.trackScripts.map((t) => t.script))].map((s) => [
        s.name,
        s,
      ]),
    );
    expect(config.scripts).toStrictEqual(expectedScripts);
  });

  test('global_defs round trip', () => {
    const globals: GlobalDefs = {
      routerId: 'server01',
      notificationEmail: ['ops@example.com', 'oncall@example.com'],
      notificationEmailFrom: 'keepalived@example.com',
      smtpServer: { host: '192.168.200.1', port: 2525 },
      smtpConnectTimeoutMs: 10_000,
      enableScriptSecurity: true,
      scriptUser: { user: 'keepalived_script', group: 'nogroup' },
      vrrpVersion: 3,
      vrrpGarpMasterRepeat: 2,
      vrrpGarpMasterDelayMs: 1000,
      vrrpGarpMasterRefreshMs: 30_000,
      vrrpStrict: false,
      vrrpSkipCheckAdvAddr: true,
    };
    const vi = instanceConfig({ vrid: 9, vips: [{ address: '10.0.0.9', prefixLength: 32 }] });
    const config = reparse(renderKeepalivedConf([vi], [], globals));
    expect(config.globalDefs).toStrictEqual(globals);
    expect(config.instances).toStrictEqual([vi]);
  });

  test('partial globals: the rest are keepalived defaults', () => {
    const config = reparse(renderKeepalivedConf([server01], {}, { routerId: 'r1' }));
    expect(config.globalDefs).toStrictEqual({ ...defaultGlobals(), routerId: 'r1' });
  });

  test('strict mode round trip (owner MASTER, no auth)', () => {
    const vi = instanceConfig({
      vrid: 10,
      priority: 255,
      initialState: 'MASTER',
      vips: [{ address: '10.0.0.10', prefixLength: 32 }],
    });
    const config = reparse(renderKeepalivedConf([vi], [], { vrrpStrict: true }));
    expect(config.instances).toStrictEqual([vi]);
  });

  test('the seed master renders as a plain keepalived.conf', () => {
    expect(renderKeepalivedConf([server01], [], { routerId: 'LVS_DEVEL' })).toBe(
      [
        '! keepalived.conf generated by chaos',
        'global_defs {',
        '    router_id LVS_DEVEL',
        '}',
        'vrrp_instance VI_1 {',
        '    state MASTER',
        '    interface eth0',
        '    virtual_router_id 51',
        '    priority 100',
        '    version 2',
        '    advert_int 1',
        '    garp_master_delay 5',
        '    garp_master_repeat 5',
        '    garp_master_refresh 0',
        '    authentication {',
        '        auth_type PASS',
        '        auth_pass 1111',
        '    }',
        '    virtual_ipaddress {',
        '        192.168.17.200',
        '    }',
        '}',
        '',
      ].join('\n'),
    );
  });

  test('the seed fixtures survive parse -> render -> parse', () => {
    const dir = path.join(__dirname, '../../fixtures/keepalived');
    for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.conf'))) {
      const first = parseKeepalivedConf(fs.readFileSync(path.join(dir, file), 'utf8'), file).config;
      const again = reparse(renderKeepalivedConf(first.instances, first.scripts, first.globalDefs));
      expect({ file, config: again }).toStrictEqual({ file, config: first });
    }
  });
});

describe('renderKeepalivedConf refuses what keepalived would change', () => {
  test.each<[string, InstanceConfig, string]>([
    [
      'half-second VRRPv2 adverts',
      { ...server01, advertIntervalMs: 500 },
      'VRRPv2 advert interval 500 ms is not whole seconds in [1, 255]',
    ],
    [
      'VRRPv3 adverts of 15 ms',
      { ...server01, version: 3, auth: null, advertIntervalMs: 15 },
      'VRRPv3 advert interval 15 ms is not a multiple of 10 ms',
    ],
    [
      'authentication with VRRPv3',
      { ...server01, version: 3 },
      'authentication is ignored by VRRPv3',
    ],
    [
      'nopreempt with state MASTER',
      { ...server01, preempt: false },
      'nopreempt with state MASTER or priority 255',
    ],
    [
      'preempt delay with state MASTER',
      { ...server01, preemptDelayMs: 1000 },
      'preempt_delay with state MASTER',
    ],
    ['vrid 0', { ...server01, vrid: 0 }, 'vrid 0 outside [1, 255]'],
    [
      'a weighted script on the address owner',
      {
        ...server01,
        priority: 255,
        trackScripts: [{ name: 'check_nginx', weight: -10, script: checkNginx }],
      },
      'a weighted track_script on the address owner (priority 255)',
    ],
    [
      'garp delay of 1.5 s',
      { ...server01, garpMasterDelayMs: 1500 },
      'garp_master_delay: 1500 ms is not whole seconds',
    ],
    [
      'vrrp-only checksum',
      { ...server01, v3Checksum: 'vrrp-only' },
      "keepalived cannot use the 'vrrp-only' VRRPv3 checksum",
    ],
    [
      'a quote in a word',
      { ...server01, notify: { master: '/bin/say "hi"' } },
      'a keepalived word cannot contain a double quote',
    ],
    [
      'a 9-character password',
      { ...server01, auth: { type: 'PASS', password: '123456789' } },
      'auth password must be 1 to 8 characters',
    ],
  ])('%s', (_name, instance, message) => {
    expect(() => renderKeepalivedConf([instance])).toThrow(InputError);
    expect(() => renderKeepalivedConf([instance])).toThrow(message);
  });

  test('every problem is listed at once', () => {
    let message = '';
    try {
      renderKeepalivedConf(
        [{ ...server01, vrid: 0, priority: 0 }],
        [{ ...checkNginx, intervalMs: 500 }],
      );
    } catch (error) {
      message = error instanceof Error ? error.message : '';
    }
    expect(message).toContain('vrrp_script check_nginx: interval 500 ms is below');
    expect(message).toContain('vrrp_instance VI_1: vrid 0 outside [1, 255]');
    expect(message).toContain('vrrp_instance VI_1: priority 0 outside [1, 255]');
    expect(message).toContain('(KEEPALIVED_UNRENDERABLE)');
  });
});
