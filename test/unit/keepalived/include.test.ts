import { InputError } from '../../../src/errors';
import { formatDiagnostic } from '../../../src/errors';
import { loadKeepalivedConf, memorySource } from '../../../src/keepalived';
import { loadTokens } from '../../../src/keepalived/include';

const instance = (name: string, vrid: number, vip: string): string =>
  `vrrp_instance ${name} {\n  interface eth0\n  virtual_router_id ${vrid}\n  virtual_ipaddress {\n    ${vip}\n  }\n}\n`;

const formatted = (file: string, files: Record<string, string>): string[] =>
  loadKeepalivedConf(file, memorySource(files)).diagnostics.map(formatDiagnostic);

describe('include', () => {
  test('a glob relative to the including file, matches in sorted order', () => {
    const result = loadKeepalivedConf(
      '/etc/keepalived/keepalived.conf',
      memorySource({
        '/etc/keepalived/keepalived.conf': '! main\ninclude conf.d/*.conf\n',
        '/etc/keepalived/conf.d/20-second.conf': instance('VI_2', 2, '10.0.0.2'),
        '/etc/keepalived/conf.d/10-first.conf': instance('VI_1', 1, '10.0.0.1'),
        '/etc/keepalived/conf.d/README': 'not a config',
      }),
    );
    expect(result.diagnostics).toEqual([]);
    expect(result.config.instances.map((i) => i.name)).toEqual(['VI_1', 'VI_2']);
    expect(result.files).toEqual([
      '/etc/keepalived/keepalived.conf',
      '/etc/keepalived/conf.d/10-first.conf',
      '/etc/keepalived/conf.d/20-second.conf',
    ]);
  });

  test('nested includes resolve against their own directory; tokens keep their file', () => {
    const source = memorySource({
      '/k/main.conf': 'include sub/a.conf\n',
      '/k/sub/a.conf': 'vrrp_instance VI_1 {\n  include parts/body.conf\n}\n',
      '/k/sub/parts/body.conf':
        'interface eth0\nvirtual_router_id 7\nvirtual_ipaddress { 10.0.0.7 }\n',
    });
    const loaded = loadTokens('/k/main.conf', source);
    expect(loaded.tokens.map((t) => `${t.file}:${t.line}:${t.col} ${t.text}`)).toEqual([
      '/k/sub/a.conf:1:1 vrrp_instance',
      '/k/sub/a.conf:1:15 VI_1',
      '/k/sub/a.conf:1:20 {',
      '/k/sub/parts/body.conf:1:1 interface',
      '/k/sub/parts/body.conf:1:11 eth0',
      '/k/sub/parts/body.conf:2:1 virtual_router_id',
      '/k/sub/parts/body.conf:2:19 7',
      '/k/sub/parts/body.conf:3:1 virtual_ipaddress',
      '/k/sub/parts/body.conf:3:19 {',
      '/k/sub/parts/body.conf:3:21 10.0.0.7',
      '/k/sub/parts/body.conf:3:30 }',
      '/k/sub/a.conf:3:1 }',
    ]);
    const result = loadKeepalivedConf('/k/main.conf', source);
    expect(result.diagnostics).toEqual([]);
    expect(result.config.instances[0]).toMatchObject({ name: 'VI_1', vrid: 7, interface: 'eth0' });
  });

  test('relative entry paths stay relative in diagnostics', () => {
    expect(
      formatted('conf/keepalived.conf', {
        'conf/keepalived.conf': 'include extra.conf\n',
        'conf/extra.conf': 'bogus 1\n',
      }),
    ).toEqual(["conf/extra.conf:1:1: warning: top level: unknown keyword 'bogus' (ignored)"]);
  });

  test.each<[string, Record<string, string>, string[]]>([
    [
      'a glob that matches nothing is a warning',
      { '/k/main.conf': 'include conf.d/*.conf\n' },
      ['/k/main.conf:1:1: warning: include conf.d/*.conf: no files match (nothing included)'],
    ],
    [
      'a missing literal file is an error',
      { '/k/main.conf': '\n  include missing.conf\n' },
      ['/k/main.conf:2:3: include missing.conf: file not found: /k/missing.conf'],
    ],
    [
      'a file including itself',
      { '/k/main.conf': 'include main.conf\n' },
      ['/k/main.conf:1:1: include cycle: /k/main.conf -> /k/main.conf'],
    ],
    [
      'a cycle through two files',
      {
        '/k/main.conf': 'include a.conf\n',
        '/k/a.conf': 'include b.conf\n',
        '/k/b.conf': '# back\ninclude a.conf\n',
      },
      ['/k/b.conf:2:1: include cycle: /k/a.conf -> /k/b.conf -> /k/a.conf'],
    ],
    [
      'a cycle through a glob',
      { '/k/main.conf': 'include d/*.conf\n', '/k/d/x.conf': 'include ../main.conf\n' },
      ['/k/d/x.conf:1:1: include cycle: /k/main.conf -> /k/d/x.conf -> /k/main.conf'],
    ],
  ])('%s', (_name, files, expected) => {
    expect(formatted('/k/main.conf', files)).toEqual(expected);
  });

  test('the same file may be included twice (not a cycle)', () => {
    const result = loadKeepalivedConf(
      '/k/main.conf',
      memorySource({
        '/k/main.conf': 'global_defs {\n include r.conf\n}\nglobal_defs {\n include r.conf\n}\n',
        '/k/r.conf': 'router_id R1\n',
      }),
    );
    expect(result.diagnostics).toEqual([]);
    expect(result.config.globalDefs.routerId).toBe('R1');
  });

  test('a missing entry file is CONF_NOT_FOUND naming the path', () => {
    expect(() => loadKeepalivedConf('/k/none.conf', memorySource({}))).toThrow(InputError);
    expect(() => loadKeepalivedConf('/k/none.conf', memorySource({}))).toThrow(
      'keepalived config not found: /k/none.conf (CONF_NOT_FOUND)',
    );
  });
});
