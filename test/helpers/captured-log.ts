import { Writable } from 'node:stream';
import { pino } from 'pino';
import type { Logger } from '../../src/util/logger.js';

/** A logger that keeps its JSON lines (what the server would write to stderr) for assertions. */
export function capturedLog(level: 'warn' | 'error' = 'warn'): { log: Logger; text(): string } {
  const lines: string[] = [];
  const log = pino(
    { level },
    new Writable({
      write(chunk: Buffer, _encoding, callback) {
        lines.push(chunk.toString('utf8'));
        callback();
      },
    }),
  );
  return { log, text: () => lines.join('') };
}
