import { POLL_TIMEOUT, pollFor, pollUntil } from '../../../src/lab/poll';

function clock() {
  let t = 0;
  return {
    now: () => t,
    sleep: (ms: number) => {
      t += ms;
      return Promise.resolve();
    },
  };
}

describe('pollFor / pollUntil', () => {
  test('the value and the time it took, on the given clock', async () => {
    const c = clock();
    let tries = 0;
    const r = await pollFor('x', () => Promise.resolve(++tries === 3 ? 'ok' : undefined), {
      timeoutMs: 1000,
      intervalMs: 100,
      clock: c,
    });
    expect(r).toEqual({ value: 'ok', elapsedMs: 200 });
  });

  test('after the timeout: `<what> after <timeoutMs> ms` with the code', async () => {
    const c = clock();
    let tries = 0;
    const never = () => {
      tries++;
      return Promise.resolve(false);
    };
    await expect(
      pollUntil('file not written', never, { timeoutMs: 120, intervalMs: 50, clock: c }),
    ).rejects.toMatchObject({
      code: POLL_TIMEOUT,
      message: 'file not written after 120 ms (POLL_TIMEOUT)',
    });
    // Tries at 0, 50, 100 and 150 ms: the last one after the bound, then the error.
    expect(tries).toBe(4);
    const options = { timeoutMs: 0, intervalMs: 1, clock: c, code: 'LAB_NOT_READY' };
    await expect(pollUntil('VIP', never, options)).rejects.toThrow(
      'VIP after 0 ms (LAB_NOT_READY)',
    );
  });

  test('an aborted signal ends the wait with INTERRUPTED before the next try', async () => {
    const controller = new AbortController();
    controller.abort('SIGINT');
    const check = jest.fn(() => Promise.resolve(true));
    await expect(
      pollUntil('x', check, {
        timeoutMs: 10,
        intervalMs: 1,
        clock: clock(),
        signal: controller.signal,
      }),
    ).rejects.toThrow('(INTERRUPTED)');
    expect(check).not.toHaveBeenCalled();
  });
});
