import { basename, dirname, join, relative, sep } from 'node:path';

/**
 * The CODEX_HOME layout of thread rollouts, as the reference (0.169.0) writes it:
 *
 * ```
 * $CODEX_HOME/sessions/YYYY/MM/DD/rollout-YYYY-MM-DDTHH-MM-SS-<thread-uuid>.jsonl
 * $CODEX_HOME/archived_sessions/rollout-YYYY-MM-DDTHH-MM-SS-<thread-uuid>.jsonl   (flat, no date directories)
 * ```
 *
 * The date directories and the file-name timestamp are the LOCAL time at thread creation, to the second, with
 * the colons of the time replaced by `-` (the reference formats `[year]-[month]-[day]T[hour]-[minute]-[second]`
 * from `OffsetDateTime::now_local()`). Everything else in a rollout (line timestamps, session_meta.timestamp)
 * is UTC.
 *
 * A thread whose history was replaced (thread/revert) continues in a further file of the same thread,
 * `rollout-<time of the revert>-<thread-uuid>_<file-uuid>.jsonl`, whose `session_meta.history_base` points back
 * into the thread's earlier file (observed from the reference 0.169.0); the earlier files stay where they are.
 */

/** Directory under CODEX_HOME that holds live rollouts, in `YYYY/MM/DD` sub-directories. */
export const SESSIONS_DIR = 'sessions';
/** Directory under CODEX_HOME that holds archived rollouts, flat. */
export const ARCHIVED_SESSIONS_DIR = 'archived_sessions';

const UUID_PATTERN = '[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}';
const FILE_NAME = new RegExp(
  `^rollout-(\\d{4})-(\\d{2})-(\\d{2})T(\\d{2})-(\\d{2})-(\\d{2})-(${UUID_PATTERN})(?:_${UUID_PATTERN})?\\.jsonl$`,
);

/** What a rollout file name says: its creation time (local, to the second) and its thread id. */
export interface RolloutFileName {
  /** The timestamp part exactly as in the name, `YYYY-MM-DDTHH-MM-SS` (local time). */
  readonly timestamp: string;
  /** The same instant as a Date, read as local time. */
  readonly createdAt: Date;
  /** The thread id as spelled in the name. */
  readonly threadId: string;
}

function pad(value: number, width = 2): string {
  return String(value).padStart(width, '0');
}

/** `YYYY-MM-DDTHH-MM-SS` of `date` in local time: the timestamp part of a rollout file name. */
export function formatRolloutFileTimestamp(date: Date): string {
  return (
    `${pad(date.getFullYear(), 4)}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}` +
    `T${pad(date.getHours())}-${pad(date.getMinutes())}-${pad(date.getSeconds())}`
  );
}

/** `rollout-YYYY-MM-DDTHH-MM-SS-<threadId>.jsonl` for a thread created at `createdAt` (local time). */
export function rolloutFileName(threadId: string, createdAt: Date): string {
  return `rollout-${formatRolloutFileTimestamp(createdAt)}-${threadId}.jsonl`;
}

/**
 * The path of a further file of an existing thread (its history replaced at `createdAt`, see above):
 * `$CODEX_HOME/sessions/YYYY/MM/DD/rollout-…-<threadId>_<fileId>.jsonl`. Pure: nothing is created.
 */
export function continuationRolloutPath(codexHome: string, threadId: string, fileId: string, createdAt: Date): string {
  return join(
    sessionsDayDir(codexHome, createdAt),
    `rollout-${formatRolloutFileTimestamp(createdAt)}-${threadId}_${fileId}.jsonl`,
  );
}

/** `$CODEX_HOME/sessions`. */
export function sessionsRoot(codexHome: string): string {
  return join(codexHome, SESSIONS_DIR);
}

/** `$CODEX_HOME/archived_sessions`. */
export function archivedSessionsRoot(codexHome: string): string {
  return join(codexHome, ARCHIVED_SESSIONS_DIR);
}

/** `$CODEX_HOME/sessions/YYYY/MM/DD` for a local date. */
export function sessionsDayDir(codexHome: string, createdAt: Date): string {
  return join(
    sessionsRoot(codexHome),
    pad(createdAt.getFullYear(), 4),
    pad(createdAt.getMonth() + 1),
    pad(createdAt.getDate()),
  );
}

/**
 * The path of a new thread's rollout: `$CODEX_HOME/sessions/YYYY/MM/DD/rollout-…-<threadId>.jsonl`, dated by
 * `createdAt` in local time. Pure: nothing is created (see RolloutWriter, which creates lazily).
 */
export function rolloutPath(codexHome: string, threadId: string, createdAt: Date): string {
  return join(sessionsDayDir(codexHome, createdAt), rolloutFileName(threadId, createdAt));
}

/** Where an archived rollout with this file name lives: `$CODEX_HOME/archived_sessions/<fileName>`. */
export function archivedRolloutPath(codexHome: string, fileName: string): string {
  return join(archivedSessionsRoot(codexHome), fileName);
}

/**
 * Reads a rollout file name (a bare name or a path; only the last component counts) back into its parts;
 * `null` when it is not `rollout-YYYY-MM-DDTHH-MM-SS-<uuid>.jsonl` or the date is not a real one.
 */
export function parseRolloutFileName(nameOrPath: string): RolloutFileName | null {
  const match = FILE_NAME.exec(basename(nameOrPath));
  if (match === null) return null;
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const createdAt = new Date(year, month - 1, day, hour, minute, second);
  // Reject 2026-02-31 and friends, which Date would silently roll over.
  if (createdAt.getMonth() !== month - 1 || createdAt.getDate() !== day || hour > 23 || minute > 59 || second > 59) {
    return null;
  }
  const timestamp = match[0].slice('rollout-'.length, 'rollout-'.length + 'YYYY-MM-DDTHH-MM-SS'.length);
  return { timestamp, createdAt, threadId: match[7] as string };
}

/**
 * Sorts a thread's rollout files in the order they were written: by the creation time in the name, then the
 * thread's first file (no file id) before its continuations, which sort among themselves by their uuid v7 file
 * ids. The last one is the file the thread appends to now.
 */
export function rolloutWriteOrderKey(nameOrPath: string): string {
  const name = basename(nameOrPath);
  const fileId = name.includes('_') ? name.slice(name.lastIndexOf('_') + 1) : '';
  return `${parseRolloutFileName(name)?.timestamp ?? ''}|${fileId}`;
}

/** Whether `path` lies directly in `$CODEX_HOME/archived_sessions`. */
export function isArchivedRolloutPath(codexHome: string, path: string): boolean {
  return dirname(path) === archivedSessionsRoot(codexHome);
}

/** Whether `path` lies somewhere below `$CODEX_HOME/sessions`. */
export function isLiveRolloutPath(codexHome: string, path: string): boolean {
  const rel = relative(sessionsRoot(codexHome), path);
  return rel !== '' && !rel.startsWith('..') && !rel.startsWith(sep) && !rel.includes(`..${sep}`);
}
