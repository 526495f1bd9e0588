/**
 * The list blocks of `vrrp_instance`, one item at a time: track_script, track_interface and
 * unicast_peer entries, with keepalived's checks and complaints.
 */
import type { Token } from './lexer';
import type { NodeReader } from './node-reader';
import type { Ctx, InstanceScope } from './instance-draft';
import type { ConfNode } from './tree';
import { isIpv4, looksIpv6, readInt } from './values';

export function ipv4(keyword: string, token: Token, r: NodeReader): string | undefined {
  if (looksIpv6(token.text)) {
    r.sink.error(token, `${keyword}: IPv6 address ${token.text} is not supported by chaos`);
    return undefined;
  }
  if (!isIpv4(token.text)) {
    r.sink.error(token, `${keyword}: invalid IP address '${token.text}'`);
    return undefined;
  }
  return token.text;
}

/** keepalived accepts weights up to +/-254 but clamps them to +/-253 with a complaint. */
function trackWeight(keyword: string, token: Token, r: NodeReader): number | undefined {
  const read = readInt(token.text, -254, 254);
  if (!read.ok) {
    r.sink.error(token, `${keyword}: weight ${token.text} must be in [-253, 253]`);
    return undefined;
  }
  if (Math.abs(read.value) === 254) {
    r.sink.warn(
      token,
      `${keyword}: weight cannot be ${read.value}, keepalived uses ${Math.sign(read.value) * 253}`,
    );
    return Math.sign(read.value) * 253;
  }
  return read.value;
}

/** Why a tracked script is not there: invalid (dropped), defined later, or unknown. */
function missingScriptMessage(name: string, scope: InstanceScope): string {
  const invalid = scope.invalidScripts.get(name);
  if (invalid)
    return `track_script: vrrp_script '${name}' (line ${invalid.line}) is invalid (it has no script), so keepalived drops it`;
  const later = scope.allScripts.get(name);
  return later
    ? `track_script: vrrp_script '${name}' is defined after this instance (line ${later.line}); keepalived needs it defined before`
    : `track_script: unknown vrrp_script '${name}'`;
}

export function trackScriptItem(item: ConfNode, { d, r, scope }: Ctx): void {
  const name = item.name.text;
  const script = scope.scriptsSoFar.get(name);
  if (!script) {
    r.sink.error(item.name, missingScriptMessage(name, scope));
    return;
  }
  if (d.trackScripts.some((t) => t.name === name)) {
    r.sink.warn(
      item.name,
      `track_script: '${name}' is tracked twice; keepalived ignores the second`,
    );
    return;
  }
  let weight = script.weight;
  const [option, value, reverse] = item.args;
  if (option) {
    if (option.text !== 'weight') {
      r.sink.error(
        option,
        `track_script: unknown option '${option.text}' for '${name}' (expected weight)`,
      );
      return;
    }
    if (!value) {
      r.sink.error(option, `track_script: weight without a value for '${name}'`);
      return;
    }
    weight = trackWeight('track_script', value, r) ?? script.weight;
    if (reverse?.text === 'reverse' || reverse?.text === 'noreverse') {
      r.sink.warn(reverse, `track_script: '${reverse.text}' is not modelled by chaos (ignored)`);
    } else if (reverse) {
      r.sink.error(reverse, `track_script: unknown weight option '${reverse.text}' for '${name}'`);
    }
  }
  d.trackScripts.push({ name, weight, script });
  d.trackScriptAt.push(item.name);
}

export function trackInterfaceItem(item: ConfNode, { d, r }: Ctx): void {
  const name = item.name.text;
  if (d.options.trackInterfaces.some((t) => t.name === name)) {
    r.sink.warn(
      item.name,
      `track_interface: '${name}' is tracked twice; keepalived ignores the second`,
    );
    return;
  }
  let weight = 0;
  const [option, value] = item.args;
  if (option) {
    if (option.text !== 'weight') {
      r.sink.error(
        option,
        `track_interface: unknown option '${option.text}' for '${name}' (expected weight)`,
      );
      return;
    }
    if (!value) {
      r.sink.error(option, `track_interface: weight without a value for '${name}'`);
      return;
    }
    weight = trackWeight('track_interface', value, r) ?? 0;
  }
  d.options.trackInterfaces.push({ name, weight });
  d.trackInterfaceAt.push(item.name);
}

export function unicastPeerItem(item: ConfNode, { d, r }: Ctx): void {
  const ip = ipv4('unicast_peer', item.name, r);
  if (!ip) return;
  for (let i = 0; i < item.args.length; i += 2) {
    const option = item.args[i];
    if (!option) break;
    if (option.text !== 'min_ttl' && option.text !== 'max_ttl') {
      r.sink.error(option, `unicast_peer: unknown option '${option.text}' for ${ip}`);
    } else if (!item.args[i + 1]) {
      r.sink.error(option, `unicast_peer: '${option.text}' needs a value (for ${ip})`);
    } else {
      r.sink.warn(option, `unicast_peer: '${option.text}' is not modelled by chaos (ignored)`);
    }
  }
  d.unicastPeers.push(ip);
}
