/** A human-readable summary of a parsed config, one block per instance (`chaos conf check`). */
import type { InstanceConfig, VrrpScriptConfig } from '../vrrp/config';
import type { KeepalivedConfig, KeepalivedVip } from './types';

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

function vipText(vip: KeepalivedVip): string {
  const dev = vip.device === undefined ? '' : ` dev ${vip.device}`;
  const label = vip.label === undefined ? '' : ` label ${vip.label}`;
  return `${vip.address}/${vip.prefixLength}${dev}${label}`;
}

function scriptText(s: VrrpScriptConfig): string {
  const user = s.user === undefined ? '' : `, user ${s.user}`;
  return `${s.script} every ${s.intervalMs} ms, timeout ${s.timeoutMs} ms, fall ${s.fall}, rise ${s.rise}${user}`;
}

function instanceLines(i: InstanceConfig, config: KeepalivedConfig): string[] {
  const lines = [
    `vrrp_instance ${i.name}: ${i.initialState} on ${i.interface}, VRID ${i.vrid}, priority ${i.priority}, ` +
      `VRRPv${i.version}, advert ${i.advertIntervalMs} ms, ` +
      (i.preempt
        ? `preempt${i.preemptDelayMs > 0 ? ` after ${i.preemptDelayMs} ms` : ''}`
        : 'nopreempt'),
    `  auth: ${i.auth ? i.auth.type : 'none'}`,
    `  vips: ${i.vips.length > 0 ? i.vips.map(vipText).join(', ') : '(none)'}`,
    i.unicastPeers.length > 0
      ? `  adverts: unicast from ${i.unicastSrcIp ?? 'the interface address'} to ${i.unicastPeers.join(', ')}`
      : `  adverts: multicast 224.0.0.18${i.unicastSrcIp === undefined ? '' : ` from ${i.unicastSrcIp}`}`,
    `  garp: ${i.garpMasterRepeat} on becoming master, again after ${i.garpMasterDelayMs} ms, ` +
      `refresh ${i.garpMasterRefreshMs > 0 ? `every ${i.garpMasterRefreshMs} ms` : 'off'}`,
  ];
  for (const t of i.trackScripts)
    lines.push(`  track_script ${t.name} (weight ${t.weight}): ${scriptText(t.script)}`);
  for (const t of config.instanceOptions[i.name]?.trackInterfaces ?? []) {
    lines.push(`  track_interface ${t.name} (weight ${t.weight})`);
  }
  for (const [event, command] of Object.entries(i.notify))
    lines.push(`  notify ${event}: ${command}`);
  return lines;
}

export function summariseKeepalivedConf(config: KeepalivedConfig, file: string): string {
  const g = config.globalDefs;
  const scripts = Object.values(config.scripts);
  const lines = [
    `${file}: OK, ${plural(config.instances.length, 'vrrp_instance')}, ${plural(scripts.length, 'vrrp_script')}, ` +
      `${plural(config.syncGroups.length, 'vrrp_sync_group')}`,
    `global_defs: router_id ${g.routerId ?? '(host name)'}, VRRPv${g.vrrpVersion} by default` +
      `${g.vrrpStrict ? ', strict' : ''}${g.enableScriptSecurity ? ', script security' : ''}`,
  ];
  for (const s of scripts)
    lines.push(`vrrp_script ${s.name} (weight ${s.weight}): ${scriptText(s)}`);
  for (const i of config.instances) lines.push(...instanceLines(i, config));
  for (const sg of config.syncGroups)
    lines.push(`vrrp_sync_group ${sg.name}: ${sg.instances.join(', ')}`);
  return `${lines.join('\n')}\n`;
}
