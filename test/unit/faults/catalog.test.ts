import { InputError } from '../../../src/errors';
import { z } from 'zod';
import {
  allFaults,
  describeFault,
  describeFaults,
  faultUnits,
  healMatches,
  resolveFaultName,
  unitsFromHeal,
  type FaultSpec,
} from '../../../src/faults';
import { plan } from './plans';

describe('fault table', () => {
  test('power-off kills; power-on starts and waits until ready', () => {
    expect(plan('power-off', 'apply')).toEqual([{ do: 'kill' }]);
    expect(plan('power-off', 'heal')).toEqual([{ do: 'start' }, { do: 'wait-ready' }]);
    expect(plan('power-on', 'apply')).toEqual([{ do: 'start' }, { do: 'wait-ready' }]);
    expect(plan('power-off', 'apply', 'server02')).toEqual([{ do: 'kill' }]);
  });

  test('network-down takes eth0 down; network-up restores the link and the default route', () => {
    expect(plan('network-down', 'apply')).toEqual([
      { do: 'exec', cmd: ['ip', 'link', 'set', 'eth0', 'down'] },
    ]);
    expect(plan('network-down', 'heal')).toEqual([
      { do: 'exec', cmd: ['ip', 'link', 'set', 'eth0', 'up'] },
      {
        do: 'exec',
        cmd: ['ip', 'route', 'replace', 'default', 'via', '192.168.17.1', 'dev', 'eth0'],
      },
    ]);
  });

  test('block-multicast: idempotent iptables inserts; unblock deletes every copy', () => {
    const cmds = (action: 'apply' | 'heal', direction?: 'in' | 'out' | 'both') =>
      plan('block-multicast', action, 'server01', direction ? { direction } : {}).map((s) =>
        s.do === 'exec' ? s.cmd.join(' ') : s.do,
      );
    // Default: dropped on receipt only (the node still advertises, as in the course).
    expect(cmds('apply')).toEqual([
      'sh -c iptables -C INPUT -d 224.0.0.18 -p 112 -j DROP 2>/dev/null || iptables -I INPUT -d 224.0.0.18 -p 112 -j DROP',
    ]);
    expect(cmds('apply', 'both')).toEqual([
      'sh -c iptables -C INPUT -d 224.0.0.18 -p 112 -j DROP 2>/dev/null || iptables -I INPUT -d 224.0.0.18 -p 112 -j DROP',
      'sh -c iptables -C OUTPUT -d 224.0.0.18 -p 112 -j DROP 2>/dev/null || iptables -I OUTPUT -d 224.0.0.18 -p 112 -j DROP',
    ]);
    expect(cmds('apply', 'out')).toEqual([
      'sh -c iptables -C OUTPUT -d 224.0.0.18 -p 112 -j DROP 2>/dev/null || iptables -I OUTPUT -d 224.0.0.18 -p 112 -j DROP',
    ]);
    // A heal without a direction removes both (idempotent, whatever was applied).
    expect(cmds('heal')).toEqual([
      'sh -c while iptables -C INPUT -d 224.0.0.18 -p 112 -j DROP 2>/dev/null; do iptables -D INPUT -d 224.0.0.18 -p 112 -j DROP; done',
      'sh -c while iptables -C OUTPUT -d 224.0.0.18 -p 112 -j DROP 2>/dev/null; do iptables -D OUTPUT -d 224.0.0.18 -p 112 -j DROP; done',
    ]);
    expect(resolveFaultName('unblock', 'apply')).toMatchObject({ action: 'heal' });
  });

  test('nginx and graceful VRRP stop use the image scripts', () => {
    expect(plan('kill-nginx', 'apply')).toEqual([
      { do: 'exec', cmd: ['/opt/chaos/bin/nginx-stop'] },
    ]);
    expect(plan('start-nginx', 'apply')).toEqual([
      { do: 'exec', cmd: ['/opt/chaos/bin/nginx-start'] },
    ]);
    expect(plan('graceful-stop', 'apply')).toEqual([
      { do: 'exec', cmd: ['/opt/chaos/bin/vrrp-stop'] },
    ]);
    expect(plan('graceful-stop', 'heal')).toEqual([
      { do: 'exec', cmd: ['/opt/chaos/bin/vrrp-start'] },
    ]);
  });

  test('unknown faults, bad options and faults on the wrong role are input errors', () => {
    expect(() => resolveFaultName('melt', 'apply')).toThrow(InputError);
    expect(() => resolveFaultName('melt', 'apply')).toThrow(/unknown fault 'melt'/);
    expect(() => plan('kill-nginx', 'apply', 'prober')).toThrow(InputError);
    expect(() => plan('kill-nginx', 'apply', 'prober')).toThrow(/does not apply to prober/);
    expect(() => plan('network-down', 'apply', 'nope')).toThrow(/no node 'nope'/);
    expect(() => plan('loss', 'apply')).toThrow(/rate/);
    expect(() => plan('kill-process', 'apply', 'server01', { process: 'a;b' })).toThrow(
      /a process name is letters, digits/,
    );
    expect(() => plan('partition', 'apply')).toThrow(/scenario file/);
  });

  test('command-line options cannot replace the fault or the node; heal options are checked', () => {
    expect(() => plan('power-off', 'apply', 'server01', { node: 'prober' })).toThrow(
      /-o node=\.\.\.: the fault and the node are the command's arguments/,
    );
    expect(() => plan('power-off', 'apply', 'server01', { fault: 'pause' })).toThrow(InputError);
    expect(() => plan('unblock-multicast', 'apply', 'server01', { direction: 'sideways' })).toThrow(
      /heal block-multicast: direction: /,
    );
    expect(() => plan('power-on', 'apply', 'server01', { direction: 'in' })).toThrow(
      /heal power-off: .*direction/,
    );
  });

  test('heal options shared by several faults are one and the same option', () => {
    const byKey = new Map<string, string>();
    for (const d of allFaults())
      for (const [key, schema] of Object.entries(d.healOptions ?? {})) {
        const json = JSON.stringify(z.toJSONSchema(schema as z.ZodType));
        expect(byKey.get(key) ?? json).toBe(json);
        byKey.set(key, json);
      }
    expect([...byKey.keys()].sort()).toEqual(['direction', 'process']);
  });

  test("options on the command line: loss's rules, a heal with one direction", () => {
    const stat = '-m statistic --mode random --probability 0.25 -m comment --comment chaos-loss';
    const cmds = (action: 'apply' | 'heal', options: Record<string, unknown>): string[] =>
      plan('loss', action, 'server01', options).map((st) =>
        st.do === 'exec' ? (st.cmd[2] ?? '') : st.do,
      );
    // No netem: iptables' statistic match on the node's sent packets by default.
    expect(cmds('apply', { rate: 0.25 })).toEqual([
      `iptables -C OUTPUT ${stat} -j DROP 2>/dev/null || iptables -I OUTPUT ${stat} -j DROP`,
    ]);
    expect(cmds('apply', { rate: 0.25, direction: 'both', protocol: 'vrrp' })).toEqual([
      `iptables -C INPUT -p 112 ${stat} -j DROP 2>/dev/null || iptables -I INPUT -p 112 ${stat} -j DROP`,
      `iptables -C OUTPUT -p 112 ${stat} -j DROP 2>/dev/null || iptables -I OUTPUT -p 112 ${stat} -j DROP`,
    ]);
    // A heal deletes every loss rule of the chains, whatever its rate (never applied: both).
    const clear = (chain: string): string =>
      `iptables -S ${chain} | grep -- '--comment chaos-loss' | sed 's/^-A /-D /' | xargs -r -L1 iptables`;
    expect(cmds('heal', {})).toEqual([clear('INPUT'), clear('OUTPUT')]);
    expect(() => plan('loss', 'apply', 'server01', { rate: 0.5, protocol: 'tcp' })).toThrow(
      /protocol/,
    );
    expect(plan('unblock-vrrp', 'apply', 'server01', { direction: 'in' })).toEqual([
      {
        do: 'exec',
        cmd: [
          'sh',
          '-c',
          'while iptables -C INPUT -p 112 -j DROP 2>/dev/null; do iptables -D INPUT -p 112 -j DROP; done',
        ],
      },
    ]);
  });

  test('--list: one line per fault chaos fault takes, with roles and how; aliases too', () => {
    const lines = describeFaults().trim().split('\n');
    expect(lines[0]).toMatch(/^power-off \/ power-on +\[web,mysql,prober\] +pull/);
    expect(lines).toContainEqual(
      expect.stringMatching(/^kill-nginx \/ start-nginx +\[web\] +kill nginx/),
    );
    expect(lines).toContainEqual(
      expect.stringMatching(/^pause \/ resume +\[web,mysql,prober\] +freeze/),
    );
    expect(lines.at(-1)).toBe(
      `(${allFaults()
        .filter((d) => d.target !== 'nodes')
        .map((d) => d.kind)
        .join(', ')}: in scenario files, see docs/scenarios.md)`,
    );
    expect(lines.at(-1)).toMatch(/^\(partition, rogue-advert, /);
  });
});

describe('what every fault has in common', () => {
  const rogue: FaultSpec = {
    kind: 'rogue-advert',
    rogue: {
      name: 'evil',
      address: '192.168.17.66',
      priority: 254,
      password: null,
      vrid: 51,
      advertIntervalMs: 1000,
      vip: null,
    },
  };

  test('a step splits into one unit per node; partitions and rogues stay whole', () => {
    const kill: FaultSpec = { kind: 'kill-process', nodes: ['a', 'b'], process: 'nginx' };
    expect(faultUnits(kill)).toEqual([
      { kind: 'kill-process', nodes: ['a'], process: 'nginx' },
      { kind: 'kill-process', nodes: ['b'], process: 'nginx' },
    ]);
    const part: FaultSpec = { kind: 'partition', between: [['a'], ['b', 'c']] };
    expect(faultUnits(part)).toEqual([part]);
    expect(faultUnits(rogue)).toEqual([rogue]);
    expect(describeFault(rogue)).toBe('rogue-advert evil (192.168.17.66, priority 254, no auth)');
    expect(describeFault(part)).toBe('partition a | b,c');
  });

  test('a heal matches by kind, node, sides, rogue name and the heal options its fault takes', () => {
    const blockIn: FaultSpec = { kind: 'block-vrrp', nodes: ['a'], direction: 'in' };
    expect(healMatches({ kind: 'all' }, blockIn)).toBe(true);
    expect(healMatches({ kind: 'block-vrrp' }, blockIn)).toBe(true);
    expect(healMatches({ kind: 'block-multicast' }, blockIn)).toBe(false);
    expect(healMatches({ kind: 'block-vrrp', nodes: ['b'] }, blockIn)).toBe(false);
    expect(healMatches({ kind: 'block-vrrp', options: { direction: 'out' } }, blockIn)).toBe(false);
    expect(healMatches({ kind: 'block-vrrp', options: { direction: 'in' } }, blockIn)).toBe(true);
    // An option power-off's heal does not take narrows nothing.
    const off: FaultSpec = { kind: 'power-off', nodes: ['a'] };
    expect(healMatches({ kind: 'power-off', options: { process: 'x' } }, off)).toBe(true);
    const part: FaultSpec = { kind: 'partition', between: [['a'], ['b']] };
    expect(healMatches({ kind: 'partition', between: [['b'], ['a']] }, part)).toBe(true);
    expect(healMatches({ kind: 'partition', between: [['a'], ['c']] }, part)).toBe(false);
    expect(healMatches({ kind: 'rogue-advert', rogue: 'evil' }, rogue)).toBe(true);
    expect(healMatches({ kind: 'rogue-advert', rogue: 'other' }, rogue)).toBe(false);
  });

  test("a heal of what was never applied heals what it names, with the fault's heal defaults", () => {
    expect(unitsFromHeal({ kind: 'block-multicast', nodes: ['a'] }, [])).toEqual([
      { kind: 'block-multicast', nodes: ['a'], direction: 'both' },
    ]);
    expect(unitsFromHeal({ kind: 'kill-process', nodes: ['a', 'b'] }, [])).toEqual([
      { kind: 'kill-process', nodes: ['a'], process: 'nginx' },
      { kind: 'kill-process', nodes: ['b'], process: 'nginx' },
    ]);
    expect(unitsFromHeal({ kind: 'delay', nodes: ['a'] }, [])).toEqual([
      {
        kind: 'delay',
        nodes: ['a'],
        latencyMs: 0,
        jitterMs: 0,
        direction: 'both',
        protocol: 'all',
      },
    ]);
    expect(unitsFromHeal({ kind: 'rogue-advert', rogue: 'evil' }, [rogue])).toEqual([rogue]);
    expect(unitsFromHeal({ kind: 'rogue-advert', rogue: 'nobody' }, [rogue])).toEqual([]);
    expect(unitsFromHeal({ kind: 'partition' }, [])).toEqual([]);
    expect(unitsFromHeal({ kind: 'all' }, [rogue])).toEqual([]);
  });
});
