/**
 * A thread operation refused for a reason the client can act on (unknown, ephemeral or archived thread, empty
 * name). The message is the reference's text verbatim; handlers answer it as -32600. Anything else a thread
 * operation throws is an internal failure.
 */
export class ThreadRequestError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ThreadRequestError';
  }
}
