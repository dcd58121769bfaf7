/**
 * A text file as lines that remember their own line ending, so an update rewrites only what it touches: untouched
 * lines keep `\n` or `\r\n` as they were, and new lines take the file's first line ending (the rule rustfmt and
 * Ruff use, and the reference's `text_file.rs`; probed on 0.169.0: `one\r\ntwo\r\n` patched stays CRLF, a mixed
 * file keeps each old line's ending). After an update every line is terminated, so an unterminated last line
 * gains the preferred ending.
 */

type LineEnding = '\n' | '\r\n';

interface SourceLine {
  readonly text: string;
  readonly ending: LineEnding | null;
}

/** One replacement: drop `oldLength` lines at `start` and put `newLines` there. */
export interface Replacement {
  readonly start: number;
  readonly oldLength: number;
  readonly newLines: readonly string[];
}

export class SourceFile {
  #lines: SourceLine[];
  readonly #preferredEnding: LineEnding;

  private constructor(lines: SourceLine[], preferredEnding: LineEnding) {
    this.#lines = lines;
    this.#preferredEnding = preferredEnding;
  }

  /** Splits `contents` at `\n`; a `\r` before it belongs to the ending, not to the line's text. */
  static parse(contents: string): SourceFile {
    const lines: SourceLine[] = [];
    let preferred: LineEnding | null = null;
    let lineStart = 0;
    for (let newline = contents.indexOf('\n'); newline !== -1; newline = contents.indexOf('\n', lineStart)) {
      const crlf = newline > lineStart && contents.charCodeAt(newline - 1) === 0x0d;
      const ending: LineEnding = crlf ? '\r\n' : '\n';
      preferred ??= ending;
      lines.push({ text: contents.slice(lineStart, crlf ? newline - 1 : newline), ending });
      lineStart = newline + 1;
    }
    if (lineStart < contents.length) lines.push({ text: contents.slice(lineStart), ending: null });
    return new SourceFile(lines, preferred ?? '\n');
  }

  /** The lines' texts, without endings: what a chunk's lines are matched against. */
  lineTexts(): string[] {
    return this.#lines.map((line) => line.text);
  }

  /** Applies replacements sorted by `start` that do not overlap, then terminates every line. */
  applyReplacements(replacements: readonly Replacement[]): void {
    const result: SourceLine[] = [];
    let sourceIndex = 0;
    for (const { start, oldLength, newLines } of replacements) {
      // Chunks are sought one after the other, so replacements cannot overlap; clamping keeps a bad list from
      // duplicating or dropping lines all the same.
      const keepUntil = Math.max(start, sourceIndex);
      result.push(...this.#lines.slice(sourceIndex, keepUntil));
      sourceIndex = Math.min(Math.max(keepUntil, start + oldLength), this.#lines.length);
      for (const text of newLines) result.push({ text, ending: this.#preferredEnding });
    }
    result.push(...this.#lines.slice(sourceIndex));
    // Updates always end with a newline, which also terminates a last line that an insertion moved inward.
    this.#lines = result.map((line) => (line.ending === null ? { ...line, ending: this.#preferredEnding } : line));
  }

  /** The file's text. */
  contents(): string {
    return this.#lines.map((line) => line.text + (line.ending ?? '')).join('');
  }
}
