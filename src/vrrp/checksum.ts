/**
 * The Internet checksum (RFC 1071): the 16-bit one's complement of the one's complement sum
 * of the data taken as 16-bit big-endian words, a trailing odd byte padded with zero.
 */
export function onesComplementSum(data: Uint8Array, initial = 0): number {
  let sum = initial;
  const n = data.length;
  let i = 0;
  for (; i + 1 < n; i += 2) sum += (data[i]! << 8) | data[i + 1]!;
  if (i < n) sum += data[i]! << 8;
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return sum;
}

export function internetChecksum(data: Uint8Array, initial = 0): number {
  return ~onesComplementSum(data, initial) & 0xffff;
}

/**
 * The sum of the IPv4 pseudo-header used by VRRPv3 (RFC 5798 section 5.2.8, as for UDP):
 * source, destination, zero, protocol, VRRP message length.
 */
export function pseudoHeaderSum(
  src: number,
  dst: number,
  protocol: number,
  length: number,
): number {
  return (
    (src >>> 16) + (src & 0xffff) + (dst >>> 16) + (dst & 0xffff) + protocol + (length & 0xffff)
  );
}
