/**
 * Two teams on VRID 51: routers that advertise the same VRID for other addresses are another
 * group (they drop each other's adverts, RFC 3768 7.1), so the analysis neither switches over
 * between them nor calls their two masters a split brain.
 */
import { analyzeTimeline } from '../../../src/capture';
import { IpIds, NODE_A, NODE_B, advertSeries, observe } from './builders';

test('one VRID, two address lists: two groups, no switchover and no split brain between them', () => {
  const ids = new IpIds();
  const frames = [
    ...advertSeries(0, 20, { src: NODE_A, priority: 100 }, ids),
    // Another team's master on VRID 51 for its own VIP, with a higher priority, from t = 5 s.
    ...advertSeries(5, 15, { src: NODE_B, priority: 200, addresses: ['192.168.17.210'] }, ids),
  ];
  const r = analyzeTimeline(observe(frames));
  expect(r.vrids.map((v) => [v.vrid, v.addresses, v.routers])).toEqual([
    [51, ['192.168.17.200'], [NODE_A]],
    [51, ['192.168.17.210'], [NODE_B]],
  ]);
  expect(r.switchovers).toEqual([]);
  expect(r.splitBrain).toEqual([]);
  // The same two routers claiming one address list do compete: the higher priority preempts.
  const ids2 = new IpIds();
  const same = [
    ...advertSeries(0, 20, { src: NODE_A, priority: 100 }, ids2),
    ...advertSeries(5, 15, { src: NODE_B, priority: 200 }, ids2),
  ];
  expect(analyzeTimeline(observe(same)).vrids).toHaveLength(1);
});
