/**
 * Issue paths -> file positions: walks the YAML document's nodes (their ranges) along a path
 * and turns the offset into line and column with yaml's LineCounter. A path into something
 * missing points at the deepest part that exists (the mapping that lacks the key). Pure.
 */
import { isMap, isPair, isScalar, isSeq, type Document, type LineCounter, type Node } from 'yaml';
import type { IssuePath } from './lab';

export interface Position {
  line: number;
  col: number;
}

function keyOf(pairKey: unknown): unknown {
  return isScalar(pairKey) ? pairKey.value : pairKey;
}

export function positionOf(
  doc: Document,
  lines: LineCounter,
  path: IssuePath,
  atKey = false,
): Position {
  let node: unknown = doc.contents;
  let offset = doc.contents?.range?.[0] ?? 0;
  for (let i = 0; i < path.length; i++) {
    const seg = path[i];
    const last = i === path.length - 1;
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && String(keyOf(p.key)) === String(seg));
      if (!pair) break;
      const key = pair.key as Node | null;
      const value = pair.value as Node | null;
      if ((last && atKey) || !value?.range) {
        offset = key?.range?.[0] ?? offset;
        if (!value?.range) break;
      } else offset = value.range[0];
      node = value;
    } else if (isSeq(node) && typeof seg === 'number') {
      const item = node.items[seg] as Node | undefined;
      if (!item?.range) break;
      offset = item.range[0];
      node = item;
    } else break;
  }
  const pos = lines.linePos(offset);
  return { line: pos.line, col: pos.col };
}
