import type { Logger } from './logger.js';

/** The part of `process` this needs (tests pass an EventEmitter). */
export interface RejectionSource {
  on(event: 'unhandledRejection', listener: (reason: unknown) => void): unknown;
}

/**
 * Logs every promise rejection nobody handled, instead of Node's default of killing the process. Such a rejection
 * is a bug in one detached piece of work (a request's follow-up, a background probe); ending the server for it would
 * drop every connection and running turn with it. The log line (level error, with the stack) is what makes the bug
 * visible and fixable.
 */
export function logUnhandledRejections(source: RejectionSource, log: Logger): void {
  source.on('unhandledRejection', (reason) => {
    log.error({ err: reason }, 'unhandled promise rejection (a bug: the server keeps running)');
  });
}
