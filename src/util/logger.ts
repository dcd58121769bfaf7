import { Writable } from 'node:stream';
import { pino } from 'pino';
import type { Logger, LevelWithSilent, LoggerOptions } from 'pino';
import { withSecretsCensored } from './log-redaction.js';

export type { Logger } from 'pino';

const LEVELS: ReadonlySet<string> = new Set(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']);

/**
 * Reads the verbosity from `LOG_LEVEL` (pino names) or, failing that, a `RUST_LOG`-style value such as
 * `debug` or `codex_app_server=debug,info`: the most verbose recognised level wins. Defaults to `info`.
 */
export function resolveLogLevel(env: NodeJS.ProcessEnv): LevelWithSilent {
  for (const raw of [env.LOG_LEVEL, env.RUST_LOG]) {
    if (!raw) continue;
    const order = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'];
    const found = raw
      .toLowerCase()
      .split(',')
      .map((part) => part.split('=').pop()?.trim() ?? '')
      .map((level) => (level === 'warning' ? 'warn' : level === 'off' ? 'silent' : level))
      .filter((level) => LEVELS.has(level))
      .sort((a, b) => order.indexOf(a) - order.indexOf(b));
    if (found[0]) return found[0] as LevelWithSilent;
  }
  return 'info';
}

const LEVEL_LABELS: Record<number, string> = {
  10: 'TRACE',
  20: 'DEBUG',
  30: 'INFO',
  40: 'WARN',
  50: 'ERROR',
  60: 'FATAL',
};

/**
 * Turns pino's JSON lines into `time LEVEL msg key=value` lines for people reading a terminal. Redaction has
 * already happened inside pino, so this only reformats.
 */
function humanReadableStderr(): Writable {
  return new Writable({
    write(chunk: Buffer, _encoding, callback) {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (line) process.stderr.write(formatLine(line));
      }
      callback();
    },
  });
}

function formatLine(line: string): string {
  let record: Record<string, unknown>;
  try {
    record = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return `${line}\n`;
  }
  const { time, level, msg, pid: _pid, hostname: _hostname, ...rest } = record;
  const when = typeof time === 'number' ? new Date(time).toISOString() : '';
  const label = typeof level === 'number' ? (LEVEL_LABELS[level] ?? String(level)) : String(level);
  const fields = Object.entries(rest)
    .map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`)
    .join(' ');
  return `${when} ${label.padEnd(5)} ${typeof msg === 'string' ? msg : JSON.stringify(msg ?? '')}${fields ? ` ${fields}` : ''}\n`;
}

/** The process logger's options, whatever it writes to. */
export function processLoggerOptions(env: NodeJS.ProcessEnv): LoggerOptions {
  return {
    level: resolveLogLevel(env),
    base: null,
    // Secrets are censored by our own pass over each line's object (log-redaction.ts), not pino's `redact`.
    formatters: { log: withSecretsCensored },
  };
}

/**
 * The process logger. Always stderr: stdout carries the stdio transport. `LOG_FORMAT=json` writes one JSON
 * object per line; otherwise lines are formatted for a terminal.
 */
export function createLogger(env: NodeJS.ProcessEnv = process.env): Logger {
  const options = processLoggerOptions(env);
  if (env.LOG_FORMAT === 'json') {
    return pino(options, pino.destination({ fd: 2, sync: true }));
  }
  return pino(options, humanReadableStderr());
}

/** A logger that drops everything, for tests of units that take a logger. */
export function createSilentLogger(): Logger {
  return pino({ level: 'silent' });
}
