import path from 'node:path';
import { ValidationError } from '../../../src/errors';
import { memorySource } from '../../../src/keepalived';
import { fsSource } from '../../../src/keepalived/fs-source';
import { parseLabFile } from '../../../src/lab/lab-file';
import { mysqlHostPattern, parseSubnet, seedLabSpec } from '../../../src/lab/lab-spec';

const DIR = '/labs';
const FILE = path.join(DIR, 'lab.yaml');

/** A keepalived.conf for the lab's instance. */
function conf(opts: { state?: string; vrid?: number; vip?: string; iface?: string } = {}): string {
  return [
    'vrrp_instance VI_1 {',
    `    state ${opts.state ?? 'MASTER'}`,
    `    interface ${opts.iface ?? 'eth0'}`,
    `    virtual_router_id ${opts.vrid ?? 51}`,
    '    priority 100',
    '    advert_int 1',
    `    virtual_ipaddress {\n        ${opts.vip ?? '192.168.17.200'}\n    }`,
    '}',
    '',
  ].join('\n');
}

const CONFIGS = {
  [`${DIR}/master.conf`]: conf(),
  [`${DIR}/backup.conf`]: conf({ state: 'BACKUP' }),
};

/** A lab file's text from node lines. */
function lab(
  nodes: string[],
  head = 'name: interop\nsubnet: 192.168.17.0/24\nvip: 192.168.17.200\n',
): string {
  return `${head}nodes:\n${nodes.map((n) => `  - ${n}\n`).join('')}`;
}

const GOOD_NODES = [
  '{ name: server01, role: web, address: 192.168.17.102, config: master.conf, vrrp: chaos }',
  '{ name: server03, role: web, address: 192.168.17.101, config: backup.conf, vrrp: keepalived }',
  '{ name: server02, role: mysql, address: 192.168.17.100 }',
  '{ name: prober, role: prober, address: 192.168.17.50 }',
];

function errorsOf(text: string, files: Record<string, string> = CONFIGS): string[] {
  try {
    parseLabFile(text, FILE, memorySource(files));
  } catch (error) {
    if (error instanceof ValidationError)
      return error.diagnostics.map((d) => `${d.line}:${d.col}: ${d.message}`);
    throw error;
  }
  return [];
}

describe('parseLabFile', () => {
  test("a web node's config is read with the node name as keepalived's config id", () => {
    const shared = conf().replace(
      '    interface eth0',
      '    @server01 interface eth0\n    @^server01 interface eth1',
    );
    const files = { [`${DIR}/master.conf`]: shared, [`${DIR}/backup.conf`]: shared };
    expect(errorsOf(lab(GOOD_NODES), files)).toEqual([
      `6:67: node server03: ${DIR}/backup.conf: vrrp_instance VI_1 is on 'eth1'; lab nodes have eth0`,
    ]);
  });

  test('a good lab file: the normalised spec, configs resolved relative to the file', () => {
    const spec = parseLabFile(lab(GOOD_NODES), FILE, memorySource(CONFIGS));
    expect(spec).toEqual({
      name: 'interop',
      subnet: '192.168.17.0/24',
      gateway: '192.168.17.1',
      vip: '192.168.17.200',
      vrid: 51,
      nodes: [
        {
          name: 'server01',
          role: 'web',
          address: '192.168.17.102',
          vrrp: 'chaos',
          configPath: `${DIR}/master.conf`,
          configText: CONFIGS[`${DIR}/master.conf`],
        },
        {
          name: 'server03',
          role: 'web',
          address: '192.168.17.101',
          vrrp: 'keepalived',
          configPath: `${DIR}/backup.conf`,
          configText: CONFIGS[`${DIR}/backup.conf`],
        },
        { name: 'server02', role: 'mysql', address: '192.168.17.100' },
        { name: 'prober', role: 'prober', address: '192.168.17.50' },
      ],
    });
  });

  test('vrrp defaults to chaos; gateway may be given', () => {
    const spec = parseLabFile(
      lab(
        [
          '{ name: web1, role: web, address: 10.9.0.10, config: a.conf }',
          '{ name: db, role: mysql, address: 10.9.0.20 }',
        ],
        'name: small\nsubnet: 10.9.0.0/24\ngateway: 10.9.0.254\nvip: 10.9.0.100\n',
      ),
      FILE,
      memorySource({ [`${DIR}/a.conf`]: conf({ vip: '10.9.0.100', vrid: 7 }) }),
    );
    expect(spec.gateway).toBe('10.9.0.254');
    expect(spec.vrid).toBe(7);
    expect(spec.nodes[0]?.vrrp).toBe('chaos');
  });

  test('YAML syntax errors come with line and column', () => {
    expect(errorsOf('name: x\nnodes: [\n')).toEqual([expect.stringMatching(/^3:1: /)]);
  });

  test('shape errors: all at once, at the offending node', () => {
    const text = lab(
      [
        '{ name: server01, role: webby, address: 192.168.17.102, config: master.conf }',
        '{ name: server02, role: mysql, address: 192.168.17.100, colour: blue }',
      ],
      'name: x\nsubnet: 192.168.17.0/24\nvip: 192.168.17.200\nextra: 1\n',
    );
    expect(errorsOf(text)).toEqual([
      "4:1: unknown key 'extra'",
      '6:29: nodes.0.role: Invalid option: expected one of "web"|"mysql"|"prober"',
      "7:61: unknown key 'colour'",
    ]);
  });

  test('rules: addresses, names, roles, duplicate use', () => {
    const text = lab(
      [
        '{ name: Server01, role: web, address: 192.168.18.5, config: master.conf }',
        '{ name: server03, role: web, address: 192.168.17.200, config: backup.conf }',
        '{ name: server03, role: prober, address: 192.168.17.50, vrrp: chaos }',
      ],
      'name: Bad Name\nsubnet: 192.168.17.0/24\nvip: 192.168.17.200\n',
    );
    expect(errorsOf(text)).toEqual([
      expect.stringMatching(/^1:7: name 'Bad Name' must match/),
      '5:3: a lab needs exactly one mysql node (found 0)',
      expect.stringMatching(/^5:13: node name 'Server01' must match/),
      '5:43: node Server01: 192.168.18.5 is not a host address of subnet 192.168.17.0/24',
      '6:43: node server03: 192.168.17.200 is already used by vip',
      "7:13: duplicate node name 'server03'",
      '7:61: vrrp: only web nodes run VRRP (prober)',
    ]);
  });

  test('bad subnet and addresses', () => {
    const text = lab(
      ['{ name: db, role: mysql, address: 10.0.0.999 }'],
      'name: x\nsubnet: 10.0.0.1/24\nvip: nope\n',
    );
    expect(errorsOf(text)).toEqual([
      "2:9: subnet '10.0.0.1/24' has host bits set (network is 10.0.0.0/24)",
      "3:6: vip: 'nope' is not an IPv4 address",
      '5:3: a lab needs at least one web node',
      "5:39: node db: '10.0.0.999' is not an IPv4 address",
    ]);
  });

  test('web configs: missing, invalid, without the VIP, other VRID, not eth0, required', () => {
    const files = {
      [`${DIR}/master.conf`]: conf(),
      [`${DIR}/bad.conf`]:
        'vrrp_instance VI_1 {\n    interface eth0\n    virtual_router_id 300\n}\n',
      [`${DIR}/novip.conf`]: conf({ vip: '192.168.17.201' }),
      [`${DIR}/vrid.conf`]: conf({ vrid: 52 }),
      [`${DIR}/eth1.conf`]: conf({ iface: 'eth1' }),
    };
    const text = lab([
      '{ name: w1, role: web, address: 192.168.17.11, config: master.conf }',
      '{ name: w2, role: web, address: 192.168.17.12, config: missing.conf }',
      '{ name: w3, role: web, address: 192.168.17.13, config: bad.conf }',
      '{ name: w4, role: web, address: 192.168.17.14, config: novip.conf }',
      '{ name: w5, role: web, address: 192.168.17.15, config: vrid.conf }',
      '{ name: w6, role: web, address: 192.168.17.16, config: eth1.conf }',
      '{ name: w7, role: web, address: 192.168.17.17 }',
      '{ name: db, role: mysql, address: 192.168.17.100 }',
    ]);
    const errors = errorsOf(text, files);
    expect(errors).toEqual([
      `6:60: node w2: keepalived config not found: ${DIR}/missing.conf (CONF_NOT_FOUND)`,
      `7:60: node w3: ${DIR}/bad.conf:3:23: virtual_router_id: number 300 outside range [1, 255]`,
      `8:60: node w4: ${DIR}/novip.conf has no vrrp_instance with the lab's VIP 192.168.17.200`,
      "9:60: node w5: the VIP's vrrp_instance has virtual_router_id 52, expected 51",
      `10:60: node w6: ${DIR}/eth1.conf: vrrp_instance VI_1 is on 'eth1'; lab nodes have eth0`,
      "11:5: web node w7: 'config' (a keepalived.conf) is required",
    ]);
  });
});

describe('seed lab', () => {
  test('the seed lab from the shipped configs', () => {
    const root = '/pkg';
    const files = {
      '/pkg/scenarios/configs/seed-master.conf': conf(),
      '/pkg/scenarios/configs/seed-backup.conf': conf({ state: 'BACKUP' }),
    };
    const spec = seedLabSpec(root, memorySource(files), { server03: 'keepalived' });
    expect(spec.name).toBe('seed');
    expect(spec.vrid).toBe(51);
    expect(spec.nodes.map((n) => [n.name, n.role, n.address, n.vrrp])).toEqual([
      ['server01', 'web', '192.168.17.102', 'chaos'],
      ['server03', 'web', '192.168.17.101', 'keepalived'],
      ['server02', 'mysql', '192.168.17.100', undefined],
      ['prober', 'prober', '192.168.17.50', undefined],
    ]);
    expect(spec.nodes[1]?.configText).toContain('state BACKUP');
  });

  test('the shipped seed configs parse', () => {
    const spec = seedLabSpec(path.join(__dirname, '../../..'), fsSource());
    expect(spec.nodes[0]?.configText).toContain('state MASTER');
  });

  test('subnets and MySQL host patterns', () => {
    expect(parseSubnet('192.168.17.0/24')).toEqual({
      network: 0xc0a81100,
      prefix: 24,
      first: 0xc0a81101,
      last: 0xc0a811fe,
    });
    expect(parseSubnet('192.168.17.0/31')).toBe(
      "subnet '192.168.17.0/31': prefix /31 outside [8, 30]",
    );
    expect(mysqlHostPattern('192.168.17.0/24')).toBe('192.168.17.%');
    expect(mysqlHostPattern('10.1.0.0/16')).toBe('10.1.%');
    expect(mysqlHostPattern('10.1.2.0/25')).toBe('10.1.2.0/255.255.255.128');
  });

  test('a billion-laughs lab file is a LAB_FILE_INVALID diagnostic, not a ReferenceError (found by npm run fuzz)', () => {
    const bomb = [
      'a: &a [x, x, x, x, x, x, x, x, x, x]',
      'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]',
      'c: [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]',
    ].join('\n');
    expect(errorsOf(bomb)).toEqual([
      '2:8: YAML: Excessive alias count indicates a resource exhaustion attack (aliases may expand at most 100 times)',
    ]);
  });
});
