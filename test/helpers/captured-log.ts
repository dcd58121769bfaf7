import { Writable } from 'node:stream';
import { pino } from 'pino';
import { type Logger, processLoggerOptions } from '../../src/util/logger.js';

/** A logger with the server's options that keeps its JSON lines (what the server would write to stderr). */
export function capturedLog(level: 'debug' | 'info' | 'warn' | 'error' = 'warn'): { log: Logger; text(): string } {
  const lines: string[] = [];
  const log = pino(
    processLoggerOptions({ LOG_LEVEL: level }),
    new Writable({
      write(chunk: Buffer, _encoding, callback) {
        lines.push(chunk.toString('utf8'));
        callback();
      },
    }),
  );
  return { log, text: () => lines.join('') };
}
