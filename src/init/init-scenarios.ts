/**
 * `chaos init`'s starter scenarios for a lab (init-lab.ts): the master powered off, stopped
 * gracefully, its network down, the multicast blocked (a split brain, or none with unicast
 * peers) and its first track script failing, each with expectations from the theoretical
 * bounds (init-bounds.ts): the takeover gap exactly (Master_Down_Interval or Skew_Time, 20 ms
 * tolerance), the polls' `within` and the outage a little above it. Pure.
 */
import type { TrackScriptRef } from '../vrrp/config';
import {
  ceilTo,
  electionWinner,
  failoverBounds,
  outageBoundMs,
  ownMasterDownMs,
  settleMs,
  type FailoverBounds,
} from './init-bounds';
import type { InitLab, InitWebNode } from './init-lab';
import { duration, type ScenarioDraft, type YamlMap } from './init-render';

interface Ctx {
  lab: InitLab;
  b: FailoverBounds;
}

/** A poll's limit: `ms` to the next whole second. */
const within = (ms: number): string => duration(ceilTo(ms, 1000));
const seconds = (ms: number): string => `${Number((ms / 1000).toFixed(9))} s`;

function opening(c: Ctx): YamlMap[] {
  return [
    { wait: within(Math.max(5000, settleMs(c.lab))) },
    { expect: { vipOwner: c.b.master.name } },
  ];
}

/** Whether the master takes the VIP back when it returns. */
const reclaims = (c: Ctx): boolean =>
  c.b.master.priority > c.b.backup.priority && c.b.master.instance.preempt;

/** After the heal: the master preempts, or comes back as BACKUP and the VIP stays. */
function returnSteps(c: Ctx, slackMs: number): YamlMap[] {
  const { master: m, backup: b } = c.b;
  if (reclaims(c))
    return [
      {
        expect: {
          vipOwner: m.name,
          within: within(ownMasterDownMs(m) + m.instance.preemptDelayMs + slackMs),
        },
      },
    ];
  return [
    {
      expect: {
        state: { node: m.name, is: 'BACKUP' },
        within: within(ownMasterDownMs(m) + slackMs),
      },
    },
    { expect: { vipOwner: b.name } },
  ];
}

function returnText(c: Ctx): string {
  const { master: m, backup: b } = c.b;
  if (reclaims(c))
    return `When ${m.name} returns its priority ${m.priority} is above ${b.name}'s ${b.priority} and it preempts: it takes the VIP back.`;
  const why = !m.instance.preempt
    ? 'it has nopreempt'
    : `its priority ${m.priority} is not above ${b.name}'s ${b.priority}`;
  return `When ${m.name} returns ${why}, so it stays BACKUP and ${b.name} keeps the VIP.`;
}

function masterDownText(c: Ctx): string {
  const { backup: b, intervalMs, masterDownMs } = c.b;
  const i = seconds(intervalMs);
  const skew =
    b.instance.version === 2 ? `(256 - ${b.priority})/256 s` : `(256 - ${b.priority}) x ${i} / 256`;
  return `Master_Down_Interval = 3 x ${i} + ${skew} = ${seconds(masterDownMs)}`;
}

/** The takeover expectations: the new owner, the gap on the wire, the client's outage. */
function takeover(c: Ctx, gapMs: number): YamlMap[] {
  const { master: m, backup: b } = c.b;
  return [
    { expect: { vipOwner: b.name, within: within(gapMs + 1000) } },
    {
      expect: {
        switchover: { from: m.name, to: b.name, gap: duration(gapMs), tolerance: '20ms' },
      },
    },
    { expect: { lastOutage: { under: duration(outageBoundMs(gapMs)) } } },
  ];
}

/** A fault on the master that moves the VIP after `gapMs`, then its heal and the return. */
function masterFault(
  c: Ctx,
  s: { name: string; fault: string; description: string; gapMs: number; state?: string },
  slackMs: number,
): ScenarioDraft {
  const m = c.b.master;
  return {
    file: `scenarios/${s.name}.yaml`,
    name: s.name,
    description: `${s.description} ${returnText(c)}`,
    steps: [
      ...opening(c),
      { fault: s.fault, node: m.name },
      ...(s.state ? [{ expect: { state: { node: m.name, is: s.state }, within: '2s' } }] : []),
      ...takeover(c, s.gapMs),
      { heal: s.fault, node: m.name },
      ...returnSteps(c, slackMs),
    ],
    slo: { maxDowntime: duration(outageBoundMs(s.gapMs)) },
  };
}

function powerOff(c: Ctx): ScenarioDraft {
  const { master: m, backup: b, masterDownMs } = c.b;
  const description = `Power off the master, ${m.name}. ${b.name} takes over ${masterDownText(c)} after the master's last advert.`;
  return masterFault(
    c,
    { name: 'poweroff-master', fault: 'power-off', description, gapMs: masterDownMs },
    10_000,
  );
}

function gracefulStop(c: Ctx): ScenarioDraft {
  const { master: m, backup: b, skewMs } = c.b;
  const description = `Stop the master's VRRP daemon cleanly (SIGTERM): ${m.name} sends priority 0 and ${b.name} takes over after its Skew_Time, ${seconds(skewMs)}.`;
  return masterFault(
    c,
    { name: 'graceful-stop', fault: 'graceful-stop', description, gapMs: skewMs, state: 'STOPPED' },
    5000,
  );
}

function networkDown(c: Ctx): ScenarioDraft {
  const { master: m, backup: b, masterDownMs } = c.b;
  const description = `The master's interface goes down (service network stop): ${m.name} goes FAULT and drops the VIP, ${b.name} takes over ${masterDownText(c)} after the last advert.`;
  return masterFault(
    c,
    {
      name: 'network-down',
      fault: 'network-down',
      description,
      gapMs: masterDownMs,
      state: 'FAULT',
    },
    5000,
  );
}

const longest = (nodes: readonly InitWebNode[], f: (n: InitWebNode) => number): number =>
  Math.max(...nodes.map(f));

function splitBrain(c: Ctx): ScenarioDraft {
  const { lab } = c;
  const all = lab.web.map((n) => n.name);
  const others = lab.web.filter((n) => n !== c.b.master);
  const winner = electionWinner(lab.web);
  return {
    file: 'scenarios/split-brain.yaml',
    name: 'split-brain',
    description: `VRRP multicast (224.0.0.18) dropped on receipt on every web node: the backups stop hearing the master and become master too, all hold the VIP. When the block is healed the highest priority, then the highest address, stays master: ${winner.name} (priority ${winner.priority}, ${winner.address}).`,
    steps: [
      ...opening(c),
      { fault: 'block-multicast', nodes: all },
      { expect: { splitBrain: true, within: within(longest(others, ownMasterDownMs) + 1000) } },
      // Each backup becomes master after its own Master_Down_Interval (its priority's skew).
      ...lab.web.map((n) => ({
        expect: { state: { node: n.name, is: 'MASTER' }, within: within(ownMasterDownMs(n)) },
      })),
      { wait: '5s' },
      { heal: 'block-multicast', nodes: all },
      {
        expect: {
          splitBrain: false,
          within: within(2 * longest(lab.web, (n) => n.instance.advertIntervalMs) + 1000),
        },
      },
      { expect: { vipOwner: winner.name } },
    ],
  };
}

function unicastBlock(c: Ctx): ScenarioDraft {
  const { lab } = c;
  const m = c.b.master;
  const all = lab.web.map((n) => n.name);
  return {
    file: 'scenarios/unicast-no-split-brain.yaml',
    name: 'unicast-no-split-brain',
    description: `VRRP multicast dropped on every web node. The configs use unicast peers (unicast_peer), so the adverts still arrive: ${m.name} stays the only master.`,
    steps: [
      ...opening(c),
      { fault: 'block-multicast', nodes: all },
      { wait: within(2 * longest(lab.web, ownMasterDownMs) + 1000) },
      { expect: { splitBrain: false } },
      { expect: { vipOwner: m.name } },
      ...lab.web
        .filter((n) => n !== m)
        .map((n) => ({ expect: { state: { node: n.name, is: 'BACKUP' } } })),
      { heal: 'block-multicast', nodes: all },
      { wait: '3s' },
      { expect: { vipOwner: m.name } },
    ],
  };
}

/** Processes a track script may check, found in its name or command (else nginx). */
const CHECKED = ['nginx', 'haproxy', 'httpd', 'apache2', 'varnishd', 'envoy', 'traefik', 'caddy'];

export function checkedProcess(t: TrackScriptRef): string | undefined {
  return CHECKED.find((p) => t.name.includes(p) || t.script.script.includes(p));
}

/** The master's priority with script `t` failed and its others passing. */
function priorityWithout(m: InitWebNode, t: TrackScriptRef): number {
  const i = m.instance;
  if (i.priority === 255) return 255;
  const p = i.trackScripts.reduce(
    (s, x) => s + (x === t ? Math.min(0, x.weight) : Math.max(0, x.weight)),
    i.priority,
  );
  return Math.min(254, Math.max(1, p));
}

function trackFaultSteps(c: Ctx, t: TrackScriptRef, process: string, detectMs: number): YamlMap[] {
  const { master: m, backup: b } = c.b;
  const kill = { fault: 'kill-process', node: m.name, process };
  const heal = { heal: 'kill-process', node: m.name, process };
  const recoverMs = t.script.intervalMs * (t.script.rise + 1);
  if (t.weight === 0)
    return [
      kill,
      { expect: { state: { node: m.name, is: 'FAULT' }, within: within(detectMs + 1000) } },
      ...takeover(c, c.b.skewMs).slice(0, 2),
      { expect: { lastOutage: { under: duration(outageBoundMs(detectMs + c.b.skewMs)) } } },
      heal,
      ...returnSteps(c, recoverMs + 5000),
    ];
  const failed = priorityWithout(m, t);
  if (failed < b.priority && b.instance.preempt)
    return [
      kill,
      { expect: { vipOwner: b.name, within: within(detectMs + c.b.masterDownMs + 2000) } },
      { expect: { state: { node: m.name, is: 'BACKUP' }, within: '2s' } },
      heal,
      ...(m.priority > b.priority && m.instance.preempt
        ? [
            {
              expect: {
                vipOwner: m.name,
                within: within(recoverMs + ownMasterDownMs(m) + m.instance.preemptDelayMs + 3000),
              },
            },
          ]
        : [{ wait: within(recoverMs + 1000) }, { expect: { vipOwner: b.name } }]),
    ];
  return [
    kill,
    { wait: within(detectMs + c.b.masterDownMs + 1000) },
    { expect: { vipOwner: m.name } },
    heal,
    { wait: within(recoverMs + 1000) },
    { expect: { vipOwner: m.name } },
  ];
}

function trackText(c: Ctx, t: TrackScriptRef, process: string): string {
  const { master: m, backup: b } = c.b;
  const what = `Kill ${process} on the master, ${m.name}: its track script ${t.name} (every ${seconds(t.script.intervalMs)}, fall ${t.script.fall})`;
  if (t.weight === 0)
    return `${what} fails and the instance goes FAULT; it sends priority 0 and ${b.name} takes over after its Skew_Time, ${seconds(c.b.skewMs)}. ${returnText(c)}`;
  const failed = priorityWithout(m, t);
  if (failed < b.priority && b.instance.preempt)
    return `${what} fails and weight ${t.weight} brings its priority to ${failed}, below ${b.name}'s ${b.priority}: ${b.name} preempts after its Master_Down_Interval (no gap is asserted: the old master keeps advertising its lower priority until it hears the new one).`;
  const why = b.instance.preempt
    ? `weight ${t.weight} leaves its priority at ${failed}, not below ${b.name}'s ${b.priority}`
    : `${b.name} has nopreempt`;
  return `${what} fails, but ${why}: the VIP stays on ${m.name}. If ${process} matters to the clients, this is a finding.`;
}

function trackScript(c: Ctx, t: TrackScriptRef): ScenarioDraft {
  const process = checkedProcess(t) ?? 'nginx';
  // A failing check fails at once; only a hanging one runs into its timeout.
  const detectMs = t.script.intervalMs * t.script.fall;
  const steps = [...opening(c), ...trackFaultSteps(c, t, process, detectMs)];
  const lastOutage = steps.find((s) => 'expect' in s && 'lastOutage' in (s.expect as YamlMap));
  return {
    file: 'scenarios/track-script.yaml',
    name: `track-script-${t.name}`.toLowerCase().replace(/[^a-z0-9_.-]/g, '-'),
    description: trackText(c, t, process),
    steps,
    ...(lastOutage ? { slo: { maxDowntime: duration(outageBoundMs(detectMs + c.b.skewMs)) } } : {}),
  };
}

export interface InitScenarios {
  drafts: ScenarioDraft[];
  /** What was not written, and why. */
  skipped: string[];
}

export function initScenarios(lab: InitLab): InitScenarios {
  const c: Ctx = { lab, b: failoverBounds(lab) };
  const m = c.b.master;
  const drafts = [powerOff(c), gracefulStop(c)];
  const skipped: string[] = [];
  if (m.dontTrackPrimary)
    skipped.push(
      `network-down: ${m.name}'s instance has dont_track_primary, so it stays MASTER with its link down; write that scenario by hand`,
    );
  else drafts.push(networkDown(c));
  drafts.push(lab.unicast ? unicastBlock(c) : splitBrain(c));
  const t = m.instance.trackScripts[0];
  if (t) drafts.push(trackScript(c, t));
  else skipped.push(`track-script: ${m.name}'s instance ${m.instance.name} has no track_script`);
  return { drafts, skipped };
}
