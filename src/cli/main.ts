#!/usr/bin/env node
import { processIO } from './io';
import { runCli } from './program';

runCli(process.argv.slice(2), processIO).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`chaos: internal error: ${String(error)}\n`);
    process.exitCode = 3;
  },
);
