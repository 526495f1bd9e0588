/**
 * Small helpers the section readers share: fetch a keyword's value or report it missing, check
 * block shape, read numbers and report the error at the value's own position.
 */
import type { DiagnosticSink } from './diagnostics';
import type { Token } from './lexer';
import type { ConfNode } from './tree';
import { readBool, readInt, readSecondsAsMicros, readUnsigned } from './values';
import type { Read } from './values';

export class NodeReader {
  constructor(readonly sink: DiagnosticSink) {}

  /** The n-th value after the keyword, or an error "missing value" at the keyword. */
  value(node: ConfNode, index = 0): Token | undefined {
    this.noBlock(node);
    const token = node.args[index];
    if (!token) this.sink.error(node.name, `${node.name.text}: missing value`);
    return token;
  }

  /** A keyword that takes no value block: report `{ ... }` after it. */
  noBlock(node: ConfNode): void {
    if (node.block && node.open)
      this.sink.error(node.open, `${node.name.text}: does not take a { } block`);
  }

  /** A keyword that needs a block: its statements, or an error at the keyword. */
  block(node: ConfNode): ConfNode[] | undefined {
    if (!node.block) this.sink.error(node.name, `${node.name.text}: missing { } block`);
    return node.block;
  }

  /**
   * The items of a value block (virtual_ipaddress, unicast_peer, ...): each statement is one
   * item (the words of one line). Nested blocks make no sense there.
   */
  items(node: ConfNode): ConfNode[] {
    const items = this.block(node) ?? [];
    for (const item of items) {
      if (item.block && item.open)
        this.sink.error(item.open, `${node.name.text}: unexpected '{' inside the list`);
    }
    return items;
  }

  /** Every word of a value block, as keepalived's read_value_block() collects them. */
  words(node: ConfNode): Token[] {
    return this.items(node).flatMap((item) => [item.name, ...item.args]);
  }

  /** Report a failed read at the token, prefixed with the keyword; undefined on failure. */
  check<T>(keyword: string, token: Token, read: Read<T>): T | undefined {
    if (read.ok) return read.value;
    this.sink.error(token, `${keyword}: ${read.message}`);
    return undefined;
  }

  unsigned(node: ConfNode, min: number, max: number, index = 0): number | undefined {
    const token = this.value(node, index);
    return token && this.check(node.name.text, token, readUnsigned(token.text, min, max));
  }

  int(node: ConfNode, min: number, max: number, index = 0): number | undefined {
    const token = this.value(node, index);
    return token && this.check(node.name.text, token, readInt(token.text, min, max));
  }

  /** Decimal seconds, returned in microseconds. */
  micros(node: ConfNode, minUs: number, maxUs: number): number | undefined {
    const token = this.value(node);
    return (
      token && this.check(node.name.text, token, readSecondsAsMicros(token.text, minUs, maxUs))
    );
  }

  /** A flag keyword: bare means true; otherwise yes/no, on/off, true/false. */
  flag(node: ConfNode): boolean | undefined {
    this.noBlock(node);
    const token = node.args[0];
    if (!token) return true;
    return this.check(node.name.text, token, readBool(token.text));
  }

  /**
   * A script command line. keepalived re-splits only the first word after the keyword
   * (notify.c set_script_params_array()), so `script /bin/check arg` silently drops `arg`:
   * a command with arguments must be quoted.
   */
  command(node: ConfNode): string | undefined {
    const token = this.value(node);
    if (!token) return undefined;
    const extra = node.args[1];
    if (extra) {
      this.sink.warn(
        extra,
        `${node.name.text}: keepalived ignores everything after '${token.text}'; quote the whole command line`,
      );
    }
    return token.text;
  }
}

export type Handler<C> = (node: ConfNode, ctx: C) => void;

/**
 * Run each statement's handler. A keyword keepalived knows but chaos does not model, and a
 * keyword nobody knows, are warnings naming it; either way its block (if any) is skipped whole.
 * (keepalived itself does not skip the block of an unknown keyword: its `}` then closes the
 * enclosing block. Skipping is what the author meant.)
 */
export function dispatch<C>(
  nodes: readonly ConfNode[],
  section: string,
  handlers: Readonly<Record<string, Handler<C>>>,
  known: ReadonlySet<string>,
  ctx: C,
  sink: DiagnosticSink,
): void {
  for (const node of nodes) {
    const keyword = node.name.text;
    const handler = Object.hasOwn(handlers, keyword) ? handlers[keyword] : undefined;
    if (handler) handler(node, ctx);
    else if (known.has(keyword))
      sink.warn(node.name, `${section}: '${keyword}' is not modelled by chaos (ignored)`);
    else sink.warn(node.name, `${section}: unknown keyword '${keyword}' (ignored)`);
  }
}
