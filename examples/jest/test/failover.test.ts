/**
 * The course's lab (server01 MASTER, server03 BACKUP, both priority 100, one-second adverts):
 * power off the master; the backup must hold the VIP within 5 s, after a VRRP gap under 3.7 s
 * (Master_Down_Interval is 3 x 1 s + (256 - 100)/256 s = 3.609 s), with no split brain.
 * `await using` tears the lab down however the test ends.
 */
import { startLab } from 'chaos';
import 'chaos/jest';

test('the backup takes over when the master loses power', async () => {
  await using lab = await startLab({ progress: (line) => console.log(line) });
  await expect(lab).toHoldVip('server01', { within: '30s' });

  await lab.fault('power-off', 'server01');
  await expect(lab).toHoldVip('server03', { within: '5s' });

  const evidence = await lab.evidence();
  expect(evidence).toHaveSwitchedOver({ from: 'server01', to: 'server03', gapUnder: '3.7s' });
  expect(evidence).toHaveNoSplitBrain();
  expect((await lab.probe()).servedBy).toBe('server03');
});
