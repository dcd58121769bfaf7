/**
 * A JSON parser that remembers where each value sits, so argument errors can name a line and column the way the
 * reference's serde_json does (`invalid type: string "yes", expected a boolean at line 1 column 27`). Positions
 * are byte offsets into the UTF-8 text; {@link lineColumn} turns them into serde_json's 1-based line and the
 * number of bytes consumed on that line. On a syntax error the tree built so far is returned with the error, so
 * a field that fails earlier in the text can still be reported first, as serde would.
 */

export type JsonNode =
  | { readonly kind: 'null'; readonly start: number; readonly at: number }
  | { readonly kind: 'bool'; readonly value: boolean; readonly start: number; readonly at: number }
  | { readonly kind: 'string'; readonly value: string; readonly start: number; readonly at: number }
  | {
      readonly kind: 'number';
      readonly value: number;
      /** Written with a fraction or exponent (or too large for a 64-bit integer): serde sees a float. */
      readonly isFloat: boolean;
      readonly start: number;
      readonly at: number;
    }
  | {
      readonly kind: 'object';
      readonly entries: JsonEntry[];
      readonly start: number;
      readonly at: number;
      end: number | null;
    }
  | {
      readonly kind: 'array';
      readonly items: JsonNode[];
      readonly start: number;
      readonly at: number;
      end: number | null;
    };

/**
 * `start` is the offset of the value's first byte. `at` is where serde_json reports a type error for the value:
 * just past a scalar's last byte, or just past the opening bracket of an object or array (it peeks there without
 * parsing further). `end` is just past the closing bracket (null when the text broke off inside).
 */
export interface JsonEntry {
  readonly key: string;
  /** Just past the key's closing quote (where a duplicate field is reported). */
  readonly keyEnd: number;
  readonly node: JsonNode;
}

export interface JsonSyntaxError {
  /** serde_json's wording, e.g. `expected value`, `EOF while parsing an object`. */
  readonly message: string;
  readonly at: number;
}

export interface PositionedParse {
  /** The top-level value, complete or (after a syntax error) as far as it got; null when nothing parsed. */
  readonly root: JsonNode | null;
  readonly error: JsonSyntaxError | null;
  readonly bytes: Buffer;
}

/** u64::MAX (2^64 - 1) as JSON numbers hold it: the nearest double is 2^64. */
const U64_MAX = 2 ** 64;
const I64_MIN = -9_223_372_036_854_775_808;

/** serde_json's recursion limit. */
const MAX_DEPTH = 128;

class SyntaxFailure extends Error {
  constructor(readonly syntax: JsonSyntaxError) {
    super(syntax.message);
  }
}

export function parseWithPositions(text: string): PositionedParse {
  const parser = new Parser(Buffer.from(text, 'utf8'));
  return parser.parseDocument();
}

/** serde_json's `line L column C` for a byte offset. */
export function lineColumn(bytes: Buffer, at: number): { readonly line: number; readonly column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < at && i < bytes.length; i++) {
    if (bytes[i] === 0x0a) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: at - lineStart };
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

class Parser {
  #index = 0;
  #root: JsonNode | null = null;

  constructor(readonly bytes: Buffer) {}

  parseDocument(): PositionedParse {
    try {
      this.#root = this.#value(0, (node) => (this.#root = node));
      this.#skipWhitespace();
      if (this.#index < this.bytes.length) this.#fail('trailing characters', this.#peekAt());
      return { root: this.#root, error: null, bytes: this.bytes };
    } catch (error) {
      if (!(error instanceof SyntaxFailure)) throw error;
      return { root: this.#root, error: error.syntax, bytes: this.bytes };
    }
  }

  /** Parses one value; `attach` receives a container before its contents, so partial trees survive errors. */
  #value(depth: number, attach: (node: JsonNode) => void): JsonNode {
    this.#skipWhitespace();
    const byte = this.bytes[this.#index];
    if (byte === undefined) this.#fail('EOF while parsing a value', this.#peekAt());
    switch (byte) {
      case 0x7b /* { */:
        return this.#object(depth, attach);
      case 0x5b /* [ */:
        return this.#array(depth, attach);
      case QUOTE: {
        const start = this.#index;
        const node: JsonNode = { kind: 'string', value: this.#string(), start, at: this.#index };
        attach(node);
        return node;
      }
      case 0x6e /* n */:
        return this.#literal('null', attach);
      case 0x74 /* t */:
        return this.#literal('true', attach);
      case 0x66 /* f */:
        return this.#literal('false', attach);
      default:
        if (byte === 0x2d || (byte >= 0x30 && byte <= 0x39)) {
          const node = this.#number();
          attach(node);
          return node;
        }
        return this.#fail('expected value', this.#peekAt());
    }
  }

  #object(depth: number, attach: (node: JsonNode) => void): JsonNode {
    if (depth >= MAX_DEPTH) this.#fail('recursion limit exceeded', this.#peekAt());
    const start = this.#index++;
    const node: JsonNode = { kind: 'object', entries: [], start, at: this.#index, end: null };
    attach(node);
    this.#skipWhitespace();
    if (this.bytes[this.#index] === 0x7d) {
      this.#index++;
      node.end = this.#index;
      return node;
    }
    for (;;) {
      this.#skipWhitespace();
      const byte = this.bytes[this.#index];
      if (byte === undefined) this.#fail('EOF while parsing an object', this.#peekAt());
      if (byte !== QUOTE) this.#fail('key must be a string', this.#peekAt());
      const key = this.#string();
      const keyEnd = this.#index;
      this.#skipWhitespace();
      const colon = this.bytes[this.#index];
      if (colon === undefined) this.#fail('EOF while parsing an object', this.#peekAt());
      if (colon !== 0x3a) this.#fail('expected `:`', this.#peekAt());
      this.#index++;
      this.#value(depth + 1, (child) => node.entries.push({ key, keyEnd, node: child }));
      this.#skipWhitespace();
      const next = this.bytes[this.#index];
      if (next === undefined) this.#fail('EOF while parsing an object', this.#peekAt());
      this.#index++;
      if (next === 0x7d) {
        node.end = this.#index;
        return node;
      }
      if (next !== 0x2c) this.#fail('expected `,` or `}`', this.#index);
      this.#skipWhitespace();
      if (this.bytes[this.#index] === 0x7d) this.#fail('trailing comma', this.#peekAt());
    }
  }

  #array(depth: number, attach: (node: JsonNode) => void): JsonNode {
    if (depth >= MAX_DEPTH) this.#fail('recursion limit exceeded', this.#peekAt());
    const start = this.#index++;
    const node: JsonNode = { kind: 'array', items: [], start, at: this.#index, end: null };
    attach(node);
    this.#skipWhitespace();
    if (this.bytes[this.#index] === 0x5d) {
      this.#index++;
      node.end = this.#index;
      return node;
    }
    for (;;) {
      this.#value(depth + 1, (child) => node.items.push(child));
      this.#skipWhitespace();
      const next = this.bytes[this.#index];
      if (next === undefined) this.#fail('EOF while parsing a list', this.#peekAt());
      this.#index++;
      if (next === 0x5d) {
        node.end = this.#index;
        return node;
      }
      if (next !== 0x2c) this.#fail('expected `,` or `]`', this.#index);
      this.#skipWhitespace();
      if (this.bytes[this.#index] === 0x5d) this.#fail('trailing comma', this.#peekAt());
    }
  }

  #literal(word: 'null' | 'true' | 'false', attach: (node: JsonNode) => void): JsonNode {
    const start = this.#index;
    for (let i = 0; i < word.length; i++) {
      const byte = this.bytes[this.#index];
      if (byte === undefined) this.#fail('EOF while parsing a value', this.#peekAt());
      this.#index++;
      if (byte !== word.charCodeAt(i)) this.#fail('expected ident', this.#index);
    }
    const at = this.#index;
    const node: JsonNode =
      word === 'null' ? { kind: 'null', start, at } : { kind: 'bool', value: word === 'true', start, at };
    attach(node);
    return node;
  }

  /** Reads a string token (the index is on its opening quote) and returns its value. */
  #string(): string {
    const start = this.#index;
    this.#index++;
    for (;;) {
      const byte = this.bytes[this.#index];
      if (byte === undefined) this.#fail('EOF while parsing a string', this.#peekAt());
      this.#index++;
      if (byte === QUOTE) break;
      if (byte < 0x20) this.#fail('control character (\\u0000-\\u001F) found while parsing a string', this.#index);
      if (byte === BACKSLASH) {
        const escape = this.bytes[this.#index];
        if (escape === undefined) this.#fail('EOF while parsing a string', this.#peekAt());
        this.#index++;
        if (escape === 0x75 /* u */) {
          for (let i = 0; i < 4; i++) {
            const hex = this.bytes[this.#index];
            if (hex === undefined) this.#fail('EOF while parsing a string', this.#peekAt());
            this.#index++;
            if (!isHexDigit(hex)) this.#fail('invalid escape', this.#index);
          }
        } else if (!'"\\/bfnrt'.includes(String.fromCharCode(escape))) {
          this.#fail('invalid escape', this.#index);
        }
      }
    }
    // The token is valid JSON now; let the platform decode escapes and surrogate pairs.
    return JSON.parse(this.bytes.toString('utf8', start, this.#index)) as string;
  }

  #number(): JsonNode {
    const start = this.#index;
    let isFloat = false;
    if (this.bytes[this.#index] === 0x2d) this.#index++;
    const first = this.bytes[this.#index];
    if (first === undefined) this.#fail('EOF while parsing a value', this.#peekAt());
    if (!isDigit(first)) this.#fail('invalid number', this.#peekAt());
    this.#index++;
    if (first !== 0x30) this.#digits();
    else if (isDigit(this.bytes[this.#index])) this.#fail('invalid number', this.#peekAt());
    if (this.bytes[this.#index] === 0x2e /* . */) {
      isFloat = true;
      this.#index++;
      if (!isDigit(this.bytes[this.#index])) this.#fail('EOF while parsing a value', this.#peekAt());
      this.#digits();
    }
    const exponent = this.bytes[this.#index];
    if (exponent === 0x65 || exponent === 0x45) {
      isFloat = true;
      this.#index++;
      const sign = this.bytes[this.#index];
      if (sign === 0x2b || sign === 0x2d) this.#index++;
      if (!isDigit(this.bytes[this.#index])) this.#fail('EOF while parsing a value', this.#peekAt());
      this.#digits();
    }
    const lexeme = this.bytes.toString('latin1', start, this.#index);
    const value = Number(lexeme);
    // Past the u64/i64 range serde_json reads an integer as a float, so it is reported as "floating point".
    const outOfRange = value > U64_MAX || value < I64_MIN;
    return { kind: 'number', value, isFloat: isFloat || outOfRange, start, at: this.#index };
  }

  #digits(): void {
    while (isDigit(this.bytes[this.#index])) this.#index++;
  }

  #skipWhitespace(): void {
    for (;;) {
      const byte = this.bytes[this.#index];
      if (byte !== 0x20 && byte !== 0x09 && byte !== 0x0a && byte !== 0x0d) return;
      this.#index++;
    }
  }

  /** Where serde_json reports a "peek" error: at the next byte (or the end). */
  #peekAt(): number {
    return Math.min(this.bytes.length, this.#index + 1);
  }

  #fail(message: string, at: number): never {
    throw new SyntaxFailure({ message, at });
  }
}

function isDigit(byte: number | undefined): boolean {
  return byte !== undefined && byte >= 0x30 && byte <= 0x39;
}

function isHexDigit(byte: number): boolean {
  return isDigit(byte) || (byte >= 0x61 && byte <= 0x66) || (byte >= 0x41 && byte <= 0x46);
}
