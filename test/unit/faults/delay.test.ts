/**
 * The delay fault's Docker plans: the helper started and bound before the NFQUEUE rules go in
 * (per direction and protocol), a heal that deletes every chaos-delay rule and then stops the
 * helper whatever was applied. The heal's shell is run here against stand-in iptables, pkill
 * and pgrep: safe when never applied, and it deletes exactly the rules that were there.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describeFault, dockerActions, type FaultSpec, type FaultStep } from '../../../src/faults';
import { lab, plan } from './plans';

const scripts = (steps: FaultStep[]): string[] =>
  steps.map((s) => (s.do === 'exec' && s.cmd[0] === 'sh' ? (s.cmd[2] ?? '') : s.do));
const delayPlan = (action: 'apply' | 'heal', options: Record<string, unknown> = {}): string[] =>
  scripts(plan('delay', action, 'server01', options));

const target = '-m comment --comment chaos-delay -j NFQUEUE --queue-num 7 --queue-bypass';
const insert = (chain: string, rule: string): string =>
  `iptables -C ${chain} ${rule} 2>/dev/null || iptables -I ${chain} ${rule}`;

describe('delay on Docker', () => {
  const heal = delayPlan('heal');

  test('heal: every chaos-delay rule of both chains, then the helper, whatever was applied', () => {
    expect(heal).toHaveLength(3);
    expect(heal[0]).toBe(
      "iptables -S INPUT | grep -- '--comment chaos-delay' | sed 's/^-A /-D /' | xargs -r -L1 iptables",
    );
    expect(heal[1]).toContain('iptables -S OUTPUT');
    expect(heal[2]).toMatch(/^pkill -TERM -x chaos-delayq\n/);
    expect(heal[2]).toMatch(/rm -f \/run\/chaos-delayq\.pid$/);
    // The heal of any applied delay is the same plan (one helper, one queue per node).
    const unit: FaultSpec = {
      kind: 'delay',
      nodes: ['server01'],
      latencyMs: 300,
      jitterMs: 20,
      direction: 'in',
      protocol: 'vrrp',
    };
    const [action] = dockerActions(unit, lab, 'heal');
    expect(action && 'node' in action ? scripts(action.steps) : []).toEqual(heal);
  });

  test('apply: heal first, the helper bound, then the rules of the direction and protocol', () => {
    const out = delayPlan('apply', { latency: '300ms' });
    expect(out.slice(0, 3)).toEqual(heal);
    expect(out[3]).toMatch(
      /^rm -f \/run\/chaos-delayq\.pid\nchaos-delayq -q 7 -l 300 -j 0 -p \/run\/chaos-delayq\.pid <\/dev\/null >>\/var\/log\/chaos\/chaos-delayq\.log 2>&1 &\n/,
    );
    expect(out[3]).toContain('until [ -s /run/chaos-delayq.pid ]');
    expect(out.slice(4)).toEqual([insert('OUTPUT', `! -o lo ${target}`)]);

    const both = delayPlan('apply', {
      latency: '1.5s',
      jitter: '40ms',
      direction: 'both',
      protocol: 'vrrp',
    });
    expect(both[3]).toContain('chaos-delayq -q 7 -l 1500 -j 40 ');
    expect(both.slice(4)).toEqual([
      insert('INPUT', `! -i lo -p 112 ${target}`),
      insert('OUTPUT', `! -o lo -p 112 ${target}`),
    ]);
    expect(delayPlan('apply', { latency: '1s', direction: 'in' }).slice(4)).toEqual([
      insert('INPUT', `! -i lo ${target}`),
    ]);
    expect(() => delayPlan('apply', { latency: '1s', protocol: 'tcp' })).toThrow(/protocol/);
  });

  test('described with its direction and protocol', () => {
    const spec: FaultSpec = {
      kind: 'delay',
      nodes: ['server01'],
      latencyMs: 5000,
      jitterMs: 0,
      direction: 'both',
      protocol: 'vrrp',
    };
    expect(describeFault(spec)).toBe('delay 5 s of VRRP (both) on server01');
    expect(describeFault({ ...spec, jitterMs: 40, direction: 'out', protocol: 'all' })).toBe(
      'delay 5 s (jitter 40 ms) on server01',
    );
  });

  describe('the heal run against stand-in commands', () => {
    let dir: string;
    beforeEach(() => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chaos-delay-heal-'));
      const stub = (name: string, body: string) =>
        fs.writeFileSync(path.join(dir, name), `#!/bin/sh\n${body}\n`, { mode: 0o755 });
      // iptables -S prints the rules of state/CHAIN; anything else is logged.
      stub(
        'iptables',
        `if [ "$1" = -S ]; then cat "${dir}/state-$2" 2>/dev/null; else echo "iptables $*" >> "${dir}/log"; fi`,
      );
      stub('pkill', `echo "pkill $*" >> "${dir}/log"; exit 1`);
      stub('pgrep', 'exit 1');
    });
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    const runHeal = (): string => {
      for (const script of heal)
        execFileSync('sh', ['-c', script], {
          env: { ...process.env, PATH: `${dir}:${process.env['PATH'] ?? ''}` },
        });
      return fs.existsSync(path.join(dir, 'log'))
        ? fs.readFileSync(path.join(dir, 'log'), 'utf8')
        : '';
    };

    test('never applied: every step succeeds and deletes nothing', () => {
      expect(runHeal()).toBe('pkill -TERM -x chaos-delayq\n');
    });

    test('applied: the chaos-delay rules are deleted, others kept', () => {
      fs.writeFileSync(
        path.join(dir, 'state-OUTPUT'),
        [
          '-P OUTPUT ACCEPT',
          `-A OUTPUT ! -o lo -p vrrp ${target}`,
          '-A OUTPUT -m comment --comment chaos-loss -j DROP',
        ].join('\n') + '\n',
      );
      expect(runHeal()).toBe(
        `iptables -D OUTPUT ! -o lo -p vrrp ${target}\npkill -TERM -x chaos-delayq\n`,
      );
    });
  });
});
