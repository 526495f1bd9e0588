import type { Diagnostic } from '../errors';

/** Where something is in a config file (1-based line and column). */
export interface Position {
  file: string;
  line: number;
  col: number;
}

/** Collects problems; the parser never stops at the first one. */
export class DiagnosticSink {
  readonly items: Diagnostic[] = [];

  error(at: Position, message: string): void {
    this.items.push({ file: at.file, line: at.line, col: at.col, message, severity: 'error' });
  }

  warn(at: Position, message: string): void {
    this.items.push({ file: at.file, line: at.line, col: at.col, message, severity: 'warning' });
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
