import {
  formatStatus,
  parseCurlInclude,
  parseNodeProbe,
  parseVrrpStatus,
  summariseStatus,
} from '../../../src/lab/lab-status';
import type { NodeStatus } from '../../../src/lab/lab-status';

const VIP = '192.168.17.200';
const vrrp = (state: 'MASTER' | 'BACKUP', vips: string[] = []) => ({
  impl: 'chaos',
  running: true,
  pid: 27,
  state,
  vips,
});

describe('lab status', () => {
  test('parses the node probe: vrrp-status JSON and eth0 addresses', () => {
    const out = [
      '{"impl":"keepalived","running":true,"pid":27,"state":"MASTER","vips":["192.168.17.200"]}',
      '--- addr',
      '2: eth0    inet 192.168.17.102/24 brd 192.168.17.255 scope global eth0\\       valid_lft forever',
      '2: eth0    inet 192.168.17.200/32 scope global eth0\\       valid_lft forever',
      '',
    ].join('\n');
    expect(parseNodeProbe(out)).toEqual({
      vrrp: { impl: 'keepalived', running: true, pid: 27, state: 'MASTER', vips: [VIP] },
      addresses: ['192.168.17.102', VIP],
    });
    expect(parseNodeProbe('sh: vrrp-status: not found\n--- addr\n')).toEqual({
      vrrp: null,
      addresses: [],
      error: 'vrrp-status printed no JSON',
    });
    expect(parseVrrpStatus('{"impl":"chaos","running":false,"pid":null,"state":"WEIRD"}')).toEqual({
      impl: 'chaos',
      running: false,
      pid: null,
      state: null,
      vips: [],
    });
    expect(parseVrrpStatus('nope')).toBe('vrrp-status: not JSON: nope');
  });

  test('owners and split brain, and the table', () => {
    const nodes: NodeStatus[] = [
      {
        name: 'server01',
        role: 'web',
        ip: '192.168.17.102',
        running: true,
        vrrp: vrrp('MASTER', [VIP]),
        holdsVip: true,
      },
      {
        name: 'server03',
        role: 'web',
        ip: '192.168.17.101',
        running: true,
        vrrp: vrrp('MASTER', [VIP]),
        holdsVip: true,
      },
      {
        name: 'server02',
        role: 'mysql',
        ip: '192.168.17.100',
        running: false,
        vrrp: null,
        holdsVip: false,
      },
    ];
    const status = summariseStatus('seed', 'r1', VIP, nodes);
    expect(status.vipOwners).toEqual(['server01', 'server03']);
    expect(status.splitBrain).toBe(true);
    expect(formatStatus(status)).toMatchInlineSnapshot(`
"lab seed (run r1)
NODE      ROLE   IP              CONTAINER  VRRP   STATE
server01  web    192.168.17.102  running    chaos  MASTER  VIP
server03  web    192.168.17.101  running    chaos  MASTER  VIP
server02  mysql  192.168.17.100  stopped    -      -
VIP 192.168.17.200: held by server01, server03
SPLIT BRAIN: 2 nodes hold 192.168.17.200
"
`);
    const one = summariseStatus('seed', 'r1', VIP, nodes.slice(1, 3));
    expect([one.vipOwners, one.splitBrain]).toEqual([['server03'], false]);
    expect(formatStatus(summariseStatus('seed', 'r1', VIP, nodes.slice(2)))).toContain(
      'VIP 192.168.17.200: no owner\n',
    );
  });

  test('parses curl -i output: status, X-Served-By, body', () => {
    const out =
      'HTTP/1.1 200 OK\r\nServer: nginx\r\nX-Served-By: server01\r\n\r\n<h1>tp5shop</h1>\n';
    expect(parseCurlInclude(out)).toEqual({
      status: 200,
      servedBy: 'server01',
      body: '<h1>tp5shop</h1>\n',
    });
    const cont = 'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 503 Service Unavailable\r\n\r\ndown';
    expect(parseCurlInclude(cont)).toEqual({ status: 503, servedBy: null, body: 'down' });
    expect(parseCurlInclude('garbage')).toBe('no HTTP status line in: garbage');
  });
});
