/** The receive-check table in the reports: sent by reason beside each daemon's drops. */
import { summariseScenario } from '../../../src/cli/run-summary';
import { buildReport } from '../../../src/report/build';
import { renderHtml } from '../../../src/report/html';
import { renderMarkdown } from '../../../src/report/markdown';
import { receiveCheckTable } from '../../../src/report/receive-checks';
import type { ReceiveChecks } from '../../../src/run/receive-checks';
import { runOf, scenarioResult } from '../../fixtures/reports/builders';

/** As the Docker driver recorded a 1000 pps mixed flood on a keepalived and a chaos-vrrpd node. */
const CHECKS: ReceiveChecks = {
  sent: [
    {
      sender: 'junk',
      address: '10.222.0.66',
      pps: 1000,
      seconds: 8.4,
      kinds: [
        { kind: 'checksum', reason: 'checksum', sent: 1499 },
        { kind: 'ttl', reason: 'ttl', sent: 1498 },
        { kind: 'auth', reason: 'auth', sent: 1498 },
      ],
    },
  ],
  nodes: [
    {
      node: 'server01',
      daemon: 'keepalived',
      counters: { ttl: 1498, auth: 1498 },
      uncounted: ['checksum', 'version', 'vrid'],
    },
    {
      node: 'server03',
      daemon: 'chaos-vrrpd',
      counters: { checksum: 1499, ttl: 1498, auth: 1497, interval: 2 },
      uncounted: [],
    },
    { node: 'server04', daemon: 'chaos-vrrpd', counters: {}, uncounted: [], error: 'exec failed' },
  ],
};

describe('receive checks in the reports', () => {
  test('one row per reason: sent, then each daemon (n/c: no counter; ?: not read)', () => {
    expect(receiveCheckTable(CHECKS)).toEqual({
      head: [
        'reason',
        'sent',
        'server01 (keepalived)',
        'server03 (chaos-vrrpd)',
        'server04 (chaos-vrrpd)',
      ],
      rows: [
        ['checksum', '1499', 'n/c', '1499', '?'],
        ['ttl', '1498', '1498', '1498', '?'],
        ['auth', '1498', '1498', '1497', '?'],
        ['interval', '0', '0', '2', '?'],
      ],
      notes: [
        'junk (10.222.0.66) sent 4495 broken adverts at 1000 pps for 8.4 s (checksum 1499, ttl 1498, auth 1498)',
        'server04: counters not read (exec failed)',
        'n/c: the daemon keeps no counter for that reason',
      ],
    });
  });

  test('report.md, report.html and the run summary show it', () => {
    const result = scenarioResult({ receiveChecks: CHECKS });
    const report = buildReport(runOf([result]));
    const md = renderMarkdown(report);
    expect(md).toContain(
      '| reason | sent | server01 (keepalived) | server03 (chaos-vrrpd) | server04 (chaos-vrrpd) |',
    );
    expect(md).toContain('| checksum | 1499 | n/c | 1499 | ? |');
    const html = renderHtml(report);
    expect(html).toContain('<h3>Receive checks</h3>');
    expect(html).toContain('<td>checksum</td><td>1499</td><td>n/c</td><td>1499</td><td>?</td>');
    expect(summariseScenario(result)).toContain('    auth | 1498 | 1498 | 1497 | ?');
  });

  test('a scenario without a flood has no such section', () => {
    const report = buildReport(runOf([scenarioResult()]));
    expect(renderMarkdown(report)).not.toContain('Receive checks');
    expect(renderHtml(report)).not.toContain('Receive checks');
  });
});
