import { InputError } from '../../../src/errors';
import { FAULTS, describeFaults, faultPlan, resolveFault } from '../../../src/lab/faults';

const ctx = { gateway: '192.168.17.1' };
const web = { name: 'server01', role: 'web' as const };
const plan = (name: string, action: 'apply' | 'heal', node = web) =>
  faultPlan(resolveFault(name, action), node, ctx);

describe('fault table', () => {
  test('power-off kills; power-on starts and waits until ready', () => {
    expect(plan('power-off', 'apply')).toEqual([{ do: 'kill' }]);
    expect(plan('power-off', 'heal')).toEqual([{ do: 'start' }, { do: 'wait-ready' }]);
    expect(plan('power-on', 'apply')).toEqual([{ do: 'start' }, { do: 'wait-ready' }]);
    expect(
      plan('power-off', 'apply', { name: 'server02', role: 'mysql' as const } as never),
    ).toEqual([{ do: 'kill' }]);
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
      faultPlan(resolveFault('block-multicast', action), web, {
        ...ctx,
        ...(direction ? { direction } : {}),
      }).map((s) => (s.do === 'exec' ? s.cmd.join(' ') : s.do));
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
    expect(resolveFault('unblock', 'apply')).toMatchObject({ action: 'heal' });
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

  test('unknown faults and faults on the wrong role are input errors', () => {
    expect(() => resolveFault('melt', 'apply')).toThrow(InputError);
    expect(() => resolveFault('melt', 'apply')).toThrow(/UNKNOWN_FAULT/);
    expect(() => plan('kill-nginx', 'apply', { name: 'prober', role: 'prober' } as never)).toThrow(
      /FAULT_NOT_APPLICABLE/,
    );
  });

  test('the table can be extended', () => {
    const table = [
      ...FAULTS,
      {
        name: 'pause',
        healName: 'unpause',
        description: 'freeze',
        roles: ['web' as const],
        apply: () => [{ do: 'exec' as const, cmd: ['true'] }],
        heal: () => [],
      },
    ];
    expect(resolveFault('unpause', 'apply', table)).toMatchObject({ action: 'heal' });
    expect(describeFaults(table)).toContain('pause / unpause');
    expect(describeFaults().split('\n')[0]).toMatch(
      /^power-off \/ power-on +\[web,mysql,prober\] +pull/,
    );
  });
});
