/** An MCP server's own JSON-RPC error: its code, and its message without the SDK's `MCP error <code>: ` prefix. */
export interface McpServerError {
  readonly code: number;
  readonly message: string;
}

/** A request that failed: the server's error (`cause`), a timeout, a closed connection, or a server not running. */
export class McpCallError extends Error {
  /** The server could not be started, so the request never reached it. */
  readonly notStarted: boolean;
  /** Set when the server answered with an error (rather than timing out or going away). */
  readonly serverError: McpServerError | null;

  constructor(message: string, options: { cause?: unknown; notStarted?: boolean; serverError?: McpServerError | null } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.notStarted = options.notStarted ?? false;
    this.serverError = options.serverError ?? null;
  }
}
