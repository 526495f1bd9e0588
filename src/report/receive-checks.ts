/**
 * The receive-check table of a flood of broken VRRP (malformed-adverts): one row per reason,
 * what the senders sent for it, and what each VRRP node's daemon counted as dropped for it
 * (`n/c`: the daemon has no counter for that reason). One table model, rendered by the
 * Markdown and HTML reports and the run summary. Pure.
 */
import { sentByReason, type ReceiveChecks } from '../run/receive-checks';

export interface ReceiveCheckTable {
  head: string[];
  rows: string[][];
  /** Lines under the table: the senders, and counters that could not be read. */
  notes: string[];
}

export function receiveCheckTable(rc: ReceiveChecks): ReceiveCheckTable {
  const sent = sentByReason(rc.sent);
  const reasons = [
    ...Object.keys(sent),
    ...new Set(rc.nodes.flatMap((n) => Object.keys(n.counters)).filter((k) => !(k in sent))),
  ];
  const head = ['reason', 'sent', ...rc.nodes.map((n) => `${n.node} (${n.daemon})`)];
  const rows = reasons.map((reason) => [
    reason,
    String(sent[reason] ?? 0),
    ...rc.nodes.map((n) =>
      n.error !== undefined
        ? '?'
        : n.uncounted.includes(reason)
          ? 'n/c'
          : String(n.counters[reason] ?? 0),
    ),
  ]);
  const notes = [
    ...rc.sent.map(
      (s) =>
        `${s.sender} (${s.address}) sent ${s.kinds.reduce((a, k) => a + k.sent, 0)} broken adverts at ${s.pps} pps for ${s.seconds.toFixed(1)} s (${s.kinds.map((k) => `${k.kind} ${k.sent}`).join(', ')})`,
    ),
    ...rc.nodes
      .filter((n) => n.error !== undefined)
      .map((n) => `${n.node}: counters not read (${n.error ?? ''})`),
  ];
  if (rc.nodes.some((n) => n.uncounted.length > 0))
    notes.push('n/c: the daemon keeps no counter for that reason');
  return { head, rows, notes };
}
