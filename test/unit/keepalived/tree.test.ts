import { parseKeepalivedConf } from '../../../src/keepalived';
import { tokenize } from '../../../src/keepalived/lexer';
import { buildTree } from '../../../src/keepalived/tree';
import type { ConfNode } from '../../../src/keepalived/tree';

/** A statement tree as nested arrays: `words` or [`words`, children]. */
type Shape = string | [string, Shape[]];
function shape(nodes: ConfNode[]): Shape[] {
  return nodes.map((n) => {
    const words = [n.name, ...n.args].map((t) => t.text).join(' ');
    return n.block ? [words, shape(n.block)] : words;
  });
}

const tree = (text: string): Shape[] => shape(buildTree(tokenize(text, 'k.conf').tokens).nodes);

describe('buildTree', () => {
  test.each<[string, string]>([
    ['one statement per line', 'a 1\nb 2'],
    ['a block on one line', 'vip { 1.2.3.4 }'],
    ['{ on the next line', 'vip\n{\n1.2.3.4\n}'],
    ['} glued to the value', 'vip {\n1.2.3.4}'],
    ['several values on one line', 'vip { 1.2.3.4 dev eth0 }'],
  ])('%s', (_name, text) => {
    expect(tree(text)).toMatchSnapshot();
  });

  test('nested blocks', () => {
    expect(
      tree(
        'vrrp_instance VI_1 {\n  authentication { auth_type PASS\n auth_pass 1111 }\n  priority 100\n}',
      ),
    ).toEqual([
      [
        'vrrp_instance VI_1',
        [['authentication', ['auth_type PASS', 'auth_pass 1111']], 'priority 100'],
      ],
    ]);
  });
});

describe('brace layouts keepalived accepts all parse the same', () => {
  const layouts = [
    'vrrp_instance VI_1 {\n    interface eth0\n    virtual_router_id 51\n    authentication {\n        auth_type PASS\n        auth_pass 1111\n    }\n    virtual_ipaddress {\n        192.168.17.200\n    }\n}\n',
    'vrrp_instance VI_1\n{\n    interface eth0\n    virtual_router_id 51\n    authentication\n    {\n        auth_type PASS\n        auth_pass 1111\n    }\n    virtual_ipaddress\n    {\n        192.168.17.200\n    }\n}\n',
    'vrrp_instance VI_1 { interface eth0\n virtual_router_id 51\n authentication { auth_type PASS\n auth_pass 1111 }\n virtual_ipaddress { 192.168.17.200 } }\n',
    'vrrp_instance VI_1{\ninterface eth0\nvirtual_router_id 51\nauthentication{\nauth_type PASS\nauth_pass 1111}\nvirtual_ipaddress{192.168.17.200}}\n',
  ];

  test.each(layouts.map((text, i) => [i, text]))('layout %i', (_i, text) => {
    const result = parseKeepalivedConf(text, 'k.conf');
    expect(result.diagnostics).toEqual([]);
    expect(result.config).toStrictEqual(parseKeepalivedConf(layouts[0] ?? '', 'k.conf').config);
    expect(result.config.instances[0]).toMatchObject({
      vrid: 51,
      auth: { type: 'PASS', password: '1111' },
      vips: [{ address: '192.168.17.200', prefixLength: 32 }],
    });
  });
});
