/**
 * junit.xml, pure: the shape Jenkins (xunit-plugin's junit-10.xsd) and the GitHub test
 * reporters read. One <testsuite> per scenario; one <testcase> per expect step and per
 * objective; a failed one carries <failure message="plain words">, one that never ran
 * <skipped>, a lab failure <error>. Attributes are limited to the ones that schema allows
 * (e.g. no `skipped` on <testsuites>, only name/classname/time on <testcase>).
 */
import type { Report, ScenarioReport } from './model';

/**
 * Characters XML 1.0 cannot carry at all (C0 controls but tab, newline and return; U+FFFE,
 * U+FFFF) and lone UTF-16 surrogates (no character; written out they become U+FFFD anyway),
 * each replaced by U+FFFD. report.md uses it too.
 */
export function replaceInvalidChars(text: string): string {
  return text.replace(
    // eslint-disable-next-line no-control-regex
    /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g,
    '\ufffd',
  );
}

export function xmlEscape(text: string): string {
  return replaceInvalidChars(text)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

const attrs = (a: Record<string, string | number>): string =>
  Object.entries(a)
    .map(([k, v]) => ` ${k}="${xmlEscape(String(v))}"`)
    .join('');

/** Seconds with at most 3 decimals, no exponent (SUREFIRE_TIME). */
export function junitTime(seconds: number): string {
  return Math.max(0, seconds).toFixed(3);
}

type Outcome =
  { kind: 'passed' } | { kind: 'failure' | 'error' | 'skipped'; message: string; type: string };

interface Case {
  name: string;
  time: number;
  outcome: Outcome;
}

function casesOf(r: ScenarioReport): Case[] {
  const cases: Case[] = [];
  if (r.status === 'skipped') {
    cases.push({
      name: 'scenario',
      time: 0,
      outcome: { kind: 'skipped', message: r.notice ?? 'skipped', type: 'skipped' },
    });
    return cases;
  }
  for (const step of r.steps) {
    if (step.kind !== 'expect') continue;
    const name = `step ${step.index + 1}: ${step.description}`;
    const time = step.start !== null && step.end !== null ? step.end - step.start : 0;
    const outcome: Outcome =
      step.outcome === 'passed'
        ? { kind: 'passed' }
        : step.outcome === 'failed'
          ? { kind: 'failure', message: step.message ?? 'failed', type: 'expectation' }
          : step.outcome === 'error'
            ? { kind: 'error', message: step.message ?? 'error', type: r.error?.code ?? 'error' }
            : {
                kind: 'skipped',
                message:
                  r.status === 'error'
                    ? 'not run: the lab failed before this step'
                    : 'not run: an earlier step failed',
                type: 'not-run',
              };
    cases.push({ name, time, outcome });
  }
  for (const o of r.sla.objectives) {
    const name = `objective ${o.objective}`;
    const outcome: Outcome =
      o.verdict === 'pass'
        ? { kind: 'passed' }
        : o.verdict === 'fail'
          ? { kind: 'failure', message: o.message, type: 'objective' }
          : { kind: 'skipped', message: o.message, type: 'not-measured' };
    cases.push({ name, time: 0, outcome });
  }
  // A lab failure outside any expect step (bring-up, a fault that could not be applied).
  if (r.status === 'error' && !cases.some((c) => c.outcome.kind === 'error'))
    cases.push({
      name: 'lab',
      time: 0,
      outcome: {
        kind: 'error',
        message: r.error?.message ?? 'the lab failed',
        type: r.error?.code ?? 'error',
      },
    });
  for (const rb of r.rollback)
    if (!rb.ok)
      cases.push({
        name: `rollback: heal ${rb.fault}`,
        time: 0,
        outcome: { kind: 'error', message: rb.error ?? 'heal failed', type: 'rollback' },
      });
  return cases;
}

function renderCase(c: Case, classname: string): string {
  const head = `    <testcase${attrs({ name: c.name, classname, time: junitTime(c.time) })}`;
  if (c.outcome.kind === 'passed') return `${head}/>`;
  const o = c.outcome;
  return `${head}>\n      <${o.kind}${attrs({ message: o.message, type: o.type })}>${xmlEscape(o.message)}</${o.kind}>\n    </testcase>`;
}

function suiteTime(r: ScenarioReport): number {
  return r.steadyAt === null ? 0 : Math.max(0, r.end);
}

export function renderJunit(report: Report): string {
  const suites: string[] = [];
  let tests = 0;
  let failures = 0;
  let errors = 0;
  let time = 0;
  for (const r of report.scenarios) {
    const cases = casesOf(r);
    const n = (k: Outcome['kind']): number => cases.filter((c) => c.outcome.kind === k).length;
    tests += cases.length;
    failures += n('failure');
    errors += n('error');
    time += suiteTime(r);
    const classname = `chaos.${r.name}`;
    const props: [string, string][] = [
      ['file', r.file],
      ['driver', r.driver],
      ['status', r.status],
    ];
    if (r.seed !== null) props.push(['seed', String(r.seed)]);
    if (r.sla.downtimeSeconds !== null)
      props.push(['client downtime (s)', String(r.sla.downtimeSeconds)]);
    if (r.sla.availability !== null) props.push(['availability (%)', String(r.sla.availability)]);
    r.switchovers.forEach((sw, i) =>
      props.push([`switchover ${i + 1} gap (s)`, `${sw.gapSeconds} (${sw.from} -> ${sw.to})`]),
    );
    const lines = [
      `  <testsuite${attrs({
        name: r.name,
        tests: cases.length,
        failures: n('failure'),
        errors: n('error'),
        skipped: n('skipped'),
        time: junitTime(suiteTime(r)),
        ...(report.generatedAt ? { timestamp: report.generatedAt.replace(/\.\d+Z$/, '') } : {}),
        file: r.file,
      })}>`,
      '    <properties>',
      ...props.map(([k, v]) => `      <property${attrs({ name: k, value: v })}/>`),
      '    </properties>',
      ...cases.map((c) => renderCase(c, classname)),
    ];
    if (r.failure) lines.push(`    <system-out>${xmlEscape(r.failure)}</system-out>`);
    lines.push('  </testsuite>');
    suites.push(lines.join('\n'));
  }
  const head = `<testsuites${attrs({
    name: report.interrupted ? 'chaos (interrupted)' : 'chaos',
    tests,
    failures,
    errors,
    time: junitTime(time),
  })}>`;
  return `<?xml version="1.0" encoding="UTF-8"?>\n${head}\n${suites.join('\n')}${suites.length ? '\n' : ''}</testsuites>\n`;
}
