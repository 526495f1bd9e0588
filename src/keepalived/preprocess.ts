/**
 * keepalived 2.2.7's line reader (lib/parser.c `read_line()`), which rewrites the config before
 * any keyword is looked at. Each physical line is decommented, then, in keepalived's order:
 *
 * 1. a line continuing a multiline definition is added to it (a blank line ends one);
 * 2. `@ID` / `@^ID` keep or drop the line for the config id (keepalived's `-i`);
 * 3. `$NAME=VALUE` defines a parameter (definitions are global and in effect from there on);
 * 4. `~SEQ(...)` / `~LST(...)` repeat the rest of the line, each copy read as a line of its own;
 * 5. `$NAME` / `${NAME}` are replaced (recursively: the value is scanned again), then the line is
 *    decommented again and, when it now starts with `@` or still holds `$`, read from step 2;
 * 6. `include` and its variants (`includer`, `includem`, `includew`, `includeb`, `includea`)
 *    hand over to the includer;
 * 7. the line is split at its first `{` or `}` outside quotes, and what follows the brace is read
 *    again from step 2 (so `{ @main priority 200 }` is conditional too).
 *
 * A multiline definition's first line replaces its use; the other lines follow the line as lines
 * of their own, each read from step 2. Built-ins: `${_PWD}` (directory of the file being read),
 * `${_INSTANCE}` (the config id), `${_RANDOM [MIN [MAX]]}`, `${_HASH}` (#), `${_BANG}` (!).
 *
 * Pure: the includer reads files; random numbers come from the options.
 */
import path from 'node:path';
import type { DiagnosticSink } from './diagnostics';
import { applyCondition, decomment, parseDefinition, useAt } from './line-rewrite';
import type { Use } from './line-rewrite';
import { MappedText } from './mapped-text';
import type { Origin } from './mapped-text';
import { parseLst, parseSeq } from './sequence';

export interface PreprocessOptions {
  /** keepalived's `-i`: `@ID` lines apply when ID is this; unset, only `@^ID` lines apply. */
  configId?: string;
  /** `${_RANDOM MIN MAX}`: an integer in [min, max]. Default: min (reproducible). */
  random?: (min: number, max: number) => number;
}

export const INCLUDE_VARIANTS = [
  'include',
  'includer',
  'includem',
  'includew',
  'includeb',
  'includea',
] as const;
export type IncludeVariant = (typeof INCLUDE_VARIANTS)[number];

export interface IncludeDirective {
  variant: IncludeVariant;
  /** The rest of the line after the keyword, as written (keepalived keeps quotes too). */
  path: string;
  at: Origin;
}

/** Where the reader's output goes: one logical line at a time, and include directives. */
export interface LineOutput {
  line(text: MappedText): void;
  include(directive: IncludeDirective): void;
}

interface Definition {
  /** The value's lines: one unless multiline. */
  lines: MappedText[];
  multiline: boolean;
  builtin?: (use: Use) => string;
}

/** Limits that stop a self-referencing definition or a runaway nesting. */
const MAX_EXPANSIONS_PER_LINE = 1000;
const MAX_LINE_LENGTH = 65536;
const MAX_NESTING = 64;

export class ConfigPreprocessor {
  private readonly defs = new Map<string, Definition>();
  private pending: { name: string; def: Definition } | undefined;
  private file = '';

  constructor(
    private readonly options: PreprocessOptions,
    private readonly sink: DiagnosticSink,
    private readonly out: LineOutput,
  ) {
    this.defineBuiltins();
  }

  /** Read one file's text; includes it names are read (through `out`) before it goes on. */
  readFile(text: string, file: string): void {
    const outer = this.file;
    this.file = file;
    text.split('\n').forEach((raw, index) => {
      this.physicalLine(raw.replace(/\r+$/, ''), index + 1);
    });
    this.endDefinition();
    this.file = outer;
  }

  private physicalLine(raw: string, line: number): void {
    if (raw === '') {
      this.endDefinition();
      return;
    }
    // An unterminated quote is reported once, by the lexer, when the line is split into words.
    const { text } = decomment(MappedText.written(raw, this.file, line));
    if (text.length === 0) return;
    if (this.pending) this.continueDefinition(text);
    else this.logicalLine(text, 0);
  }

  private continueDefinition(text: MappedText): void {
    const pending = this.pending;
    if (!pending) return;
    const more = text.text.endsWith('\\');
    const content = more ? text.slice(0, text.length - 1).trim() : text;
    if (content.length > 0) pending.def.lines.push(content);
    if (!more) this.endDefinition();
  }

  private endDefinition(): void {
    const pending = this.pending;
    if (!pending) return;
    if (pending.def.lines.length === 0) pending.def.multiline = false;
    this.pending = undefined;
  }

  /** Steps 2 to 7 for one line (see the file comment). */
  private logicalLine(start: MappedText, depth: number): void {
    if (depth > MAX_NESTING) {
      this.sink.error(
        start.originAt(0),
        `lines nested deeper than ${MAX_NESTING} (~SEQ, ~LST or multiline definitions)`,
      );
      return;
    }
    let buf: MappedText | undefined = start;
    let following: MappedText[] = [];
    for (let round = 0; buf && buf.length > 0; round++) {
      buf = applyCondition(buf, this.options.configId);
      if (!buf || buf.length === 0) return;
      if (this.define(buf)) return;
      if (/^~(SEQ|LST)/.test(buf.text)) {
        this.sequence(buf, depth);
        return;
      }
      if (buf.text.startsWith('~') || !buf.text.includes('$') || round > MAX_EXPANSIONS_PER_LINE)
        break;
      const replaced = this.replaceParams(buf);
      if (!replaced) break;
      following = [...replaced.following, ...following];
      buf = decomment(replaced.text).text;
      if (!buf.text.startsWith('@') && !buf.text.includes('$')) break;
    }
    if (buf && buf.length > 0) this.emit(buf, depth);
    for (const line of following) this.logicalLine(line, depth + 1);
  }

  /** `$NAME=VALUE`: defined (true), or not a definition (false). */
  private define(buf: MappedText): boolean {
    const parsed = parseDefinition(buf);
    if (!parsed) return false;
    const def: Definition = {
      lines: parsed.value.length > 0 || !parsed.multiline ? [parsed.value] : [],
      multiline: parsed.multiline,
    };
    this.defs.set(parsed.name, def);
    if (parsed.multiline) this.pending = { name: parsed.name, def };
    return true;
  }

  private sequence(buf: MappedText, depth: number): void {
    const head = buf.text.startsWith('~SEQ')
      ? parseSeq(buf.text, (args) => this.expandArgs(buf, args))
      : parseLst(buf.text);
    if (!head.ok) {
      this.sink.error(buf.originAt(0), head.message);
      return;
    }
    const text = buf.slice(head.textStart);
    const definedAt = buf.originAt(0);
    for (const step of head.steps) {
      for (const [name, value] of step) {
        this.defs.set(name, { lines: [MappedText.at(value, definedAt)], multiline: false });
      }
      this.logicalLine(text, depth + 1);
    }
  }

  /** Parameters in ~SEQ's numbers; undefined when one is a multiline definition. */
  private expandArgs(buf: MappedText, args: string): string | undefined {
    const replaced = this.replaceParams(MappedText.at(args, buf.originAt(0)));
    if (!replaced) return args;
    return replaced.following.length > 0 ? undefined : replaced.text.text;
  }

  /**
   * keepalived's replace_param(): every `$NAME` / `${NAME}` with a definition is replaced, the
   * scan going on from the start of the value (so values are expanded too). Undefined when
   * nothing was replaced. A value starting with `~` stops the scan.
   */
  private replaceParams(
    buf: MappedText,
  ): { text: MappedText; following: MappedText[] } | undefined {
    let text = buf;
    let following: MappedText[] = [];
    let count = 0;
    let pos = text.text.indexOf('$');
    while (pos !== -1 && pos + 1 < text.length) {
      const use = useAt(text.text, pos);
      const def = use && this.lookup(use);
      if (!use || !def) {
        pos = text.text.indexOf('$', pos + 1);
        continue;
      }
      if (++count > MAX_EXPANSIONS_PER_LINE || text.length > MAX_LINE_LENGTH) {
        const deep = text.originAt(pos);
        this.sink.error(
          deep.via?.[0]?.use ?? deep,
          `parameter $${deep.via?.[0]?.name ?? use.name} does not stop expanding (${MAX_EXPANSIONS_PER_LINE} expansions on one line: does it refer to itself?)`,
        );
        return { text: MappedText.empty(), following: [] };
      }
      const at = text.originAt(pos);
      const [first = MappedText.empty(), ...rest] = def.builtin
        ? [MappedText.at(def.builtin(use), at)]
        : def.lines;
      if (use.params !== undefined && use.end < text.length)
        this.sink.warn(
          at,
          `keepalived 2.2.7 garbles the text after \${${use.name} ${use.params}} on a line (it moves only part of the line up); put it last on its line`,
        );
      const value = first.expandedAt(use.name, at);
      following = [...rest.map((l) => l.expandedAt(use.name, at)), ...following];
      text = text.splice(pos, use.end, value);
      if (value.text.trimStart().startsWith('~')) break;
      pos = text.text.indexOf('$', pos);
    }
    return count === 0 ? undefined : { text, following };
  }

  private lookup(use: Use): Definition | undefined {
    const def = this.defs.get(use.name);
    if (!def) return undefined;
    if (def.multiline && !use.endsLine) return undefined;
    if (use.params !== undefined && use.name !== '_RANDOM') return undefined;
    return def;
  }

  /** Steps 6 and 7: an include, or the line split at its first brace. */
  private emit(buf: MappedText, depth: number): void {
    const directive = includeDirective(buf);
    if (directive) {
      this.out.include(directive);
      return;
    }
    const brace = firstBrace(buf.text);
    if (brace === -1) {
      this.out.line(buf.trim());
      return;
    }
    const head = brace === 0 ? buf.slice(0, 1) : buf.slice(0, brace).trim();
    const residue = (brace === 0 ? buf.slice(1) : buf.slice(brace)).trim();
    this.out.line(head);
    if (residue.length > 0) this.logicalLine(residue, depth);
  }

  private defineBuiltins(): void {
    const builtin = (name: string, value: (use: Use) => string): void => {
      this.defs.set(name, { lines: [], multiline: false, builtin: value });
    };
    builtin('_PWD', () => path.posix.dirname(this.file));
    builtin('_INSTANCE', () => this.options.configId ?? '');
    builtin('_RANDOM', (use) => {
      const [min = 0, max = 32767] = (use.params ?? '').split(/ +/).filter(Boolean).map(Number);
      return String(this.options.random ? this.options.random(min, max) : min);
    });
    builtin('_HASH', () => '#');
    builtin('_BANG', () => '!');
  }
}

/** Index of the first `{` or `}` outside double quotes, or -1. */
function firstBrace(s: string): number {
  let quoted = false;
  for (let i = 0; i < s.length; i++) {
    const ch = s.charAt(i);
    if (ch === '"') quoted = !quoted;
    else if (!quoted && (ch === '{' || ch === '}')) return i;
  }
  return -1;
}

/**
 * `include PATH` (or a variant): keepalived globs the rest of the line as it stands, quotes and
 * blanks included. A path that is a lone brace is not an include (`include {` opens a block for
 * a keyword `include`); `include` with nothing after it is a keyword (unknown).
 */
function includeDirective(buf: MappedText): IncludeDirective | undefined {
  const m = /^(include[rmwba]?)[ \t]+(.*)$/.exec(buf.text);
  if (!m) return undefined;
  const rest = (m[2] ?? '').trim();
  if (rest === '{' || rest === '}' || rest.startsWith('{ ') || rest.endsWith(' }'))
    return undefined;
  return { variant: m[1] as IncludeVariant, path: rest, at: buf.originAt(0) };
}
