import { formatDuration, parseDuration } from '../../../src/scenario/duration';

describe('durations', () => {
  test.each([
    ['300ms', 300],
    ['5s', 5000],
    ['1.5s', 1500],
    ['3.609375s', 3609.375],
    ['0.3609375s', 360.9375],
    ['.5s', 500],
    ['2m', 120_000],
    ['1h', 3_600_000],
    [' 20 ms ', 20],
  ])('%s is %d ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  test.each(['5', 's', '5 sec', '-1s', '1e3ms', '5s5', ''])('%p is not a duration', (text) => {
    expect(parseDuration(text)).toBeUndefined();
  });

  test.each([
    [0, '0 s'],
    [300, '300 ms'],
    [360.9375, '360.938 ms'],
    [3609.375, '3.609375 s'],
    [5000, '5 s'],
    [180_000, '3 min'],
  ])('%d ms reads %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});
