/**
 * Fuzzing the VRRP and IPv4 decoders with seeded inputs: random byte strings and mutations of
 * valid v2/v3 datagrams. Every failure must be a DecodeError with a stable code (never a
 * TypeError or RangeError), decoding must never write to its input, and whatever decodes must
 * encode and decode again to the same packet.
 */
import { DecodeError } from '../../../src/errors';
import {
  decodeVrrp,
  decodeVrrpDatagram,
  encodeVrrp,
  encodeVrrpDatagram,
  type VrrpDecodeOptions,
  type VrrpPacket,
} from '../../../src/vrrp/packet';
import { Rng, randomAddressed, repairIpv4Checksum, setVrrpChecksum, toHex } from './builders';

const CODE = /^[A-Z0-9_]+$/;

type DatagramOptions = Omit<VrrpDecodeOptions, 'src' | 'dst'>;
const DATAGRAM_OPTIONS: DatagramOptions[] = [
  {}, // pseudo-header, the default
  { v3Checksum: 'vrrp-only' },
  { v3Checksum: 'either' },
  { skipChecksum: true },
];

/** Outcome counts: `ok` or the error code, per decoder. */
class Tally {
  readonly datagram = new Map<string, number>();
  readonly message = new Map<string, number>();
  inputs = 0;
  calls = 0;
  readonly problems: string[] = [];

  add(map: Map<string, number>, key: string): void {
    map.set(key, (map.get(key) ?? 0) + 1);
  }

  problem(what: string, input: Uint8Array, detail: unknown): void {
    if (this.problems.length < 20) {
      const text = detail instanceof Error ? `${detail.name}: ${detail.message}` : String(detail);
      this.problems.push(`${what} on ${toHex(input)}: ${text}`);
    }
  }

  /** Run one decode; a thrown value must be a well-formed DecodeError. */
  run<T>(map: Map<string, number>, input: Uint8Array, what: string, fn: () => T): T | undefined {
    this.calls++;
    try {
      const out = fn();
      this.add(map, 'ok');
      return out;
    } catch (err) {
      if (
        err instanceof DecodeError &&
        typeof err.code === 'string' &&
        CODE.test(err.code) &&
        typeof err.field === 'string' &&
        err.field !== '' &&
        err.message.endsWith(` (${err.code})`)
      ) {
        this.add(map, err.code);
      } else {
        this.add(map, 'ESCAPED');
        this.problem(what, input, err);
      }
      return undefined;
    }
  }
}

const tally = new Tally();

/**
 * Feed one input to every decoder in every checksum mode: decodeVrrpDatagram on the whole input,
 * decodeVrrp on the input itself (`asMessage`, for random strings) or on what follows a 20-octet
 * IPv4 header (for mutated datagrams).
 */
function feed(input: Uint8Array, rng: Rng, asMessage: boolean): void {
  tally.inputs++;
  const data = rng.bool() ? Buffer.from(input) : input.slice();
  const before = toHex(data);

  for (const opts of DATAGRAM_OPTIONS) {
    const d = tally.run(tally.datagram, input, 'decodeVrrpDatagram', () =>
      decodeVrrpDatagram(data, opts),
    );
    if (d) {
      // What decodes re-encodes (reserved bits zeroed, checksum recomputed) to the same packet.
      const addressing = { src: d.ip.src, dst: d.ip.dst, v3Checksum: d.checksumMode };
      try {
        const again = decodeVrrp(encodeVrrp(d.vrrp, addressing), addressing).packet;
        if (!samePacket(again, d.vrrp)) tally.problem('re-encode differs', input, '');
      } catch (err) {
        tally.problem('re-encode failed', input, err);
      }
    }
  }

  const message = asMessage ? data : data.subarray(Math.min(20, data.length));
  const src = asMessage ? '192.168.17.102' : `${data[12]}.${data[13]}.${data[14]}.${data[15]}`;
  const dst = asMessage ? '224.0.0.18' : `${data[16]}.${data[17]}.${data[18]}.${data[19]}`;
  for (const opts of [
    {}, // v3 without addresses: VRRP_NO_ADDRESSES
    { src, dst },
    { v3Checksum: 'vrrp-only' as const },
    { src, dst, v3Checksum: 'either' as const },
    { skipChecksum: true },
  ]) {
    tally.run(tally.message, input, 'decodeVrrp', () => decodeVrrp(message, opts));
  }

  if (toHex(data) !== before) tally.problem('input modified', input, before);
}

function samePacket(a: VrrpPacket, b: VrrpPacket): boolean {
  const strip = (p: VrrpPacket) =>
    JSON.stringify({ ...p, checksum: 0 }, (_, v: unknown) =>
      v instanceof Uint8Array ? toHex(v) : v,
    );
  return strip(a) === strip(b);
}

/** A mutated copy of a valid datagram. */
function mutate(valid: Uint8Array, rng: Rng): Uint8Array {
  let d = valid.slice();
  const kind = rng.int(0, 6);
  switch (kind) {
    case 0: {
      // 1..3 bit flips anywhere
      for (let n = rng.int(1, 3); n > 0; n--) d[rng.int(0, d.length - 1)]! ^= 1 << rng.int(0, 7);
      break;
    }
    case 1: {
      // a random byte value anywhere
      d[rng.int(0, d.length - 1)] = rng.int(0, 255);
      break;
    }
    case 2: {
      // a field that matters: version/IHL, total length, protocol, VRRP version/type,
      // vrid, count, interval
      const at = rng.pick([0, 2, 3, 9, 20, 21, 23, 24, 25]);
      if (at < d.length) d[at] = rng.bool(0.5) ? rng.int(0, 255) : d[at]! ^ (1 << rng.int(0, 7));
      break;
    }
    case 3: {
      // truncation
      d = d.slice(0, rng.int(0, d.length - 1));
      break;
    }
    case 4: {
      // extension with random octets (trailing padding, or a length mismatch when repaired)
      const extra = rng.bytes(rng.int(1, 24));
      const out = new Uint8Array(d.length + extra.length);
      out.set(d);
      out.set(extra, d.length);
      d = out;
      break;
    }
    case 5: {
      // extension that also claims the new length in the IPv4 header
      const extra = rng.bytes(rng.int(1, 12) * 4);
      const out = new Uint8Array(d.length + extra.length);
      out.set(d);
      out.set(extra, d.length);
      out[2] = out.length >>> 8;
      out[3] = out.length & 255;
      d = out;
      break;
    }
    default: {
      // a random run of octets
      const start = rng.int(0, d.length - 1);
      const end = Math.min(d.length, start + rng.int(1, 8));
      for (let i = start; i < end; i++) d[i] = rng.int(0, 255);
    }
  }
  // Often repair the checksums so the mutation reaches the checks behind them.
  if (rng.bool(0.6)) repairIpv4Checksum(d);
  if (rng.bool(0.5) && d.length >= 28) {
    const message = d.subarray(20);
    const src = `${d[12]}.${d[13]}.${d[14]}.${d[15]}`;
    const dst = `${d[16]}.${d[17]}.${d[18]}.${d[19]}`;
    const mode = message[0]! >>> 4 === 3 ? rng.pick(['pseudo-header', 'vrrp-only'] as const) : 'v2';
    setVrrpChecksum(message, mode, src, dst);
  }
  return d;
}

function validDatagram(rng: Rng, version: 2 | 3): Uint8Array {
  for (;;) {
    const c = randomAddressed(rng);
    if (c.packet.version !== version) continue;
    // Few addresses keep inputs short (like real adverts) and the run fast.
    const packet = { ...c.packet, addresses: c.packet.addresses.slice(0, rng.int(0, 4)) };
    const { src, dst, v3Checksum, id } = c;
    return encodeVrrpDatagram(packet, { src, dst, v3Checksum, id });
  }
}

const RANDOM_INPUTS = 30_000;
const MUTATIONS = 36_000; // per version
const MUTATIONS_PER_VALID = 12;

const TIMEOUT_MS = 120_000;

describe('fuzzing the decoders (seeded)', () => {
  // Capturing a stack for each of ~800,000 thrown errors is most of the run time; the stacks
  // are not looked at, so capture none while fuzzing.
  const stackTraceLimit = Error.stackTraceLimit;
  beforeAll(() => {
    Error.stackTraceLimit = 0;
  });
  afterAll(() => {
    Error.stackTraceLimit = stackTraceLimit;
  });

  it(
    `random byte strings of 0..80 octets (${RANDOM_INPUTS})`,
    () => {
      const rng = new Rng(0xf022);
      for (let i = 0; i < RANDOM_INPUTS; i++) feed(rng.bytes(rng.int(0, 80)), rng, true);
      expect(tally.problems).toEqual([]);
    },
    TIMEOUT_MS,
  );

  it.each([2, 3] as const)(
    `mutations of valid v%i datagrams (${MUTATIONS})`,
    (version) => {
      const rng = new Rng(0xbeef + version);
      for (let i = 0; i < MUTATIONS / MUTATIONS_PER_VALID; i++) {
        const valid = validDatagram(rng, version);
        expect(decodeVrrpDatagram(valid, { v3Checksum: 'either' }).vrrp.version).toBe(version);
        for (let j = 0; j < MUTATIONS_PER_VALID; j++) feed(mutate(valid, rng), rng, false);
      }
      expect(tally.problems).toEqual([]);
    },
    TIMEOUT_MS,
  );

  it('saw at least 100,000 inputs, successes, and the error codes we expect', () => {
    const datagram = Object.fromEntries([...tally.datagram].sort());
    const message = Object.fromEntries([...tally.message].sort());
    expect(tally.problems).toEqual([]);
    expect(tally.inputs).toBeGreaterThanOrEqual(100_000);
    expect(datagram.ESCAPED).toBeUndefined();
    expect(message.ESCAPED).toBeUndefined();
    expect(datagram.ok).toBeGreaterThan(1000);
    expect(message.ok).toBeGreaterThan(1000);
    const expected = [
      'IPV4_TRUNCATED',
      'IPV4_BAD_VERSION',
      'IPV4_BAD_IHL',
      'IPV4_BAD_LENGTH',
      'IPV4_BAD_CHECKSUM',
      'VRRP_NOT_VRRP',
      'VRRP_TRUNCATED',
      'VRRP_BAD_VERSION',
      'VRRP_BAD_TYPE',
      'VRRP_BAD_VRID',
      'VRRP_BAD_LENGTH',
      'VRRP_BAD_CHECKSUM',
    ];
    expect(expected.filter((code) => !(datagram[code]! > 0))).toEqual([]);
    expect(message.VRRP_NO_ADDRESSES).toBeGreaterThan(0);
    expect(Object.keys(datagram).length).toBeGreaterThanOrEqual(13);
    if (process.env.FUZZ_REPORT) {
      console.log(
        `fuzz: ${tally.inputs} inputs, ${tally.calls} decode calls\n` +
          `datagram outcomes ${JSON.stringify(datagram)}\n` +
          `message outcomes ${JSON.stringify(message)}`,
      );
    }
  });
});
