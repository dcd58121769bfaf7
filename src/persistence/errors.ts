/**
 * Errors of the persistence layer. None of them goes on the wire as is: the handler layer maps them
 * (`InvalidCursorError` to `-32600 invalid cursor: <value>`, the others to a thread/turn failure).
 */

/**
 * A rollout file that cannot be read as a rollout: unparseable JSON before the last line, a line that does not
 * have the rollout line shape, a first line that is not `session_meta`, or a `__proto__` key anywhere.
 * `lineNumber` is 1-based; `undefined` when the problem is the file as a whole (for example, no complete line).
 */
export class RolloutFormatError extends Error {
  readonly path: string;
  readonly lineNumber: number | undefined;

  constructor(path: string, lineNumber: number | undefined, detail: string, options?: ErrorOptions) {
    super(`${path}${lineNumber === undefined ? '' : `:${lineNumber}`}: ${detail}`, options);
    this.name = 'RolloutFormatError';
    this.path = path;
    this.lineNumber = lineNumber;
  }
}

/**
 * Writing to a rollout failed (open, write, fdatasync or close), or the writer was used after `close()` or after
 * an earlier failure. `cause` carries the file system error when there is one.
 */
export class RolloutWriteError extends Error {
  readonly path: string;

  constructor(path: string, message: string, options?: ErrorOptions) {
    super(`${message}: ${path}`, options);
    this.name = 'RolloutWriteError';
    this.path = path;
  }
}

/**
 * A `thread/list` cursor that is not `<RFC3339 timestamp>` or `<RFC3339 timestamp>|<uuid>`. The message is the
 * reference's text verbatim (`invalid cursor: <value>`), so the handler can put it on the wire unchanged.
 */
export class InvalidCursorError extends Error {
  readonly cursor: string;

  constructor(cursor: string) {
    super(`invalid cursor: ${cursor}`);
    this.name = 'InvalidCursorError';
    this.cursor = cursor;
  }
}

/** Moving a rollout into or out of `archived_sessions/` was refused (wrong place, or the target exists). */
export class RolloutMoveError extends Error {
  readonly path: string;

  constructor(path: string, message: string, options?: ErrorOptions) {
    super(`${message}: ${path}`, options);
    this.name = 'RolloutMoveError';
    this.path = path;
  }
}
