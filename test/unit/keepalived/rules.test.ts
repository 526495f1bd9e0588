import { ValidationError, formatDiagnostic } from '../../../src/errors';
import {
  KEEPALIVED_CONFIG_INVALID,
  assertValidKeepalivedConf,
  parseKeepalivedConf,
} from '../../../src/keepalived';

/** An instance block whose body line k (0-based) is file line k + 2, starting at column 5. */
const instance = (body: string[], name = 'VI_1'): string =>
  [`vrrp_instance ${name} {`, ...body.map((l) => `    ${l}`), '}'].join('\n');

const VALID_BODY = [
  'interface eth0',
  'virtual_router_id 51',
  'virtual_ipaddress {',
  '    192.168.17.200',
  '}',
];

/** The valid body with lines added after `interface eth0`; they start at file line 3. */
const withLines = (...lines: string[]): string =>
  instance([VALID_BODY[0] ?? '', ...lines, ...VALID_BODY.slice(1)]);

const diagnostics = (text: string): string[] =>
  parseKeepalivedConf(text, 'k.conf').diagnostics.map(formatDiagnostic);

describe('rules: one problem each, with its exact position', () => {
  test.each<[string, string, string[]]>([
    ['valid', instance(VALID_BODY), []],
    [
      'virtual_router_id missing',
      instance(['interface eth0', 'virtual_ipaddress { 10.0.0.1 }']),
      ['k.conf:1:15: vrrp_instance VI_1: virtual_router_id is required'],
    ],
    [
      'virtual_router_id 0',
      withLines('virtual_router_id 0'),
      ['k.conf:3:23: virtual_router_id: number 0 outside range [1, 255]'],
    ],
    [
      'virtual_router_id 256',
      withLines('virtual_router_id 256'),
      ['k.conf:3:23: virtual_router_id: number 256 outside range [1, 255]'],
    ],
    [
      'virtual_router_id not a number',
      withLines('virtual_router_id 5x'),
      ["k.conf:3:23: virtual_router_id: invalid number '5x'"],
    ],
    [
      'priority 0',
      withLines('priority 0'),
      ['k.conf:3:14: priority: number 0 outside range [1, 255]'],
    ],
    [
      'priority 256',
      withLines('priority 256'),
      ['k.conf:3:14: priority: number 256 outside range [1, 255]'],
    ],
    [
      'priority negative',
      withLines('priority -5'),
      ["k.conf:3:14: priority: negative number '-5'"],
    ],
    ['priority without a value', withLines('priority'), ['k.conf:3:5: priority: missing value']],
    [
      'priority with a block',
      withLines('priority 100 {', '}'),
      ['k.conf:3:18: priority: does not take a { } block'],
    ],
    [
      'advert_int not a number',
      withLines('advert_int fast'),
      ["k.conf:3:16: advert_int: invalid number 'fast'"],
    ],
    [
      'advert_int too long',
      withLines('advert_int 256'),
      ['k.conf:3:16: advert_int: number 256 outside range [0.01, 255]'],
    ],
    [
      'advert_int too precise',
      withLines('advert_int 0.0000001'),
      ["k.conf:3:16: advert_int: number '0.0000001' has too many decimal places (at most 6)"],
    ],
    [
      'interface missing',
      instance(['virtual_router_id 51', 'virtual_ipaddress { 10.0.0.1 }']),
      ['k.conf:1:15: vrrp_instance VI_1: interface is required'],
    ],
    [
      'interface name too long',
      withLines('interface eth0123456789abcd'),
      ["k.conf:3:15: interface: interface name 'eth0123456789abcd' is longer than 15 characters"],
    ],
    [
      'unknown state',
      withLines('state PRIMARY'),
      ["k.conf:3:11: state: unknown state 'PRIMARY' (expected MASTER or BACKUP)"],
    ],
    [
      'unknown track_script',
      withLines('track_script {', '    chk_missing', '}'),
      ["k.conf:4:9: track_script: unknown vrrp_script 'chk_missing'"],
    ],
    [
      'vrrp_script defined after the instance',
      `${withLines('track_script {', '    chk', '}')}\nvrrp_script chk {\n    script /bin/true\n}`,
      [
        "k.conf:4:9: track_script: vrrp_script 'chk' is defined after this instance (line 11); keepalived needs it defined before",
      ],
    ],
    [
      'tracked vrrp_script without a script',
      `vrrp_script chk {\n    interval 2\n}\n${withLines('track_script {', '    chk', '}')}`,
      [
        'k.conf:1:13: vrrp_script chk: no script given',
        "k.conf:7:9: track_script: vrrp_script 'chk' (line 1) is invalid (it has no script), so keepalived drops it",
      ],
    ],
    [
      'track_script weight out of range',
      `vrrp_script chk {\n    script /bin/true\n}\n${withLines('track_script {', '    chk weight 300', '}')}`,
      ['k.conf:7:20: track_script: weight 300 must be in [-253, 253]'],
    ],
    [
      'track_script unknown option',
      `vrrp_script chk {\n    script /bin/true\n}\n${withLines('track_script {', '    chk heavy 3', '}')}`,
      ["k.conf:7:13: track_script: unknown option 'heavy' for 'chk' (expected weight)"],
    ],
    [
      'auth_type PASS without auth_pass',
      withLines('authentication {', '    auth_type PASS', '}'),
      ['k.conf:3:5: vrrp_instance VI_1: auth_type PASS needs an auth_pass'],
    ],
    [
      'unknown auth_type',
      withLines('authentication {', '    auth_type MD5', '    auth_pass 1111', '}'),
      ["k.conf:4:19: auth_type: unknown authentication type 'MD5' (expected PASS or AH)"],
    ],
    [
      'invalid VIP',
      instance([
        'interface eth0',
        'virtual_router_id 51',
        'virtual_ipaddress {',
        '    192.168.17.300',
        '}',
      ]),
      ["k.conf:5:9: virtual_ipaddress: invalid IP address '192.168.17.300'"],
    ],
    [
      'VIP with leading zero',
      instance(['interface eth0', 'virtual_router_id 51', 'virtual_ipaddress { 10.0.0.01 }']),
      ["k.conf:4:25: virtual_ipaddress: invalid IP address '10.0.0.01'"],
    ],
    [
      'VIP prefix 33',
      instance(['interface eth0', 'virtual_router_id 51', 'virtual_ipaddress { 10.0.0.1/33 }']),
      ["k.conf:4:25: virtual_ipaddress: invalid prefix length '33' in 10.0.0.1/33 (0..32)"],
    ],
    [
      'VIP dev without a value',
      instance(['interface eth0', 'virtual_router_id 51', 'virtual_ipaddress { 10.0.0.1 dev }']),
      ["k.conf:4:34: virtual_ipaddress: 'dev' needs a value (for 10.0.0.1)"],
    ],
    [
      'VIP with two slashes',
      instance(['interface eth0', 'virtual_router_id 51', 'virtual_ipaddress { 10.0.0.1/24/8 }']),
      ["k.conf:4:25: virtual_ipaddress: invalid prefix length '24/8' in 10.0.0.1/24/8 (0..32)"],
    ],
    [
      'keywords named like Object members',
      withLines('toString 1', 'virtual_ipaddress { 10.0.0.2 constructor }'),
      [
        "k.conf:3:5: warning: vrrp_instance VI_1: unknown keyword 'toString' (ignored)",
        "k.conf:4:34: warning: virtual_ipaddress: unknown option 'constructor' for 10.0.0.2 (ignored)",
      ],
    ],
    [
      'IPv6 VIP',
      instance(['interface eth0', 'virtual_router_id 51', 'virtual_ipaddress { fe80::1 }']),
      ['k.conf:4:25: virtual_ipaddress: IPv6 address fe80::1 is not supported by chaos'],
    ],
    [
      'invalid unicast_src_ip',
      withLines('unicast_src_ip 10.0.0', 'unicast_peer { 10.0.0.2 }'),
      ["k.conf:3:20: unicast_src_ip: invalid IP address '10.0.0'"],
    ],
    [
      'invalid unicast_peer',
      withLines('unicast_peer {', '    peer-one', '}'),
      ["k.conf:4:9: unicast_peer: invalid IP address 'peer-one'"],
    ],
    [
      'virtual_ipaddress without a block',
      instance(['interface eth0', 'virtual_router_id 51', 'virtual_ipaddress 10.0.0.1']),
      ['k.conf:4:5: virtual_ipaddress: missing { } block'],
    ],
    [
      'block never closed',
      'vrrp_instance VI_1 {\n    interface eth0\n    virtual_router_id 51\n    virtual_ipaddress {\n        10.0.0.1\n    }\n',
      ["k.conf:1:1: block 'vrrp_instance VI_1' opened here is never closed (missing '}')"],
    ],
    [
      'inner block never closed',
      'global_defs {\n    notification_email {\n        a@b\n}\n',
      ["k.conf:1:1: block 'global_defs' opened here is never closed (missing '}')"],
    ],
    ['extra }', `${instance(VALID_BODY)}\n}`, ["k.conf:8:1: unexpected '}' with no open block"]],
    [
      '{ with no keyword',
      `${instance(VALID_BODY)}\n{\n}`,
      ["k.conf:8:1: unexpected '{' with no keyword before it"],
    ],
    [
      'unterminated quote',
      withLines('notify_master "/bin/x.sh master'),
      ['k.conf:3:19: unterminated quoted string (missing closing ")'],
    ],
    [
      'duplicate instance',
      `${instance(VALID_BODY)}\n${instance(['interface eth1', 'virtual_router_id 52', 'virtual_ipaddress { 10.0.0.2 }'])}`,
      ["k.conf:8:15: duplicate vrrp_instance 'VI_1' (first defined at k.conf:1:15)"],
    ],
    ['instance without a name', 'vrrp_instance {\n}', ['k.conf:1:1: vrrp_instance: missing name']],
    [
      'one VRID twice on one interface',
      `${instance(VALID_BODY)}\n${instance(['interface eth0', 'virtual_router_id 51', 'virtual_ipaddress { 10.0.0.2 }'], 'VI_2')}`,
      ['k.conf:8:15: vrrp_instance VI_2: VI_1 and VI_2 both use VRID 51 on interface eth0'],
    ],
    [
      'vrrp_script without script',
      'vrrp_script chk {\n    interval 2\n}',
      ['k.conf:1:13: vrrp_script chk: no script given'],
    ],
    [
      'vrrp_script fractional interval',
      'vrrp_script chk {\n    script /bin/true\n    interval 0.5\n}',
      ["k.conf:3:14: interval: invalid number '0.5'"],
    ],
    [
      'vrrp_script weight out of range',
      'vrrp_script chk {\n    script /bin/true\n    weight -254\n}',
      ['k.conf:3:12: weight: number -254 outside range [-253, 253]'],
    ],
    [
      'vrrp_script rise 0',
      'vrrp_script chk {\n    script /bin/true\n    rise 0\n}',
      ['k.conf:3:10: rise: number 0 outside range [1, 2147483647]'],
    ],
    [
      'sync group with an unknown instance',
      `${instance(VALID_BODY)}\nvrrp_sync_group G {\n    group {\n        VI_1\n        VI_9\n    }\n}`,
      ["k.conf:11:9: vrrp_sync_group G: vrrp_instance 'VI_9' does not exist"],
    ],
    [
      'vrrp_version 4',
      'global_defs {\n    vrrp_version 4\n}',
      ['k.conf:2:18: vrrp_version: number 4 outside range [2, 3]'],
    ],
    [
      'duplicate vrrp_script',
      'vrrp_script chk {\n    script /bin/a\n}\nvrrp_script chk {\n    script /bin/b\n}',
      ["k.conf:4:13: duplicate vrrp_script 'chk'"],
    ],
    [
      'an instance in two sync groups',
      `${instance(VALID_BODY)}\n${instance(['interface eth0', 'virtual_router_id 52', 'virtual_ipaddress { 10.0.0.2 }'], 'VI_2')}\nvrrp_sync_group A {\n    group { VI_1 VI_2 }\n}\nvrrp_sync_group B {\n    group { VI_2 VI_1 }\n}`,
      [
        "k.conf:17:13: vrrp_sync_group B: vrrp_instance 'VI_2' is already in sync group A",
        "k.conf:17:18: vrrp_sync_group B: vrrp_instance 'VI_1' is already in sync group A",
      ],
    ],
    [
      'a sync group without group',
      'vrrp_sync_group G {\n    smtp_alert\n}',
      ['k.conf:1:17: vrrp_sync_group G: no group { } of instances'],
    ],
    [
      'smtp_alert with a bad value',
      withLines('smtp_alert maybe'),
      ["k.conf:3:16: smtp_alert: invalid boolean 'maybe' (expected yes/no, on/off, true/false)"],
    ],
  ])('%s', (_name, text, expected) => {
    expect(diagnostics(text)).toEqual(expected);
  });
});

describe('warnings: keepalived accepts these but says so', () => {
  test.each<[string, string, string[]]>([
    [
      'unknown keyword',
      withLines('frobnicate 3'),
      ["k.conf:3:5: warning: vrrp_instance VI_1: unknown keyword 'frobnicate' (ignored)"],
    ],
    [
      'unknown top-level keyword',
      `${instance(VALID_BODY)}\nvrrp_thing X {\n    a b\n}`,
      ["k.conf:8:1: warning: top level: unknown keyword 'vrrp_thing' (ignored)"],
    ],
    [
      'keyword chaos does not model',
      withLines('use_vmac'),
      ["k.conf:3:5: warning: vrrp_instance VI_1: 'use_vmac' is not modelled by chaos (ignored)"],
    ],
    [
      'unknown global keyword',
      'global_defs {\n    bogus_kw 1 2\n}',
      ["k.conf:2:5: warning: global_defs: unknown keyword 'bogus_kw' (ignored)"],
    ],
    [
      'VRRPv3 with authentication',
      withLines('version 3', 'authentication {', '    auth_type PASS', '    auth_pass 1111', '}'),
      [
        'k.conf:4:5: warning: vrrp_instance VI_1: VRRP version 3 does not support authentication; keepalived ignores it',
      ],
    ],
    [
      'VRRPv2 half-second advert',
      withLines('advert_int 0.5'),
      [
        'k.conf:3:16: warning: vrrp_instance VI_1: VRRPv2 advert_int must be whole seconds; keepalived rounds 0.5 s to 1 s',
      ],
    ],
    [
      'VRRPv3 advert not in 10 ms',
      withLines('version 3', 'advert_int 0.123'),
      [
        'k.conf:4:16: warning: vrrp_instance VI_1: VRRPv3 advert_int must be a multiple of 10 ms; keepalived rounds 0.123 s to 0.12 s',
      ],
    ],
    [
      'auth_pass longer than 8',
      withLines('authentication {', '    auth_type PASS', '    auth_pass secret123456', '}'),
      ["k.conf:5:19: warning: auth_pass: keepalived truncates it to 8 characters ('secret12')"],
    ],
    [
      'nopreempt with state MASTER',
      withLines('state MASTER', 'priority 100', 'nopreempt'),
      [
        'k.conf:5:5: warning: vrrp_instance VI_1: nopreempt does not work with state MASTER; keepalived ignores it',
      ],
    ],
    [
      'preempt_delay with nopreempt',
      withLines('nopreempt', 'preempt_delay 10'),
      [
        'k.conf:4:19: warning: vrrp_instance VI_1: preempt_delay does not work with nopreempt; keepalived ignores it',
      ],
    ],
    [
      'no VIP',
      instance(['interface eth0', 'virtual_router_id 51']),
      ['k.conf:1:15: warning: vrrp_instance VI_1: no virtual_ipaddress; at least one is sensible'],
    ],
    [
      'unicast_src_ip without peers',
      withLines('unicast_src_ip 10.0.0.1'),
      [
        'k.conf:3:5: warning: vrrp_instance VI_1: unicast configured without unicast_peer; keepalived falls back to multicast (deprecated)',
      ],
    ],
    [
      'script with unquoted arguments',
      'vrrp_script chk {\n    script /usr/bin/killall -0 nginx\n}',
      [
        "k.conf:2:29: warning: script: keepalived ignores everything after '/usr/bin/killall'; quote the whole command line",
      ],
    ],
    [
      'sync group of one',
      `${instance(VALID_BODY)}\nvrrp_sync_group G {\n    group { VI_1 }\n}`,
      [
        'k.conf:8:17: warning: vrrp_sync_group G: only one instance; this is probably not what you want',
      ],
    ],
    [
      'state BACKUP after MASTER',
      withLines('state MASTER', 'priority 100', 'state BACKUP'),
      ['k.conf:5:11: warning: state: previously set to MASTER; keepalived ignores BACKUP'],
    ],
    [
      'second notify_master',
      withLines('notify_master /bin/a', 'notify_master /bin/b'),
      ['k.conf:4:5: warning: notify_master: already given; keepalived keeps the first one'],
    ],
    [
      'garp_master_repeat 0',
      withLines('garp_master_repeat 0'),
      ['k.conf:3:24: warning: garp_master_repeat: must be greater than 0, keepalived uses 1'],
    ],
    [
      'include matching nothing',
      'include /nowhere/*.conf',
      ['k.conf:1:1: warning: include /nowhere/*.conf: no files match (nothing included)'],
    ],
  ])('%s', (_name, text, expected) => {
    expect(diagnostics(text)).toEqual(expected);
  });

  test('an unknown keyword with a block is skipped whole and parsing goes on', () => {
    const result = parseKeepalivedConf(
      withLines('frobnicate {', '    priority 1', '    nested { x }', '}', 'priority 200'),
      'k.conf',
    );
    expect(result.diagnostics.map(formatDiagnostic)).toEqual([
      "k.conf:3:5: warning: vrrp_instance VI_1: unknown keyword 'frobnicate' (ignored)",
    ]);
    expect(result.config.instances[0]?.priority).toBe(200);
  });
});

describe('many problems at once', () => {
  const text = [
    'global_defs {', //                1
    '    router_id R1', //             2
    '    bogus_kw', //                 3
    '}', //                            4
    'vrrp_instance VI_1 {', //         5
    '    state MASTERR', //            6
    '    virtual_router_id 300', //    7
    '    priority high', //            8
    '    virtual_ipaddress {', //      9
    '        10.0.0.1/24 dev eth0 label eth0:1', // 10
    '        10.0.0.999', //           11
    '    }', //                        12
    '    track_script {', //           13
    '        nothere', //              14
    '    }', //                        15
    '}', //                            16
    'vrrp_instance VI_2 {', //         17
    '    interface eth0', //           18
  ].join('\n');

  test('every error and warning is reported, in file order', () => {
    expect(diagnostics(text)).toEqual([
      "k.conf:3:5: warning: global_defs: unknown keyword 'bogus_kw' (ignored)",
      'k.conf:5:15: vrrp_instance VI_1: interface is required',
      "k.conf:6:11: state: unknown state 'MASTERR' (expected MASTER or BACKUP)",
      'k.conf:7:23: virtual_router_id: number 300 outside range [1, 255]',
      "k.conf:8:14: priority: invalid number 'high'",
      "k.conf:11:9: virtual_ipaddress: invalid IP address '10.0.0.999'",
      "k.conf:14:9: track_script: unknown vrrp_script 'nothere'",
      "k.conf:17:1: block 'vrrp_instance VI_2' opened here is never closed (missing '}')",
      'k.conf:17:15: vrrp_instance VI_2: virtual_router_id is required',
      'k.conf:17:15: warning: vrrp_instance VI_2: no virtual_ipaddress; at least one is sensible',
    ]);
  });

  test('assertValidKeepalivedConf throws one ValidationError carrying them all', () => {
    const result = parseKeepalivedConf(text, 'k.conf');
    let thrown: unknown;
    try {
      assertValidKeepalivedConf(result);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ValidationError);
    const error = thrown as ValidationError;
    expect(error.code).toBe(KEEPALIVED_CONFIG_INVALID);
    expect(error.diagnostics).toEqual(result.diagnostics);
    expect(error.diagnostics.filter((d) => d.severity === 'error')).toHaveLength(8);
    expect(error.message.split('\n')[0]).toBe(
      "k.conf:3:5: warning: global_defs: unknown keyword 'bogus_kw' (ignored)",
    );
  });

  test('a config with only warnings is valid', () => {
    const result = parseKeepalivedConf(withLines('frobnicate 3'), 'k.conf');
    expect(assertValidKeepalivedConf(result).instances).toHaveLength(1);
  });
});

describe("keepalived's derived defaults", () => {
  const only = (text: string) => {
    const result = parseKeepalivedConf(text, 'k.conf');
    expect(result.errors).toEqual([]);
    const first = result.config.instances[0];
    if (!first) throw new Error('no instance');
    return { instance: first, result };
  };

  test.each<[string, string[], Record<string, unknown>]>([
    [
      'state MASTER without priority is the address owner',
      ['state MASTER'],
      { initialState: 'MASTER', priority: 255 },
    ],
    [
      'priority 255 without state starts as MASTER',
      ['priority 255'],
      { initialState: 'MASTER', priority: 255 },
    ],
    ['neither: BACKUP at 100', [], { initialState: 'BACKUP', priority: 100 }],
    [
      'VRRPv3 keeps sub-second adverts',
      ['version 3', 'advert_int 0.1'],
      { version: 3, advertIntervalMs: 100 },
    ],
    ['VRRPv2 rounds 1.5 s up', ['advert_int 1.5'], { advertIntervalMs: 2000 }],
    ['VRRPv2 never rounds to 0', ['advert_int 0.2'], { advertIntervalMs: 1000 }],
    ['preempt_delay in seconds, fractional', ['preempt_delay 2.5'], { preemptDelayMs: 2500 }],
    [
      'garp settings per instance',
      ['garp_master_delay 10', 'garp_master_repeat 3', 'garp_master_refresh 60'],
      { garpMasterDelayMs: 10_000, garpMasterRepeat: 3, garpMasterRefreshMs: 60_000 },
    ],
    ['preempt undoes nopreempt', ['nopreempt', 'preempt'], { preempt: true }],
    [
      'mcast_src_ip sets the source address',
      ['mcast_src_ip 10.0.0.9'],
      { unicastSrcIp: '10.0.0.9', unicastPeers: [] },
    ],
    [
      'notify scripts, quoted with arguments',
      ['notify_master "/etc/keepalived/notify.sh master"', 'notify /etc/keepalived/all.sh'],
      { notify: { master: '/etc/keepalived/notify.sh master', any: '/etc/keepalived/all.sh' } },
    ],
    [
      'auth_pass truncated to 8',
      ['authentication {', '    auth_type AH', '    auth_pass 123456789', '}'],
      { auth: { type: 'AH', password: '12345678' } },
    ],
  ])('%s', (_name, lines, expected) => {
    expect(only(withLines(...lines)).instance).toMatchObject(expected);
  });

  test('VIP forms: prefix, dev, label', () => {
    const { instance: vi } = only(
      instance([
        'interface eth0',
        'virtual_router_id 51',
        'virtual_ipaddress {',
        '    192.168.17.200',
        '    10.0.0.1/24 dev eth1 label eth1:vip',
        '    10.0.0.2/16 dev eth1',
        '}',
      ]),
    );
    expect(vi.vips).toStrictEqual([
      { address: '192.168.17.200', prefixLength: 32 },
      { address: '10.0.0.1', prefixLength: 24, device: 'eth1', label: 'eth1:vip' },
      { address: '10.0.0.2', prefixLength: 16, device: 'eth1' },
    ]);
  });

  test('global_defs set the version and garp defaults of instances', () => {
    const { instance: vi, result } = only(
      `global_defs {\n    vrrp_version 3\n    vrrp_garp_master_delay 1\n    vrrp_garp_master_repeat 2\n    vrrp_garp_master_refresh 30\n}\n${instance(VALID_BODY)}`,
    );
    expect(vi).toMatchObject({
      version: 3,
      garpMasterDelayMs: 1000,
      garpMasterRepeat: 2,
      garpMasterRefreshMs: 30_000,
    });
    expect(result.config.globalDefs).toMatchObject({ vrrpVersion: 3, vrrpGarpMasterDelayMs: 1000 });
  });

  test('vrrp_script defaults: interval 1 s, timeout = interval, fall/rise 1, weight 0', () => {
    const { instance: vi, result } = only(
      `vrrp_script a {\n    script "killall -0 nginx"\n}\nvrrp_script b {\n    script /bin/b\n    interval 2\n    timeout 5\n    fall 3\n    rise 2\n    weight -20\n    user nobody nogroup\n}\n${withLines('track_script {', '    a', '    b weight 10', '}')}`,
    );
    expect(result.config.scripts).toStrictEqual({
      a: {
        name: 'a',
        script: 'killall -0 nginx',
        intervalMs: 1000,
        timeoutMs: 1000,
        fall: 1,
        rise: 1,
        weight: 0,
      },
      b: {
        name: 'b',
        script: '/bin/b',
        intervalMs: 2000,
        timeoutMs: 5000,
        fall: 3,
        rise: 2,
        weight: -20,
        user: 'nobody nogroup',
      },
    });
    expect(vi.trackScripts.map((t) => [t.name, t.weight])).toEqual([
      ['a', 0],
      ['b', 10],
    ]);
  });

  test('instance options and sync groups', () => {
    const { result } = only(
      `${withLines('smtp_alert', 'dont_track_primary', 'track_interface {', '    eth1 weight -10', '    eth2', '}')}\n${instance(['interface eth0', 'virtual_router_id 52', 'virtual_ipaddress { 10.0.0.2 }'], 'VI_2')}\nvrrp_sync_group G1 {\n    group { VI_1 VI_2 }\n    notify_master /bin/m.sh\n    smtp_alert\n}`,
    );
    expect(result.config.instanceOptions.VI_1).toStrictEqual({
      smtpAlert: true,
      dontTrackPrimary: true,
      trackInterfaces: [
        { name: 'eth1', weight: 0 },
        { name: 'eth2', weight: 0 },
      ],
    });
    expect(result.config.syncGroups).toStrictEqual([
      {
        name: 'G1',
        instances: ['VI_1', 'VI_2'],
        notify: { master: '/bin/m.sh' },
        smtpAlert: true,
        trackingWeight: false,
      },
    ]);
  });
});

describe('tracking weights keepalived ignores', () => {
  const scriptBlock = 'vrrp_script chk {\n    script /bin/true\n    weight -20\n}';
  const tracked = (name: string, vrid: number, extra: string[] = []): string =>
    instance(
      [
        'interface eth0',
        `virtual_router_id ${vrid}`,
        ...extra,
        'virtual_ipaddress { 10.0.0.1 }',
        'track_script {',
        '    chk',
        '}',
        'track_interface {',
        '    eth1 weight 5',
        '}',
      ],
      name,
    );

  test('the address owner drops weighted track_script and track_interface', () => {
    const result = parseKeepalivedConf(
      `${scriptBlock}\n${tracked('VI_1', 1, ['priority 255'])}`,
      'k.conf',
    );
    expect(result.diagnostics.map(formatDiagnostic)).toEqual([
      'k.conf:11:9: warning: vrrp_instance VI_1: keepalived ignores track_script chk with weight -20 because it is the address owner (priority 255)',
      'k.conf:14:9: warning: vrrp_instance VI_1: keepalived ignores track_interface eth1 with weight 5 because it is the address owner (priority 255)',
    ]);
    expect(result.config.instances[0]?.trackScripts).toEqual([]);
    expect(result.config.instanceOptions.VI_1?.trackInterfaces).toEqual([]);
  });

  test('sync group members drop weighted scripts and zero interface weights', () => {
    const text = `${scriptBlock}\n${tracked('VI_1', 1)}\n${tracked('VI_2', 2)}\nvrrp_sync_group G {\n    group { VI_1 VI_2 }\n}`;
    const result = parseKeepalivedConf(text, 'k.conf');
    expect(result.errors).toEqual([]);
    expect(result.warnings.map((w) => w.message)).toEqual([
      'vrrp_instance VI_1: keepalived ignores track_script chk with weight -20 because it is in vrrp_sync_group G (without sync_group_tracking_weight)',
      'vrrp_instance VI_1: keepalived uses weight 0 for track_interface eth1 because it is in vrrp_sync_group G (without sync_group_tracking_weight)',
      'vrrp_instance VI_2: keepalived ignores track_script chk with weight -20 because it is in vrrp_sync_group G (without sync_group_tracking_weight)',
      'vrrp_instance VI_2: keepalived uses weight 0 for track_interface eth1 because it is in vrrp_sync_group G (without sync_group_tracking_weight)',
    ]);
    expect(result.config.instanceOptions.VI_2?.trackInterfaces).toEqual([
      { name: 'eth1', weight: 0 },
    ]);
  });

  test('sync_group_tracking_weight keeps them', () => {
    const text = `${scriptBlock}\n${tracked('VI_1', 1)}\n${tracked('VI_2', 2)}\nvrrp_sync_group G {\n    group { VI_1 VI_2 }\n    sync_group_tracking_weight\n}`;
    const result = parseKeepalivedConf(text, 'k.conf');
    expect(result.diagnostics).toEqual([]);
    expect(result.config.instances.map((i) => i.trackScripts.map((t) => t.weight))).toEqual([
      [-20],
      [-20],
    ]);
    expect(result.config.syncGroups[0]?.trackingWeight).toBe(true);
  });
});
