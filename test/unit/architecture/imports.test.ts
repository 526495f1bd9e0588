/**
 * The shape of src/: no import circle between modules (type-only imports included), and the
 * pure core never reaches for the edges.
 */
import fs from 'node:fs';
import path from 'node:path';

const SRC = path.join(__dirname, '../../../src');

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return sources(p);
    return e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') && !e.name.endsWith('.test.ts')
      ? [p]
      : [];
  });
}

/** The modules a file imports (relative specifiers resolved to files). */
function importsOf(file: string): string[] {
  const text = fs.readFileSync(file, 'utf8');
  const out: string[] = [];
  for (const m of text.matchAll(/(?:^|\n)\s*(?:import|export)[^'";]*?from\s+'(\.[^']+)'/g)) {
    const base = path.resolve(path.dirname(file), m[1]!);
    const candidates = [`${base}.ts`, path.join(base, 'index.ts')];
    const hit = candidates.find((c) => fs.existsSync(c));
    if (hit) out.push(hit);
  }
  return out;
}

const graph = new Map(sources(SRC).map((f) => [f, importsOf(f)]));
const rel = (f: string): string => path.relative(SRC, f);

function cycles(): string[][] {
  const found: string[][] = [];
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (f: string): void => {
    state.set(f, 'open');
    stack.push(f);
    for (const g of graph.get(f) ?? []) {
      if (state.get(g) === 'open') found.push([...stack.slice(stack.indexOf(g)), g].map(rel));
      else if (!state.has(g)) visit(g);
    }
    stack.pop();
    state.set(f, 'done');
  };
  for (const f of graph.keys()) if (!state.has(f)) visit(f);
  return found;
}

describe('src/ import graph', () => {
  test('reads every module', () => {
    expect(graph.size).toBeGreaterThan(100);
    expect(graph.get(path.join(SRC, 'cli/run.ts'))?.map(rel)).toContain('run/suite.ts');
  });

  test('has no circle', () => {
    expect(cycles()).toEqual([]);
  });

  test('the pure core imports no edge module (Docker, the CLI, the drivers)', () => {
    const core = ['vrrp', 'keepalived', 'capture', 'faults', 'scenario', 'sim', 'run', 'init'];
    const edges = ['cli/', 'drivers/', 'lab/docker', 'daemon/'];
    const offending = [...graph].flatMap(([f, deps]) =>
      core.some((c) => rel(f).startsWith(`${c}/`))
        ? deps
            .filter((d) => edges.some((e) => rel(d).startsWith(e)))
            .map((d) => `${rel(f)} -> ${rel(d)}`)
        : [],
    );
    expect(offending).toEqual([]);
  });
});
