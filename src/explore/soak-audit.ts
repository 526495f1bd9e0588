/**
 * A soak's audit: what the faults left behind. Each web node is looked at before the first
 * fault and after the last heal (before teardown): a firewall or queueing rule that was not
 * there before (`iptables -S`, `tc qdisc`), a fault's helper still running (chaos-delayq, a flood
 * sender), any other process that was not running before; and, before teardown, a rogue or
 * flood container still up; after teardown, any Docker resource labelled with this process as
 * its owner. Pure: the Docker side takes the snapshots.
 */

/** What a node shows at one moment. */
export interface NodeSnapshot {
  node: string;
  /** `iptables -S` and `tc qdisc show` lines. */
  rules: string[];
  /** Command lines of the node's processes. */
  processes: string[];
}

export const AUDIT_KINDS = [
  'rule-left',
  'helper-left',
  'stray-process',
  'helper-container',
  'resource-left',
  'unreadable',
] as const;
export type AuditKind = (typeof AUDIT_KINDS)[number];

export interface AuditFinding {
  kind: AuditKind;
  /** The node, or null for a Docker resource. */
  node: string | null;
  detail: string;
}

/** The command lines of the faults' helper processes. */
const HELPER = /chaos-delayq|flood-sender/;

/** Lines of `after` beyond those of `before`, counted (two nginx workers are two lines). */
export function added(before: readonly string[], after: readonly string[]): string[] {
  const left = new Map<string, number>();
  for (const b of before) left.set(b, (left.get(b) ?? 0) + 1);
  const out: string[] = [];
  for (const a of after) {
    const n = left.get(a) ?? 0;
    if (n > 0) left.set(a, n - 1);
    else out.push(a);
  }
  return out;
}

/**
 * The findings of one node: rules added, helpers and other processes that were not running
 * before. `after` may be several snapshots a moment apart: a process counts when it is in every
 * one (a track script that happened to run during one is not a stray).
 */
export function auditNode(before: NodeSnapshot, after: readonly NodeSnapshot[]): AuditFinding[] {
  const last = after.at(-1);
  if (!last) return [];
  const node = before.node;
  const out: AuditFinding[] = added(before.rules, last.rules).map((detail) => ({
    kind: 'rule-left' as const,
    node,
    detail,
  }));
  const everyTime = after
    .slice(0, -1)
    .reduce(
      (kept, snap) => kept.filter((p) => snap.processes.includes(p)),
      added(before.processes, last.processes),
    );
  for (const p of everyTime)
    out.push({ kind: HELPER.test(p) ? 'helper-left' : 'stray-process', node, detail: p });
  return out;
}

/** Every node's findings; a node seen before and not after (or the reverse) is unreadable. */
export function auditNodes(
  before: readonly NodeSnapshot[],
  after: readonly (readonly NodeSnapshot[])[],
): AuditFinding[] {
  return before.flatMap((b) => {
    const mine = after.map((round) => round.find((s) => s.node === b.node));
    if (mine.some((s) => s === undefined))
      return [{ kind: 'unreadable' as const, node: b.node, detail: 'no snapshot after the run' }];
    return auditNode(b, mine as NodeSnapshot[]);
  });
}

/** `## rules` and `## processes` sections of the snapshot command's output. */
export function parseSnapshot(node: string, text: string, marker: string): NodeSnapshot {
  const snap: NodeSnapshot = { node, rules: [], processes: [] };
  let into: string[] | null = null;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '## rules') into = snap.rules;
    else if (line === '## processes') into = snap.processes;
    else if (line !== '' && into && !line.includes(marker)) into.push(line);
  }
  return snap;
}
