/**
 * docs/scenarios.md's fault table is the catalog's (`chaos fault --list --markdown`): compared
 * cell by cell, so that prettier's column padding does not matter.
 */
import fs from 'node:fs';
import path from 'node:path';
import { allFaults, faultTableMarkdown } from '../../../src/faults';

const DOC = path.join(__dirname, '../../../docs/scenarios.md');
const START = '<!-- fault-table:start (generated: chaos fault --list --markdown) -->';
const END = '<!-- fault-table:end -->';

/** Table rows as trimmed cells (the separator row dropped). */
function cells(table: string): string[][] {
  return table
    .split('\n')
    .filter((l) => l.startsWith('|') && !/^\|[\s|:-]+\|$/.test(l))
    .map((l) =>
      l
        .slice(1, -1)
        .split(/(?<!\\)\|/)
        .map((c) => c.trim()),
    );
}

test('docs/scenarios.md has the fault table of the catalog (regenerate: chaos fault --list --markdown)', () => {
  const doc = fs.readFileSync(DOC, 'utf8');
  const block = doc.slice(doc.indexOf(START) + START.length, doc.indexOf(END));
  expect(doc.indexOf(START)).toBeGreaterThan(0);
  const generated = cells(faultTableMarkdown());
  expect(generated).toHaveLength(allFaults().length + 1);
  expect(cells(block)).toEqual(generated);
});
