/** IPv4 subnets as scenario files write them (`192.168.17.0/24`). Pure. */
import { ipToNumber } from '../vrrp/ipv4';

export interface Cidr {
  network: number;
  prefix: number;
  mask: number;
}

export function parseCidr(cidr: string): Cidr {
  const [addr = '', prefixText = '32'] = cidr.split('/');
  const prefix = Number(prefixText);
  const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
  return { network: (ipToNumber(addr) & mask) >>> 0, prefix, mask };
}

export function inSubnet(ip: string, c: Cidr): boolean {
  return (ipToNumber(ip) & c.mask) >>> 0 === c.network;
}
