/**
 * The CLI's one logger: progress, warnings and errors on stderr, as the human lines
 * (`--log-format text`, the default: `chaos: lab up in 3.2 s`) or as one JSON object per line
 * (`--log-format json`):
 *
 *   {"time":"2026-12-02T00:03:10.117Z","level":"info","event":"run.progress","message":"...","fields":{}}
 *
 * `event` is a stable name to filter on; `message` the human line without `chaos: `; `fields`
 * the figures behind it. What a command prints as its result (stdout, `chaos validate`'s
 * file:line:col diagnostics) is not logging and stays as it is.
 */
import { InvalidArgumentError } from 'commander';

export const LOG_FORMATS = ['text', 'json'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];
export type LogLevel = 'info' | 'warn' | 'error';
export type LogFields = Readonly<Record<string, unknown>>;

export interface Logger {
  /** The format in force (a progress display is for text on a terminal only). */
  format(): LogFormat;
  info(event: string, message: string, fields?: LogFields): void;
  warn(event: string, message: string, fields?: LogFields): void;
  error(event: string, message: string, fields?: LogFields): void;
}

export interface LoggerOptions {
  write: (text: string) => void;
  /** Read at each line: the format is known only once the options are parsed. */
  format: () => LogFormat;
  now: () => Date;
  /** What text lines start with: the name the CLI was invoked by (default `chaos`). */
  name?: string;
}

export function parseLogFormat(value: string): LogFormat {
  const format = LOG_FORMATS.find((f) => f === value);
  if (format === undefined) throw new InvalidArgumentError('the log format is text or json');
  return format;
}

/** One line of the given format (with its newline). */
export function formatLogLine(
  format: LogFormat,
  time: Date,
  level: LogLevel,
  event: string,
  message: string,
  fields: LogFields = {},
  name = 'chaos',
): string {
  if (format === 'json')
    return `${JSON.stringify({ time: time.toISOString(), level, event, message, fields })}\n`;
  return `${name}: ${level === 'warn' ? 'warning: ' : ''}${message}\n`;
}

export function createLogger(options: LoggerOptions): Logger {
  const line =
    (level: LogLevel) =>
    (event: string, message: string, fields?: LogFields): void =>
      options.write(
        formatLogLine(options.format(), options.now(), level, event, message, fields, options.name),
      );
  return {
    format: options.format,
    info: line('info'),
    warn: line('warn'),
    error: line('error'),
  };
}
