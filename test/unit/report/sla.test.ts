import {
  annualProjection,
  availabilityPercent,
  budgetShare,
  computeSla,
  errorBudget,
  SECONDS_PER_MONTH,
  SECONDS_PER_YEAR,
  sloOfResult,
} from '../../../src/report/sla';
import { scenarioResult } from '../../fixtures/reports/builders';

describe('error budget', () => {
  test('99.99% is 52.56 minutes a year and 4.38 a month', () => {
    const b = errorBudget(99.99);
    expect(b.perYear).toBe(3153.6);
    expect(b.minutesPerYear).toBe(52.56);
    expect(b.perMonth).toBe(262.8);
    expect(b.minutesPerMonth).toBe(4.38);
  });

  test.each([
    [99.9, 31536, 2628],
    [99.999, 315.36, 26.28],
    [99, 315360, 26280],
    [100, 0, 0],
  ])('%p%% -> %p s a year, %p s a month', (target, year, month) => {
    expect(errorBudget(target)).toMatchObject({ perYear: year, perMonth: month });
  });

  test('a year is 365 days, a month a twelfth of it', () => {
    expect(SECONDS_PER_YEAR).toBe(31_536_000);
    expect(SECONDS_PER_MONTH).toBe(2_628_000);
  });
});

describe('availability and projection', () => {
  test('availability over a window', () => {
    expect(availabilityPercent(0, 100)).toBe(100);
    expect(availabilityPercent(3.6, 100)).toBe(96.4);
    expect(availabilityPercent(1, 10_000)).toBe(99.99);
  });

  test('12 incidents a year of 3.58 s: 42.96 s a year', () => {
    const p = annualProjection(3.58, 12);
    expect(p.downtimeSecondsPerYear).toBe(42.96);
    expect(p.availability).toBe(99.999863775);
  });

  test('budget share', () => {
    expect(budgetShare(3153.6, 3153.6)).toBe(1);
    expect(budgetShare(3.6, 262.8)).toBe(0.01369863);
    expect(budgetShare(1, null)).toBeNull();
    expect(budgetShare(1, 0)).toBeNull();
  });
});

describe('computeSla', () => {
  const outages = [
    { start: 10, end: 13.6, durationSeconds: 3.6, failedRequests: 180 },
    { start: 50, end: 50.4, durationSeconds: 0.4, failedRequests: 20 },
  ];

  test('the full picture: window, incidents, budget, projection, objectives', () => {
    const sla = computeSla({
      slo: { availability: 99.99, maxDowntimeMs: 4000, incidentsPerYear: 12 },
      outages,
      windowSeconds: 100,
      requests: 5000,
    });
    expect(sla).toEqual({
      windowSeconds: 100,
      downtimeSeconds: 4,
      longestOutageSeconds: 3.6,
      availability: 96,
      incidents: [
        {
          start: 10,
          end: 13.6,
          durationSeconds: 3.6,
          ongoing: false,
          budgetShareYear: 0.001141553,
          budgetShareMonth: 0.01369863,
        },
        {
          start: 50,
          end: 50.4,
          durationSeconds: 0.4,
          ongoing: false,
          budgetShareYear: 0.000126839,
          budgetShareMonth: 0.00152207,
        },
      ],
      projection: {
        incidentsPerYear: 12,
        downtimeSecondsPerYear: 48,
        availability: 99.999847793,
        budgetShareYear: 0.0152207,
      },
      budget: {
        targetAvailability: 99.99,
        secondsPerYear: 3153.6,
        secondsPerMonth: 262.8,
        spentShareYear: 0.001268392,
        spentShareMonth: 0.0152207,
      },
      objectives: [
        {
          objective: 'maxDowntime',
          target: 4,
          actual: 3.6,
          verdict: 'pass',
          message: 'longest client outage 3.6 s within the maximum 4 s',
        },
        {
          objective: 'availability',
          target: 99.99,
          actual: 99.999847793,
          verdict: 'pass',
          message:
            'availability 99.999848% (12 incidents a year of 4 s each) meets the target 99.99%',
        },
      ],
      verdict: 'pass',
    });
  });

  test('without incidentsPerYear the availability is over the window, and fails', () => {
    const sla = computeSla({
      slo: { availability: 99.99, maxDowntimeMs: 3000 },
      outages,
      windowSeconds: 100,
      requests: 5000,
    });
    expect(sla.projection).toBeNull();
    expect(sla.objectives.map((o) => [o.objective, o.verdict, o.actual])).toEqual([
      ['maxDowntime', 'fail', 3.6],
      ['availability', 'fail', 96],
    ]);
    expect(sla.objectives[0]?.message).toBe('longest client outage 3.6 s exceeds the maximum 3 s');
    expect(sla.verdict).toBe('fail');
  });

  test('an outage still going at the end is ongoing', () => {
    const sla = computeSla({
      slo: null,
      outages: [{ start: 90, end: null, durationSeconds: 10, failedRequests: 500 }],
      windowSeconds: 100,
      requests: 5000,
    });
    expect(sla.incidents[0]?.ongoing).toBe(true);
    expect(sla.incidents[0]?.budgetShareYear).toBeNull();
    expect(sla.budget).toBeNull();
    expect(sla.verdict).toBe('none');
  });

  test('nothing probed: every figure is not measured, never 0', () => {
    const sla = computeSla({
      slo: { availability: 99.99, maxDowntimeMs: 4000, incidentsPerYear: 12 },
      outages: [],
      windowSeconds: 50,
      requests: 0,
    });
    expect(sla.downtimeSeconds).toBeNull();
    expect(sla.availability).toBeNull();
    expect(sla.longestOutageSeconds).toBeNull();
    expect(sla.projection).toBeNull();
    expect(sla.budget?.spentShareYear).toBeNull();
    expect(sla.budget?.secondsPerYear).toBe(3153.6);
    expect(sla.objectives.map((o) => o.verdict)).toEqual(['not-measured', 'not-measured']);
    expect(sla.objectives[1]?.message).toBe('availability not measured (target 99.99%)');
    expect(sla.verdict).toBe('not-measured');
  });

  test('no window (never reached a steady state): not measured', () => {
    expect(
      computeSla({ slo: null, outages: [], windowSeconds: null, requests: 10 }).windowSeconds,
    ).toBeNull();
  });
});

describe('sloOfResult', () => {
  test('recovers the objectives from the checks, incidentsPerYear from the projection', () => {
    const r = scenarioResult({
      slo: {
        passed: true,
        downtimeSeconds: 3.58,
        projectedDowntimeSecondsPerYear: 42.96,
        checks: [
          { objective: 'maxDowntime', target: 4, actual: 3.58, passed: true, message: '' },
          { objective: 'availability', target: 99.99, actual: 99.9998, passed: true, message: '' },
        ],
      },
    });
    expect(sloOfResult(r)).toEqual({
      maxDowntimeMs: 4000,
      availability: 99.99,
      incidentsPerYear: 12,
    });
    expect(sloOfResult(scenarioResult())).toBeNull();
  });
});
