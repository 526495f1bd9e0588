/**
 * YAML text -> a document with positions and its plain value, for the scenario and lab loaders.
 * The yaml library throws (a ReferenceError, no code) when a document's aliases expand past
 * `maxAliasCount` (a billion-laughs file); that becomes a diagnostic here, so a loader only ever
 * sees problems as `file:line:col: message`. Warnings the library would print to the process's
 * stderr (a mapping used as a key) are silenced: the schema reports the key it makes.
 */
import { LineCounter, isAlias, parseDocument, visit } from 'yaml';
import type { Document } from 'yaml';
import type { Diagnostic } from '../errors';

/** Aliases a document may expand: the yaml library's default, stated. */
export const MAX_YAML_ALIASES = 100;

export interface YamlText {
  doc: Document;
  lines: LineCounter;
  /** The syntax problems (errors and warnings), one line each, `YAML: ` prefixed by the caller. */
  problems: Diagnostic[];
}

/** Parse `text`; syntax errors and warnings come back as diagnostics of `file`. */
export function parseYamlText(text: string, file: string): YamlText {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, logLevel: 'error' });
  const problems: Diagnostic[] = [
    ...doc.errors.map((e) => ({ e, severity: 'error' as const })),
    ...doc.warnings.map((e) => ({ e, severity: 'warning' as const })),
  ].map(({ e, severity }) => {
    const pos = e.linePos?.[0] ?? lines.linePos(e.pos[0]);
    const message = e.message.split('\n')[0] ?? e.message;
    return { file, line: pos.line, col: pos.col, message, severity };
  });
  return { doc, lines, problems };
}

/** The document's plain value, or a diagnostic when its aliases expand too far. */
export function yamlValue(
  { doc, lines }: YamlText,
  file: string,
): { value: unknown } | { diagnostic: Diagnostic } {
  try {
    return { value: doc.toJS({ maxAliasCount: MAX_YAML_ALIASES }) };
  } catch (error) {
    let at = 0;
    visit(doc, {
      Alias: (_, node) => {
        if (isAlias(node) && node.range) at = node.range[0];
        return visit.BREAK;
      },
    });
    const { line, col } = lines.linePos(at);
    const why = error instanceof Error ? error.message : String(error);
    return {
      diagnostic: {
        file,
        line,
        col,
        message: `YAML: ${why} (aliases may expand at most ${MAX_YAML_ALIASES} times)`,
        severity: 'error',
      },
    };
  }
}
