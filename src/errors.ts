/**
 * Errors with stable codes. Every error chaos raises on purpose is a ChaosError (or a subclass)
 * with a `code`; only src/cli maps codes and classes to exit codes.
 */
export class ChaosError extends Error {
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(`${message} (${code})`, options);
    this.name = 'ChaosError';
    this.code = code;
  }
}

/** A malformed packet or frame: thrown by codecs, caught and counted at the edges. */
export class DecodeError extends ChaosError {
  /** The field that failed, e.g. `version`, `checksum`. */
  readonly field: string;
  readonly value: unknown;

  constructor(code: string, field: string, value: unknown, message: string) {
    super(code, message);
    this.name = 'DecodeError';
    this.field = field;
    this.value = value;
  }
}

/** Bad user input: a config, scenario or file the user gave us. Exit code 2. */
export class InputError extends ChaosError {
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.name = 'InputError';
  }
}

/** One problem at a place in a file. */
export interface Diagnostic {
  file: string;
  line: number;
  col: number;
  message: string;
  severity: 'error' | 'warning';
}

export function formatDiagnostic(d: Diagnostic): string {
  const prefix = d.severity === 'warning' ? 'warning: ' : '';
  return `${d.file}:${d.line}:${d.col}: ${prefix}${d.message}`;
}

/** A config or scenario file with one or more errors; carries them all. */
export class ValidationError extends InputError {
  readonly diagnostics: readonly Diagnostic[];

  constructor(code: string, diagnostics: readonly Diagnostic[]) {
    super(code, diagnostics.map(formatDiagnostic).join('\n'));
    this.name = 'ValidationError';
    this.diagnostics = diagnostics;
  }
}

/** The code of every error that ends work because the user interrupted it (SIGINT, SIGTERM). */
export const INTERRUPTED = 'INTERRUPTED';
