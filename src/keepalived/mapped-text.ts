/**
 * Text that remembers where each of its characters was written. keepalived rewrites a config
 * line before it splits it into words (comments cut, `@id` prefixes dropped, `$NAME` replaced by
 * a definition's value, `~SEQ` text repeated); carrying an origin per character lets a problem in
 * the rewritten line still be reported at the place in the original file, and, for text that came
 * out of a parameter, at the `$NAME` that was expanded and at the definition it came from.
 *
 * Pure.
 */
import type { Position } from './diagnostics';

/** One parameter expansion a character went through: `$NAME` (or `${NAME}`) used at `use`. */
export interface Expansion {
  name: string;
  use: Position;
}

/** Where a character was written, and the expansions (outermost first) that brought it here. */
export interface Origin extends Position {
  via?: readonly Expansion[];
}

export class MappedText {
  constructor(
    readonly text: string,
    readonly at: readonly Origin[],
  ) {}

  static empty(): MappedText {
    return new MappedText('', []);
  }

  /** A line as written: character i is at column `firstCol + i`. */
  static written(text: string, file: string, line: number, firstCol = 1): MappedText {
    return new MappedText(
      text,
      Array.from(text, (_, i) => ({ file, line, col: firstCol + i })),
    );
  }

  /** Text with no place of its own (a built-in value), every character at `at`. */
  static at(text: string, at: Origin): MappedText {
    return new MappedText(
      text,
      Array.from(text, () => at),
    );
  }

  get length(): number {
    return this.text.length;
  }

  slice(start: number, end = this.text.length): MappedText {
    return new MappedText(this.text.slice(start, end), this.at.slice(start, end));
  }

  concat(other: MappedText): MappedText {
    return new MappedText(this.text + other.text, [...this.at, ...other.at]);
  }

  /** Replace [start, end) by `insert`. */
  splice(start: number, end: number, insert: MappedText): MappedText {
    return this.slice(0, start).concat(insert).concat(this.slice(end));
  }

  /** The origin of character i, or just past the last character when i is the length. */
  originAt(i: number): Origin {
    const at = this.at[i];
    if (at) return at;
    const last = this.at[this.at.length - 1];
    return last ? { ...last, col: last.col + 1 } : { file: '', line: 0, col: 0 };
  }

  /** Without leading and trailing blanks (space and tab, as keepalived's isblank()). */
  trim(): MappedText {
    let start = 0;
    let end = this.text.length;
    while (start < end && isBlank(this.text.charAt(start))) start++;
    while (end > start && isBlank(this.text.charAt(end - 1))) end--;
    return this.slice(start, end);
  }

  /** This text as brought in by expanding `name` at `use`: every origin gains that expansion. */
  expandedAt(name: string, use: Origin): MappedText {
    const outer: Expansion[] = [
      ...(use.via ?? []),
      { name, use: { file: use.file, line: use.line, col: use.col } },
    ];
    return new MappedText(
      this.text,
      this.at.map((o) => ({ ...o, via: [...outer, ...(o.via ?? [])] })),
    );
  }
}

export function isBlank(ch: string): boolean {
  return ch === ' ' || ch === '\t';
}
