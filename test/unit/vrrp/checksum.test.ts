import { internetChecksum, onesComplementSum, pseudoHeaderSum } from '../../../src/vrrp/checksum';
import { ipToNumber } from '../../../src/vrrp/ipv4';
import { Rng, hex, refOnesSum, refWords } from './builders';

describe('onesComplementSum / internetChecksum (RFC 1071)', () => {
  it.each([
    // RFC 1071 section 3 worked example: words 0001 f203 f4f5 f6f7 sum to ddf2.
    { name: 'RFC 1071 example', data: '0001 f203 f4f5 f6f7', sum: 0xddf2, checksum: 0x220d },
    { name: 'empty', data: '', sum: 0x0000, checksum: 0xffff },
    { name: 'all zero', data: '0000 0000', sum: 0x0000, checksum: 0xffff },
    { name: 'odd length pads a zero byte', data: '0001 f2', sum: 0xf201, checksum: 0x0dfe },
    { name: 'one odd byte', data: 'ab', sum: 0xab00, checksum: 0x54ff },
    { name: 'end-around carry', data: 'ffff 0001', sum: 0x0001, checksum: 0xfffe },
    { name: 'ffff stays ffff', data: 'ffff', sum: 0xffff, checksum: 0x0000 },
    { name: 'two carries', data: 'ffff ffff ffff 0003', sum: 0x0003, checksum: 0xfffc },
  ])('$name', ({ data, sum, checksum }) => {
    const bytes = hex(data);
    expect(onesComplementSum(bytes)).toBe(sum);
    expect(internetChecksum(bytes)).toBe(checksum);
  });

  it('a message carrying its checksum sums to 0xffff (checksum 0)', () => {
    // The IPv4 header of poweroff-master.pcap frame 1 with its checksum field zeroed.
    const data = hex('45c0 0028 0004 0000 ff70 0000 c0a8 1166 e000 0012');
    const sum = internetChecksum(data);
    expect(sum).toBe(0x0881); // as on the wire; tshark: "Header checksum status: Good"
    data[10] = sum >>> 8;
    data[11] = sum & 255;
    expect(onesComplementSum(data)).toBe(0xffff);
    expect(internetChecksum(data)).toBe(0);
  });

  it('folds an initial value larger than 16 bits', () => {
    expect(onesComplementSum(new Uint8Array(0), 0x1ffff)).toBe(0x0001);
    expect(onesComplementSum(hex('0001'), 0x3fffe)).toBe(0x0003);
    expect(internetChecksum(hex('0001'), 0x3fffe)).toBe(0xfffc);
  });

  it('does not overflow on a maximal 65535-octet buffer of 0xff', () => {
    const big = new Uint8Array(0xffff).fill(0xff);
    // 32767 words of 0xffff (each adds nothing) and a last padded word 0xff00.
    expect(refOnesSum(refWords(big))).toBe(0xff00);
    expect(onesComplementSum(big)).toBe(0xff00);
  });

  it('agrees with the modular reference on 2000 seeded random buffers', () => {
    const rng = new Rng(0x5eed1071);
    for (let i = 0; i < 2000; i++) {
      const data = rng.bytes(rng.int(0, 300));
      const initial = rng.bool(0.3) ? rng.int(0, 0x5fffa) : 0;
      const expected = refOnesSum([...refWords(data), initial]);
      expect(onesComplementSum(data, initial)).toBe(expected);
      expect(internetChecksum(data, initial)).toBe(0xffff - expected);
    }
  });

  it('does not modify its input', () => {
    const data = hex('0001 f203 f4f5 f6f7');
    internetChecksum(data, 5);
    expect(data).toEqual(hex('0001 f203 f4f5 f6f7'));
  });
});

describe('pseudoHeaderSum (RFC 5798 5.2.8, IPv4)', () => {
  it('adds source, destination, protocol and length as 16-bit words', () => {
    const src = ipToNumber('192.168.17.102');
    const dst = ipToNumber('224.0.0.18');
    // c0a8 + 1166 + e000 + 0012 + 0070 + 0010
    const words = [0xc0a8, 0x1166, 0xe000, 0x0012, 112, 16];
    expect(refOnesSum([pseudoHeaderSum(src, dst, 112, 16)])).toBe(refOnesSum(words));
    expect(pseudoHeaderSum(src, dst, 112, 16)).toBe(words.reduce((a, b) => a + b, 0));
  });

  it('handles addresses with the top bit set (no sign trouble)', () => {
    const all = ipToNumber('255.255.255.255');
    expect(pseudoHeaderSum(all, all, 255, 0xffff)).toBe(4 * 0xffff + 255 + 0xffff);
    expect(onesComplementSum(new Uint8Array(0), pseudoHeaderSum(all, all, 0, 0))).toBe(0xffff);
  });

  it('is the sum of the 12-octet pseudo-header as bytes', () => {
    const rng = new Rng(42);
    for (let i = 0; i < 500; i++) {
      const src = rng.ip();
      const dst = rng.ip();
      const length = rng.int(0, 0xffff);
      const bytes = [
        ...src.split('.').map(Number),
        ...dst.split('.').map(Number),
        0,
        112,
        length >>> 8,
        length & 255,
      ];
      const expected = refOnesSum(refWords(bytes));
      const sum = pseudoHeaderSum(ipToNumber(src), ipToNumber(dst), 112, length);
      expect(onesComplementSum(new Uint8Array(0), sum)).toBe(expected);
    }
  });
});
