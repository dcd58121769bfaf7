/**
 * Why a `command/exec` or `process/spawn` request was refused by the process table or a running process. Messages
 * are the reference's texts verbatim (probed against 0.169.0); handlers answer {@link CommandExecRequestError} as
 * -32600 and {@link CommandSpawnError} as -32603.
 */

/** A control or start the client can correct: unknown or duplicate process id, stdin not open, not a PTY, … */
export class CommandExecRequestError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CommandExecRequestError';
  }
}

/**
 * The program could not be started; `message` is the whole text: `failed to spawn command: <cause>` for
 * `command/exec`, `failed to spawn process: <cause>` for `process/spawn`.
 */
export class CommandSpawnError extends Error {
  constructor(subject: 'command' | 'process', cause: string, options?: ErrorOptions) {
    super(`failed to spawn ${subject}: ${cause}`, options);
    this.name = 'CommandSpawnError';
  }
}

/** How the reference names a process id in errors: a client's id as a JSON string, a generated one as a number. */
export function processIdRepr(id: string | number): string {
  return typeof id === 'string' ? JSON.stringify(id) : String(id);
}
