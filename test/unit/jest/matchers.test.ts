/**
 * The matchers of chaos/jest on fake labs (a scripted status on a hand-advanced clock) and
 * built results: verdicts and the messages jest shows, both ways (`expect` and `expect.not`).
 * Importing src/jest registers them with jest's global expect.
 */
import { BAD_MATCHER_ARGUMENT, chaosMatchers } from '../../../src/jest';
import type { LabStatus } from '../../../src/lab/lab-status';
import type { SplitBrainRecord, SwitchoverRecord } from '../../../src/run/result';

const VIP = '192.168.17.200';

/** A lab whose VIP owners change at the given ms; its clock moves only when the matcher sleeps. */
function fakeLab(timeline: readonly { at: number; owners: string[] }[]) {
  let now = 0;
  const lab = {
    polls: 0,
    clock: {
      now: () => now,
      sleep: (ms: number): Promise<void> => {
        now += ms;
        return Promise.resolve();
      },
    },
    status(): Promise<LabStatus> {
      lab.polls++;
      const owners = [...timeline].reverse().find((t) => t.at <= now)?.owners ?? [];
      return Promise.resolve({
        lab: 'seed',
        runId: 'r1',
        vip: VIP,
        nodes: [],
        vipOwners: owners,
        splitBrain: owners.length > 1,
      });
    },
  };
  return lab;
}

const switchover = (over: Partial<SwitchoverRecord> = {}): SwitchoverRecord => ({
  vrid: 51,
  from: 'server01',
  to: 'server03',
  at: 9.613,
  gapSeconds: 3.609375,
  reason: 'silence',
  duringSplitBrain: false,
  ...over,
});

const splitBrain = (over: Partial<SplitBrainRecord> = {}): SplitBrainRecord => ({
  vrid: 51,
  nodes: ['server01', 'server03'],
  start: 20,
  end: 22.5,
  durationSeconds: 2.5,
  ...over,
});

const result = (switchovers: SwitchoverRecord[], splits: SplitBrainRecord[] = []) => ({
  switchovers,
  splitBrain: splits,
});

describe('toHoldVip', () => {
  it('passes at the first poll that sees the node as the only owner', async () => {
    const lab = fakeLab([
      { at: 0, owners: ['server01'] },
      { at: 3600, owners: ['server03'] },
    ]);
    await expect(lab).toHoldVip('server03', { within: '5s' });
    expect(lab.clock.now()).toBe(3600);
    expect(lab.polls).toBe(37);
  });

  it('fails at the deadline naming the owners it saw last and the limit', async () => {
    const lab = fakeLab([{ at: 0, owners: ['server01'] }]);
    await expect(expect(lab).toHoldVip('server03', { within: '5s' })).rejects.toThrow(
      `expected server03 to hold VIP ${VIP} within 5000 ms; after 5000 ms (51 status polls) its owners were server01`,
    );
    expect(lab.clock.now()).toBe(5000);
  });

  it('does not count a split brain as holding, and says there was one', async () => {
    const lab = fakeLab([{ at: 0, owners: ['server01', 'server03'] }]);
    const r = await chaosMatchers.toHoldVip(lab, 'server03', { within: 250 });
    expect(r.pass).toBe(false);
    expect(r.message()).toBe(
      `expected server03 to hold VIP ${VIP} within 250 ms; after 250 ms (4 status polls) its owners were server01, server03 (split brain)`,
    );
  });

  it('without within asks once; .not fails naming when the node held it', async () => {
    const lab = fakeLab([{ at: 0, owners: ['server01'] }]);
    await expect(lab).not.toHoldVip('server03');
    expect(lab.polls).toBe(1);
    await expect(expect(lab).not.toHoldVip('server01', { within: '2s' })).rejects.toThrow(
      `expected server01 not to hold VIP ${VIP} within 2000 ms, but it held it after 0 ms`,
    );
  });

  it('says "none" when nobody holds the VIP', async () => {
    const r = await chaosMatchers.toHoldVip(fakeLab([]), 'server03');
    expect(r.message()).toBe(
      `expected server03 to hold VIP ${VIP} within 0 ms; after 0 ms (1 status poll) its owners were none`,
    );
  });

  it('refuses what is not a lab, and a within that is not a duration', async () => {
    await expect(chaosMatchers.toHoldVip({}, 'server03')).rejects.toMatchObject({
      code: BAD_MATCHER_ARGUMENT,
    });
    await expect(
      chaosMatchers.toHoldVip(fakeLab([]), 'server03', { within: 'soon' }),
    ).rejects.toThrow("toHoldVip within: 'soon' is not a duration");
  });
});

describe('toHaveSwitchedOver', () => {
  it('passes on a switchover from -> to with a gap under the limit', () => {
    const r = result([switchover()]);
    expect(r).toHaveSwitchedOver({ from: 'server01', to: 'server03', gapUnder: '3.7s' });
    expect(r).toHaveSwitchedOver();
    expect(() =>
      expect(r).not.toHaveSwitchedOver({ from: 'server01', to: 'server03', gapUnder: '3.7s' }),
    ).toThrow(
      'expected no switchover server01 -> server03 with a gap under 3.7 s, but saw server01 -> server03 (gap 3.609 s at 9.613 s)',
    );
  });

  it('fails naming the gap and the limit when the gap is too long', () => {
    const r = chaosMatchers.toHaveSwitchedOver(result([switchover({ gapSeconds: 4.1021 })]), {
      from: 'server01',
      to: 'server03',
      gapUnder: '3.7s',
    });
    expect(r.pass).toBe(false);
    expect(r.message()).toBe(
      'expected a switchover server01 -> server03 with a gap under 3.7 s; the gap was 4.102 s, limit 3.7 s (saw server01 -> server03 (gap 4.102 s at 9.613 s))',
    );
  });

  it('fails listing what it saw when no switchover matches, or none happened', () => {
    const back = switchover({ from: 'server03', to: 'server01', at: 30 });
    expect(
      chaosMatchers
        .toHaveSwitchedOver(result([back]), { from: 'server01', to: 'server03' })
        .message(),
    ).toBe(
      'expected a switchover server01 -> server03; none matched (saw server03 -> server01 (gap 3.609 s at 30 s))',
    );
    expect(() => expect(result([])).toHaveSwitchedOver({ to: 'server03', gapUnder: 3700 })).toThrow(
      'expected a switchover any -> server03 with a gap under 3.7 s; none matched (saw no switchover at all)',
    );
  });

  it('refuses a value without switchovers', () => {
    expect(() => chaosMatchers.toHaveSwitchedOver({ status: 'passed' })).toThrow(
      'toHaveSwitchedOver: expected a result with switchovers (runScenario(), lab.evidence() or analyze()), got object',
    );
  });
});

describe('toHaveNoSplitBrain', () => {
  it('passes without split brain; .not fails saying it saw none', () => {
    expect(result([switchover()])).toHaveNoSplitBrain();
    expect(() => expect(result([])).not.toHaveNoSplitBrain()).toThrow(
      'expected a split brain (two or more masters at once), but saw none',
    );
  });

  it('fails naming each interval, the total and the limit', () => {
    const r = result([], [splitBrain(), splitBrain({ start: 40, durationSeconds: 0.25 })]);
    expect(() => expect(r).toHaveNoSplitBrain()).toThrow(
      'expected no split brain (limit 0 s); saw 2 intervals, 2.75 s in all: server01 + server03 for 2.5 s from 20 s; server01 + server03 for 0.25 s from 40 s',
    );
  });

  it("reads analyze()'s masters (addresses)", () => {
    const analysis = {
      splitBrain: [
        {
          vrid: 51,
          masters: ['192.168.17.101', '192.168.17.102'],
          start: 5,
          end: 6,
          durationSeconds: 1,
        },
      ],
    };
    expect(chaosMatchers.toHaveNoSplitBrain(analysis).message()).toBe(
      'expected no split brain (limit 0 s); saw 1 interval, 1 s in all: 192.168.17.101 + 192.168.17.102 for 1 s from 5 s',
    );
  });
});
