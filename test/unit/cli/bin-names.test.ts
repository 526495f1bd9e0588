/**
 * The CLI's two names: `chaos` and `vrrp-chaos` (Chaos Toolkit installs a `chaos` command
 * too). Both bin entries are the one CLI; usage, help and errors say the name it was run by.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CLI_NAMES, invokedName } from '../../../src/cli/cli-core';
import { memoryIO } from '../../../src/cli/io';
import { runCli } from '../../../src/cli/program';
import { describeIfBuilt, MAIN_JS } from '../../fixtures/built-cli';
import { ROOT } from '../../fixtures/reports/builders';

const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
  bin: Record<string, string>;
};
describe('package.json bin', () => {
  test('chaos and vrrp-chaos, both the CLI entry point', () => {
    expect(Object.keys(pkg.bin).sort()).toEqual([...CLI_NAMES].sort());
    for (const name of CLI_NAMES) expect(path.posix.normalize(pkg.bin[name]!)).toBe(MAIN_JS);
    const source = fs.readFileSync(path.join(ROOT, 'src/cli/main.ts'), 'utf8');
    expect(source.startsWith('#!/usr/bin/env node\n')).toBe(true);
  });
});

describe('the name it was invoked by', () => {
  test.each([
    ['/usr/local/bin/vrrp-chaos', 'vrrp-chaos'],
    ['/repo/node_modules/.bin/chaos', 'chaos'],
    ['/repo/dist/src/cli/main.js', 'chaos'],
    ['/somewhere/else/chaos-toolkit', 'chaos'],
    [undefined, 'chaos'],
  ])('%p -> %p', (script, name) => {
    expect(invokedName(script)).toBe(name);
  });

  test.each(CLI_NAMES)('%s: usage, help and errors use the name', async (name) => {
    const help = memoryIO();
    expect(await runCli(['--help'], help, name)).toBe(0);
    expect(help.out).toMatch(new RegExp(`^Usage: ${name} \\[options\\] \\[command\\]\\n`));
    const sub = memoryIO();
    await runCli(['report', '--help'], sub, name);
    expect(sub.out).toMatch(new RegExp(`^Usage: ${name} report `));
    const bad = memoryIO();
    expect(await runCli(['report', path.join(os.tmpdir(), 'no-such-run-dir')], bad, name)).toBe(2);
    expect(bad.err).toMatch(new RegExp(`^${name}: no report at `));
  });
});

// The built CLI through a symlink per bin name, as npm installs it on Linux and macOS.
describeIfBuilt('the bin symlink test')('the built CLI under each bin name', () => {
  test.each(CLI_NAMES)('%s --help', (name) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chaos-bin-'));
    try {
      const link = path.join(dir, name);
      fs.symlinkSync(path.join(ROOT, pkg.bin[name]!), link);
      const r = spawnSync(process.execPath, [link, '--help'], { encoding: 'utf8' });
      expect(r.status).toBe(0);
      expect(r.stdout.split('\n')[0]).toBe(`Usage: ${name} [options] [command]`);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
