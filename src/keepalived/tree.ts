/**
 * Token stream -> tree of statements. A statement is the words of one logical line: keepalived
 * splits each line at every brace, so `a b { c d }` is the statement `a b`, a block, the statement
 * `c d` inside it. A `{` belongs to the statement just before it, on the same line or the line
 * before (keepalived accepts `{` on a line of its own). Words share a statement when they share a
 * logical line (`lineId`): the copies of a `~SEQ` line are statements of their own.. Nothing here knows keywords: which
 * keywords take blocks is decided by `normalise.ts`.
 */
import type { Diagnostic } from '../errors';
import { DiagnosticSink } from './diagnostics';
import type { Token } from './lexer';

export interface ConfNode {
  /** The keyword: the first word of the statement. */
  name: Token;
  args: Token[];
  /** The statements inside `{ ... }`, when a block follows. */
  block?: ConfNode[];
  /** The `{` that opened the block. */
  open?: Token;
}

export interface TreeResult {
  nodes: ConfNode[];
  diagnostics: Diagnostic[];
}

interface Frame {
  node?: ConfNode;
  open?: Token;
  children: ConfNode[];
}

/** `vrrp_instance VI_1`: a statement as written, for messages. */
export function describeNode(node: ConfNode): string {
  return [node.name, ...node.args].map((t) => t.text).join(' ');
}

export function buildTree(tokens: readonly Token[]): TreeResult {
  const sink = new DiagnosticSink();
  const root: Frame = { children: [] };
  const stack: Frame[] = [root];
  let current: ConfNode | undefined;
  let prev: Token | undefined;

  for (const token of tokens) {
    const frame = stack[stack.length - 1] ?? root;
    if (token.kind === 'word') {
      if (current && prev?.kind === 'word' && prev.lineId === token.lineId) {
        current.args.push(token);
      } else {
        current = { name: token, args: [] };
        frame.children.push(current);
      }
    } else if (token.kind === 'open') {
      if (current && prev?.kind === 'word' && !current.block) {
        current.block = [];
        current.open = token;
        stack.push({ node: current, open: token, children: current.block });
      } else {
        sink.error(token, "unexpected '{' with no keyword before it");
        stack.push({ open: token, children: [] });
      }
      current = undefined;
    } else if (token.kind === 'close') {
      if (stack.length > 1) stack.pop();
      else sink.error(token, "unexpected '}' with no open block");
      current = undefined;
    }
    prev = token;
  }

  for (const frame of stack.slice(1).reverse()) {
    if (frame.node) {
      sink.error(
        frame.node.name,
        `block '${describeNode(frame.node)}' opened here is never closed (missing '}')`,
      );
    } else if (frame.open) {
      sink.error(frame.open, "'{' opened here is never closed (missing '}')");
    }
  }
  return { nodes: root.children, diagnostics: sink.items };
}
