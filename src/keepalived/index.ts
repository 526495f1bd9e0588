/**
 * keepalived.conf -> typed config. The public face of src/keepalived:
 *
 *   const result = loadKeepalivedConf('/etc/keepalived/keepalived.conf', fsSource());
 *   const config = assertValidKeepalivedConf(result); // throws ValidationError on any error
 *
 * Stages (each pure): preprocess.ts (keepalived's line reader: comments, `@id` lines,
 * parameters, ~SEQ/~LST, include directives, brace splitting), lexer.ts (lines -> tokens),
 * include.ts (splice includes), tree.ts
 * (tokens -> statements and blocks), normalise*.ts (statements -> typed config with keepalived
 * 2.2.7's defaults, then its rules). render.ts goes the other way.
 */
import { ValidationError } from '../errors';
import { DiagnosticSink, sortDiagnostics } from './diagnostics';
import { loadTokens, tokensFromText } from './include';
import type { LoadedTokens } from './include';
import { normaliseConfig } from './normalise';
import type { PreprocessOptions } from './preprocess';
import { memorySource } from './source';
import type { ConfigSource } from './source';
import { buildTree } from './tree';
import type { KeepalivedConfig, KeepalivedParseResult } from './types';

export const KEEPALIVED_CONFIG_INVALID = 'KEEPALIVED_CONFIG_INVALID';

/**
 * Parse config text; `source` serves its includes (none by default). `options.configId` is
 * keepalived's `-i` (which `@ID` lines apply).
 */
export function parseKeepalivedConf(
  text: string,
  file = 'keepalived.conf',
  source: ConfigSource = memorySource({}),
  options: PreprocessOptions = {},
): KeepalivedParseResult {
  return fromTokens(tokensFromText(text, file, source, options));
}

/** Read and parse a config file and its includes. Throws CONF_NOT_FOUND when `file` is missing. */
export function loadKeepalivedConf(
  file: string,
  source: ConfigSource,
  options: PreprocessOptions = {},
): KeepalivedParseResult {
  return fromTokens(loadTokens(file, source, options));
}

/** The config, or a ValidationError (KEEPALIVED_CONFIG_INVALID) carrying every error and warning. */
export function assertValidKeepalivedConf(result: KeepalivedParseResult): KeepalivedConfig {
  if (result.errors.length > 0)
    throw new ValidationError(KEEPALIVED_CONFIG_INVALID, result.diagnostics);
  return result.config;
}

function fromTokens(loaded: LoadedTokens): KeepalivedParseResult {
  const sink = new DiagnosticSink();
  sink.addAll(loaded.diagnostics);
  const tree = buildTree(loaded.tokens);
  sink.addAll(tree.diagnostics);
  const config = normaliseConfig(tree.nodes, sink);
  const diagnostics = sortDiagnostics(sink.items, loaded.files);
  return {
    config,
    diagnostics,
    errors: diagnostics.filter((d) => d.severity === 'error'),
    warnings: diagnostics.filter((d) => d.severity === 'warning'),
    files: loaded.files,
  };
}

export { memorySource } from './source';
export type { ConfigSource } from './source';
export { tokenize } from './lexer';
export type { PreprocessOptions } from './preprocess';
export type { Token, TokenKind } from './lexer';
export { renderKeepalivedConf } from './render';
export { summariseKeepalivedConf } from './summary';
export { GLOBAL_DEFAULTS } from './types';
export type {
  GlobalDefs,
  InstanceOptions,
  KeepalivedConfig,
  KeepalivedParseResult,
  KeepalivedVip,
  SyncGroup,
} from './types';
