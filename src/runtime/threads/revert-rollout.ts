import { readFile } from 'node:fs/promises';
import { historyBaseAt, readThreadRollout } from '../../persistence/history-chain.js';
import { continuationRolloutPath } from '../../persistence/layout.js';
import type { RolloutLine, SessionMeta } from '../../persistence/rollout-schema.js';
import { RolloutWriter } from '../../persistence/rollout-writer.js';
import { uuidv7 } from '../../util/ids.js';
import { previewOfLines } from './fork-rollout.js';
import { ThreadRequestError } from './thread-request-error.js';

/**
 * thread/revert's work on disk. The thread's rollout files are never rewritten: the thread continues in a new
 * file whose `session_meta` says, with `history_base`, that its history is the thread's previous file cut just
 * before the reverted turn's first line, and whose ordinals go on from that cut (observed from the reference
 * 0.169.0, which reads such a file back the same way). Reverting to before the thread's first turn leaves no
 * history to inherit: the new file then starts afresh at ordinal 0 with no `history_base` (observed), and the
 * next turn opens with the full context again, as a new thread's first turn does.
 */

/** Why a revert is refused, in the reference's words where it has them [observed]; handlers answer -32600. */
export const revertRefusals = {
  threadNotFound: (threadId: string) => new ThreadRequestError(`thread not found: ${threadId}`),
  turnNotFound: (turnId: string) => new ThreadRequestError(`turn not found: ${turnId}`),
  ephemeral: () => new ThreadRequestError('ephemeral threads do not support thread/revert'),
  noRollout: (threadId: string) => new ThreadRequestError(`no rollout found for thread id ${threadId}`),
} as const;

/** Where a revert cuts a thread's history, decided before anything changes. */
export interface RevertPlan {
  readonly threadId: string;
  /** The file the thread writes now. */
  readonly currentPath: string;
  /** The current file's own session_meta, without `history_base` (the new file's starting point). */
  readonly meta: SessionMeta;
  /** The ordinal of the reverted turn's first line: everything from it on is left out. */
  readonly cutOrdinal: number;
  /** Whether any turn comes before the cut (if not, the new file inherits nothing). */
  readonly keepsHistory: boolean;
  /** What thread/list shows for the thread afterwards: its first remaining user message, or ''. */
  readonly preview: string;
}

/**
 * Finds `beforeTurnId` in the thread's persisted history (its current file with everything it inherits).
 * @throws ThreadRequestError `turn not found: <id>` when no turn of the persisted history has that id.
 */
export async function planRevert(
  codexHome: string,
  threadId: string,
  currentPath: string,
  beforeTurnId: string,
): Promise<RevertPlan> {
  const content = await readThreadRollout(codexHome, currentPath);
  const at = content.lines.findIndex((line) => turnIdStartedBy(line) === beforeTurnId);
  if (at < 0) throw revertRefusals.turnNotFound(beforeTurnId);
  const cutLine = content.lines[at] as RolloutLine;
  const kept = content.lines.slice(0, at);
  return {
    threadId,
    currentPath,
    meta: content.meta,
    cutOrdinal: cutLine.ordinal ?? at,
    keepsHistory: kept.some((line) => turnIdStartedBy(line) !== null),
    preview: previewOfLines(kept),
  };
}

function turnIdStartedBy(line: RolloutLine): string | null {
  if (line.type !== 'event_msg' || line.payload.type !== 'task_started') return null;
  const turnId = line.payload['turn_id'];
  return typeof turnId === 'string' ? turnId : null;
}

/**
 * Writes the thread's new file (its session_meta only, durable before this resolves) and returns its path.
 * The current file must be closed first: its bytes decide the `history_base` byte offset.
 */
export async function writeRevertedRollout(codexHome: string, plan: RevertPlan, nowMs: number): Promise<string> {
  const path = continuationRolloutPath(codexHome, plan.threadId, uuidv7(nowMs), new Date(nowMs));
  const base = plan.keepsHistory
    ? historyBaseAt(plan.threadId, await readFile(plan.currentPath), plan.cutOrdinal)
    : null;
  const writer = RolloutWriter.create({
    path,
    sessionMeta: { ...plan.meta, timestamp: new Date(nowMs).toISOString(), ...(base === null ? {} : { history_base: base }) },
    firstOrdinal: base === null ? 0 : plan.cutOrdinal,
    now: () => nowMs,
  });
  await writer.materialize();
  await writer.close();
  return path;
}
