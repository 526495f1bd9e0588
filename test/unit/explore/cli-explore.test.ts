/**
 * `chaos explore` at the CLI: exit codes (1 violation, 0 none, 2 bad input), the files it
 * writes, the same files byte for byte for the same seed, and the committed JSON Schema.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { memoryIO } from '../../../src/cli/io';
import { runCli } from '../../../src/cli/program';
import { exploreJsonSchema, exploreSchema } from '../../../src/explore/model';

const ROOT = path.join(__dirname, '../../..');
const FIXTURES = path.join(ROOT, 'test/fixtures/explore');
const COURSE = path.join(ROOT, 'scenarios/poweroff-master.yaml');

async function cli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const io = memoryIO();
  const code = await runCli(args, io);
  return { code, out: io.out, err: io.err };
}

/** Every file under `dir`, by relative path. */
function tree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string): void => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out[path.relative(dir, p)] = fs.readFileSync(p, 'utf8');
    }
  };
  walk(dir);
  return out;
}

let tmp: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'chaos-explore-'));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('chaos explore', () => {
  test('a defect: exit 1, explore.json valid against its schema, one file per finding', async () => {
    const out = path.join(tmp, 'wrong-pass');
    const r = await cli(
      'explore',
      path.join(FIXTURES, 'wrong-pass.yaml'),
      '--runs',
      '5',
      '--out',
      out,
    );
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/^5 runs, 5 with a violation/);
    const doc = exploreSchema.parse(
      JSON.parse(fs.readFileSync(path.join(out, 'explore.json'), 'utf8')),
    );
    expect(doc.counts.byInvariant['single-master']).toBe(5);
    for (const v of doc.violations) expect(fs.existsSync(path.join(out, v.file))).toBe(true);
    const first = fs.readFileSync(path.join(out, 'violations/single-master-1.yaml'), 'utf8');
    expect(first).toMatch(
      /^# chaos explore finding: single-master\n# seed 1, run 0 \(run seed \d+\)/,
    );
    expect(first).toContain('config: configs/server03.conf');
    expect(fs.readFileSync(path.join(out, 'violations/configs/server03.conf'), 'utf8')).toContain(
      'auth_pass 1112',
    );
    // explore.html draws the finding's minimal run: its two masters.
    expect(fs.readFileSync(path.join(out, 'explore.html'), 'utf8')).toMatch(
      /<section data-finding="single-master-1">[^]*data-band="split-brain"/,
    );
  });

  test('the same seed writes the same files byte for byte; another seed other runs', async () => {
    const run = async (name: string, seed: string): Promise<Record<string, string>> => {
      const out = path.join(tmp, name);
      await cli('explore', COURSE, '--runs', '40', '--seed', seed, '--out', out);
      return tree(out);
    };
    const a = await run('a', '7');
    const b = await run('b', '7');
    const c = await run('c', '8');
    expect(Object.keys(a)).toContain('explore.json');
    expect(b).toEqual(a);
    expect(c['explore.json']).not.toEqual(a['explore.json']);
  });

  test('no violation: exit 0', async () => {
    const r = await cli(
      'explore',
      COURSE,
      '--runs',
      '3',
      '--faults',
      'power-off',
      '--invariants',
      'single-master',
    );
    expect(r.out).toMatch(/^3 runs, 0 with a violation, 0 findings/);
    expect(r.code).toBe(0);
  });

  test.each([
    [['--runs', '0'], /--runs/],
    [['--faults', 'melt'], /unknown fault 'melt'/],
    [['--invariants', 'liveness'], /unknown invariant 'liveness'/],
    [['--horizon', '5'], /--horizon/],
  ])('bad input %j: exit 2', async (args, message) => {
    const r = await cli('explore', COURSE, ...args);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
  });

  test('a progress line on a terminal, none on a pipe', async () => {
    const io = memoryIO();
    Object.assign(io, { isTTY: true });
    await runCli(['explore', COURSE, '--runs', '2', '--faults', 'power-off'], io);
    expect(io.err).toMatch(/\r\[#{24}\] {2}2\/2 runs {2}\d+ runs\/s {2}\d+ violations?\n$/);
    const piped = await cli('explore', COURSE, '--runs', '2', '--faults', 'power-off');
    expect(piped.err).toBe('');
  });

  test('a missing file: exit 2', async () => {
    const r = await cli('explore', path.join(tmp, 'none.yaml'));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/no such scenario or lab file/);
  });

  test('schema/explore.schema.json is what `chaos explore --schema` emits', async () => {
    const committed: unknown = JSON.parse(
      fs.readFileSync(path.join(ROOT, 'schema/explore.schema.json'), 'utf8'),
    );
    const r = await cli('explore', '--schema');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toEqual(committed);
    expect(committed).toEqual(exploreJsonSchema());
  });

  test('a lab file is explored as its scenario would be', async () => {
    const r = await cli(
      'explore',
      path.join(ROOT, 'bench/labs/failover.yaml'),
      '--runs',
      '3',
      '--json',
    );
    const doc = exploreSchema.parse(JSON.parse(r.out));
    expect(doc.runs).toBe(3);
    expect(doc.bounds.masterDownMs).toBe(3609.375);
    expect([0, 1]).toContain(r.code);
  });
});
