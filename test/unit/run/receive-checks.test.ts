/** Receive-check bookkeeping: counter deltas, several floods, chaos-vrrpd's stats file. */
import { vrrpdDrops } from '../../../src/drivers/docker/floods';
import { ReceiveCheckLog, counterDelta, sentByReason } from '../../../src/run/receive-checks';

describe('receive checks', () => {
  test('delta: what grew; a counter that restarted counts from zero', () => {
    expect(counterDelta({ ttl: 5, auth: 2 }, { ttl: 9, auth: 2, vrid: 4 })).toEqual({
      ttl: 4,
      vrid: 4,
    });
    expect(counterDelta({ ttl: 50 }, { ttl: 3 })).toEqual({ ttl: 3 });
  });

  test('two floods: sent added by reason, a node counted once with its counters added', () => {
    const log = new ReceiveCheckLog();
    expect(log.result()).toBeNull();
    const flood = (sender: string, n: number) => ({
      sender,
      address: '10.0.0.9',
      pps: 10,
      seconds: 1,
      kinds: [{ kind: 'auth', reason: 'auth-type', sent: n }],
    });
    log.addSent(flood('a', 3));
    log.addSent(flood('b', 4));
    const node = (n: number) => ({
      node: 's1',
      daemon: 'sim',
      counters: { 'auth-type': n },
      uncounted: [],
    });
    log.addNode(node(3));
    log.addNode(node(4));
    const r = log.result()!;
    expect(sentByReason(r.sent)).toEqual({ 'auth-type': 7 });
    expect(r.nodes).toEqual([node(7)]);
  });

  test("chaos-vrrpd's stats file: the instance of the VRID", () => {
    const text = JSON.stringify({
      pid: 7,
      at: 1,
      instances: [
        { name: 'VI_2', vrid: 52, drops: { ttl: 1 } },
        { name: 'VI_1', vrid: 51, drops: { ttl: 10, checksum: 3 }, counters: {} },
      ],
    });
    expect(vrrpdDrops(text, 51)).toEqual({ ttl: 10, checksum: 3 });
    expect(() => vrrpdDrops(text, 9)).toThrow(/no instance with VRID 9/);
  });
});
