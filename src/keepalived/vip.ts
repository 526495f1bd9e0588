/**
 * One virtual_ipaddress entry: `ADDR[/PREFIX] [dev IF] [label LABEL] ...`, as keepalived 2.2.7
 * keepalived/vrrp/vrrp_ipaddress.c (parse_ipaddress(), alloc_ipaddress()) reads it. The prefix
 * defaults to /32; without `dev` the address goes on the instance's interface.
 */
import { INSTANCE_DEFAULTS } from '../vrrp/config';
import type { Token } from './lexer';
import type { NodeReader } from './node-reader';
import type { ConfNode } from './tree';
import type { KeepalivedVip } from './types';
import { isIpv4, looksIpv6, readUnsigned } from './values';

/** keepalived: IFNAMSIZ is 16, so interface names and labels are at most 15 characters. */
export const IFNAMSIZ = 16;

export function validIfName(keyword: string, token: Token, r: NodeReader): boolean {
  if (token.text.length < IFNAMSIZ) return true;
  r.sink.error(
    token,
    `${keyword}: interface name '${token.text}' is longer than ${IFNAMSIZ - 1} characters`,
  );
  return false;
}

/** VIP options keepalived accepts that chaos does not model: option -> takes a value. */
const VIP_UNMODELLED: Record<string, boolean> = {
  scope: true,
  brd: true,
  broadcast: true,
  peer: true,
  preferred_lft: true,
  home: false,
  '-nodad': false,
  mngtmpaddr: false,
  noprefixroute: false,
  autojoin: false,
  no_track: false,
  use_vmac: false,
};

/** `ADDR[/PREFIX] [dev IF] [label LABEL] ...` (vrrp_ipaddress.c alloc_ipaddress()). */
export function parseVip(item: ConfNode, r: NodeReader): KeepalivedVip | undefined {
  const token = item.name;
  const slash = token.text.indexOf('/');
  const addressText = slash === -1 ? token.text : token.text.slice(0, slash);
  const prefixText = slash === -1 ? undefined : token.text.slice(slash + 1);
  if (looksIpv6(addressText)) {
    r.sink.error(token, `virtual_ipaddress: IPv6 address ${token.text} is not supported by chaos`);
    return undefined;
  }
  if (!isIpv4(addressText)) {
    r.sink.error(token, `virtual_ipaddress: invalid IP address '${token.text}'`);
    return undefined;
  }
  let prefixLength = INSTANCE_DEFAULTS.vipPrefixLength;
  if (prefixText !== undefined) {
    const prefix = readUnsigned(prefixText, 0, 32);
    if (!prefix.ok) {
      r.sink.error(
        token,
        `virtual_ipaddress: invalid prefix length '${prefixText}' in ${token.text} (0..32)`,
      );
      return undefined;
    }
    prefixLength = prefix.value;
  }
  const vip: KeepalivedVip = { address: addressText, prefixLength };
  const args = item.args;
  for (let i = 0; i < args.length; i++) {
    const option = args[i];
    if (!option) break;
    const takesValue =
      option.text === 'dev' ||
      option.text === 'label' ||
      (Object.hasOwn(VIP_UNMODELLED, option.text) && VIP_UNMODELLED[option.text] === true);
    const value = takesValue ? args[i + 1] : undefined;
    if (takesValue && !value) {
      r.sink.error(option, `virtual_ipaddress: '${option.text}' needs a value (for ${token.text})`);
      return undefined;
    }
    if (value) i++;
    if (option.text === 'dev' && value) {
      if (vip.device !== undefined) {
        r.sink.error(option, `virtual_ipaddress: dev given twice for ${token.text}`);
        return undefined;
      }
      if (!validIfName('virtual_ipaddress', value, r)) return undefined;
      vip.device = value.text;
    } else if (option.text === 'label' && value) {
      if (value.text.length >= IFNAMSIZ) {
        r.sink.error(
          value,
          `virtual_ipaddress: label ${value.text} is longer than ${IFNAMSIZ - 1} characters`,
        );
        return undefined;
      }
      vip.label = value.text;
    } else if (Object.hasOwn(VIP_UNMODELLED, option.text)) {
      r.sink.warn(option, `virtual_ipaddress: '${option.text}' is not modelled by chaos (ignored)`);
    } else {
      r.sink.warn(
        option,
        `virtual_ipaddress: unknown option '${option.text}' for ${token.text} (ignored)`,
      );
    }
  }
  return vip;
}
