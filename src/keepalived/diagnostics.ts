import type { Diagnostic } from '../errors';

/** Where something is in a config file (1-based line and column). */
export interface Position {
  file: string;
  line: number;
  col: number;
}

/** A place that may have come out of parameter expansion (a Token is one). */
export interface Place extends Position {
  via?: readonly { name: string; use: Position }[];
  definedAt?: Position;
}

const where = (p: Position): string => `${p.file}:${p.line}:${p.col}`;

/**
 * ` (from $IFACE at k.conf:9:15, defined at k.conf:1:8)` for a place inside an expanded
 * parameter (nested expansions listed outermost first); '' for text as written.
 */
export function expansionNote(at: Place): string {
  if (!at.via || at.via.length === 0) return '';
  const uses = at.via.map((v) => `$${v.name} at ${where(v.use)}`).join(', in ');
  const last = at.via[at.via.length - 1]?.use;
  const defined =
    at.definedAt && last && where(at.definedAt) !== where(last)
      ? `, defined at ${where(at.definedAt)}`
      : '';
  return ` (from ${uses}${defined})`;
}

/** Collects problems; the parser never stops at the first one. */
export class DiagnosticSink {
  readonly items: Diagnostic[] = [];

  error(at: Place, message: string): void {
    this.push(at, message, 'error');
  }

  warn(at: Place, message: string): void {
    this.push(at, message, 'warning');
  }

  private push(at: Place, message: string, severity: Diagnostic['severity']): void {
    const text = message + expansionNote(at);
    this.items.push({ file: at.file, line: at.line, col: at.col, message: text, severity });
  }

  addAll(diagnostics: readonly Diagnostic[]): void {
    this.items.push(...diagnostics);
  }
}

/**
 * Order diagnostics as a reader meets them: by the order files were loaded, then line, then column.
 * Stable, so two problems at one place keep the order they were found in.
 */
export function sortDiagnostics(
  diagnostics: readonly Diagnostic[],
  fileOrder: readonly string[],
): Diagnostic[] {
  const rank = (file: string): number => {
    const i = fileOrder.indexOf(file);
    return i === -1 ? fileOrder.length : i;
  };
  return diagnostics
    .map((d, i) => ({ d, i }))
    .sort(
      (a, b) =>
        rank(a.d.file) - rank(b.d.file) || a.d.line - b.d.line || a.d.col - b.d.col || a.i - b.i,
    )
    .map(({ d }) => d);
}
