#!/usr/bin/env node
import { processIO } from './io';
import type { CliIO } from './io';
import type * as Analyze from './analyze';
import type * as Core from './cli-core';
import type * as Program from './program';

/**
 * The exit code, and an exit shortly after should something still hold the process: an image
 * build that Ctrl-C interrupted during preparation streams on from the engine until it ends.
 * The timer does not itself keep the process alive, and stdout has drained by then.
 */
function finish(code: number): void {
  process.exitCode = code;
  setTimeout(() => process.exit(code), 2000).unref();
}

/**
 * `chaos analyze` loads only its own command (cli-core.ts says why); the rest, everything.
 * `require`, not `import()`: under node16 resolution a CommonJS build keeps `import()` as an
 * ES import, which needs file extensions.
 */
function run(argv: readonly string[], io: CliIO): Promise<number> {
  /* eslint-disable @typescript-eslint/no-require-imports */
  const core = require('./cli-core') as typeof Core;
  const name = core.invokedName(process.argv[1]);
  if (argv[0] === 'analyze') {
    const analyze = require('./analyze') as typeof Analyze;
    return core.runProgram(argv, io, analyze.registerAnalyzeCommand, name);
  }
  const program = require('./program') as typeof Program;
  /* eslint-enable @typescript-eslint/no-require-imports */
  return program.runCli(argv, io, name);
}

run(process.argv.slice(2), processIO()).then(finish, (error: unknown) => {
  process.stderr.write(`chaos: internal error: ${String(error)}\n`);
  finish(3);
});
