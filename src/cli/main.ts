#!/usr/bin/env node
import { processIO } from './io';
import { runCli } from './program';

/**
 * The exit code, and an exit shortly after should something still hold the process: an image
 * build that Ctrl-C interrupted during preparation streams on from the engine until it ends.
 * The timer does not itself keep the process alive, and stdout has drained by then.
 */
function finish(code: number): void {
  process.exitCode = code;
  setTimeout(() => process.exit(code), 2000).unref();
}

runCli(process.argv.slice(2), processIO).then(finish, (error: unknown) => {
  process.stderr.write(`chaos: internal error: ${String(error)}\n`);
  finish(3);
});
