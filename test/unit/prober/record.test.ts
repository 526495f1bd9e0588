import {
  addToSummary,
  emptySummary,
  formatRecord,
  isOkStatus,
  type ProbeRecord,
} from '../../../src/prober/record';

describe('formatRecord', () => {
  it('writes one JSON line with the fields in order, without error when answered', () => {
    expect(
      formatRecord({
        t: 1700000000000.125,
        ok: true,
        status: 200,
        servedBy: 's1',
        latencyMs: 1.23456,
      }),
    ).toBe('{"t":1700000000000.125,"ok":true,"status":200,"servedBy":"s1","latencyMs":1.235}\n');
  });

  it('keeps the error', () => {
    expect(
      formatRecord({
        t: 1,
        ok: false,
        status: null,
        servedBy: null,
        latencyMs: 200,
        error: 'timeout',
      }),
    ).toBe('{"t":1,"ok":false,"status":null,"servedBy":null,"latencyMs":200,"error":"timeout"}\n');
  });
});

describe('isOkStatus', () => {
  it.each([
    [200, true],
    [302, true],
    [404, false],
    [503, false],
  ])('%d -> %p', (status, ok) => expect(isOkStatus(status)).toBe(ok));
});

describe('summary', () => {
  it('counts ok answers per node', () => {
    const r = (ok: boolean, servedBy: string | null): ProbeRecord => ({
      t: 0,
      ok,
      status: ok ? 200 : 503,
      servedBy,
      latencyMs: 1,
    });
    const s = [r(true, 'a'), r(true, 'b'), r(true, 'a'), r(false, 'a')].reduce(
      addToSummary,
      emptySummary(),
    );
    expect(s).toEqual({ requests: 4, ok: 3, failed: 1, skippedSlots: 0, servedBy: { a: 2, b: 1 } });
  });
});
