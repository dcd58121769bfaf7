import { formatLineTimestamp, userMessageText } from '../../persistence/rollout-schema.js';
import type { RolloutItem, RolloutLine } from '../../persistence/rollout-schema.js';
import type { LoadedThread } from './loaded-thread.js';
import { ThreadRequestError } from './thread-request-error.js';
import type { SessionOverrides } from './thread-settings.js';

/**
 * thread/fork's work on rollout lines: resolving a source's history, cutting it at the requested turn, and
 * closing a turn that was still running. What the fork is built from is always its source's rollout (flushed
 * first when the source is loaded), so the fork's turns and model history are exactly what its own rollout will
 * say when it is loaded again.
 *
 * Persistence differs from the reference on purpose: the reference 0.169.0 writes a paginated fork as a
 * `session_meta` with `history_base: {thread_id, end_ordinal_exclusive, end_byte_offset}` pointing into the
 * source's file (probed), which every reader would have to follow; we copy the source's lines instead, as the
 * reference itself does for `legacy` threads (probed), so our forks are self-contained rollouts that both
 * servers read. Reference forks written with `history_base` are read with their inherited history
 * (persistence/history-chain.ts) before they are forked again.
 */

/** What thread/fork asks for beyond the session overrides. */
export interface ThreadForkRequest extends SessionOverrides {
  /** Fork through this turn, inclusive. */
  readonly lastTurnId?: string | null | undefined;
  /** Fork before this turn (experimental). */
  readonly beforeTurnId?: string | null | undefined;
  readonly ephemeral?: boolean | undefined;
  readonly excludeTurns?: boolean | undefined;
}

/** The new thread and what its creator is told about it. */
export interface ForkedThread {
  readonly thread: LoadedThread;
  /**
   * Whether the fork keeps a paginated history (`history_mode: "paginated"`, what this server and 0.169.0 write):
   * such a fork answered with full turns comes with a deprecation notice [observed].
   */
  readonly paginated: boolean;
  /** The turn whose usage `thread/tokenUsage/updated` reports (the last one that recorded usage), if any. */
  readonly tokenUsageTurnId: string | null;
}

/** Why a fork is refused, in the reference's words [observed]; handlers answer these as -32600. */
export const forkRefusals = {
  noRollout: (threadId: string) => new ThreadRequestError(`no rollout found for thread id ${threadId}`),
  archived: (threadId: string) =>
    new ThreadRequestError(
      `session ${threadId} is archived. Run \`codex unarchive ${threadId}\` to unarchive it first.`,
    ),
  beforeAndLastTurn: () => new ThreadRequestError('`beforeTurnId` cannot be combined with `lastTurnId`'),
  ephemeralNeedsExcludeTurns: () =>
    new ThreadRequestError('ephemeral paginated thread/fork requires `excludeTurns: true`'),
  turnNotFound: (turnId: string) => new ThreadRequestError(`turn not found: ${turnId}`),
  turnInProgress: (turnId: string) =>
    new ThreadRequestError(`lastTurnId '${turnId}' identifies an in-progress turn`),
} as const;

/**
 * What the model is told when a conversation continues after a turn that never finished: the reference's
 * marker, verbatim [observed in the rollout of a fork taken mid-turn].
 */
export const TURN_ABORTED_MESSAGE =
  '<turn_aborted>\nThe user interrupted the previous turn on purpose. Any running unified exec processes may still ' +
  'be running in the background. If any tools/commands were aborted, they may have partially executed.\n' +
  '</turn_aborted>';

/** One turn's lines: from its `task_started` to just before the next one. */
interface TurnSegment {
  readonly turnId: string;
  /** Index (in the lines given to segmentTurns) of the `task_started` line. */
  readonly start: number;
  readonly startedPayload: Readonly<Record<string, unknown>>;
}

function segmentTurns(lines: readonly RolloutLine[]): TurnSegment[] {
  const segments: TurnSegment[] = [];
  lines.forEach((line, index) => {
    if (line.type !== 'event_msg' || line.payload.type !== 'task_started') return;
    const turnId = line.payload['turn_id'];
    if (typeof turnId === 'string') segments.push({ turnId, start: index, startedPayload: line.payload });
  });
  return segments;
}

/**
 * The lines a fork starts with: the source's lines after its session_meta, through `lastTurnId` or before
 * `beforeTurnId`, then, when the last kept turn never ended (the source is mid-turn), the reference's
 * interruption marker: a `<turn_aborted>` user message and a `turn_aborted` event without completion time, so
 * the turn shows `interrupted` with `completedAt: null` [observed].
 * @throws ThreadRequestError `turn not found: <id>` for an id that is no turn of the source, or
 *   `lastTurnId '<id>' identifies an in-progress turn` for the turn `activeTurnId` names.
 */
export function forkLines(
  sourceLines: readonly RolloutLine[],
  request: Pick<ThreadForkRequest, 'lastTurnId' | 'beforeTurnId'>,
  activeTurnId: string | null,
  nowMs: number,
): RolloutLine[] {
  const lines = sourceLines.filter((line) => line.type !== 'session_meta');
  const segments = segmentTurns(lines);
  let end = lines.length;
  if (request.lastTurnId != null) {
    const at = segments.findIndex((segment) => segment.turnId === request.lastTurnId);
    if (at < 0) throw forkRefusals.turnNotFound(request.lastTurnId);
    if (request.lastTurnId === activeTurnId) throw forkRefusals.turnInProgress(request.lastTurnId);
    end = segments[at + 1]?.start ?? lines.length;
  } else if (request.beforeTurnId != null) {
    const at = segments.find((segment) => segment.turnId === request.beforeTurnId);
    if (at === undefined) throw forkRefusals.turnNotFound(request.beforeTurnId);
    end = at.start;
  }
  const kept = lines.slice(0, end);
  const last = [...segments].reverse().find((segment) => segment.start < end);
  if (last === undefined || turnEnded(kept.slice(last.start))) return kept;
  return [...kept, ...interruptionMarker(last, nowMs)];
}

function turnEnded(turnLines: readonly RolloutLine[]): boolean {
  const ends = new Set(['task_complete', 'turn_aborted']);
  return turnLines.some((line) => line.type === 'event_msg' && ends.has(line.payload.type));
}

function interruptionMarker(turn: TurnSegment, nowMs: number): RolloutLine[] {
  const timestamp = formatLineTimestamp(nowMs);
  const rootTurnId = turn.startedPayload['root_turn_id'];
  const startedAt = turn.startedPayload['started_at'];
  return [
    {
      timestamp,
      type: 'response_item',
      payload: {
        type: 'message',
        role: 'user',
        content: [{ type: 'input_text', text: TURN_ABORTED_MESSAGE }],
        // Marks the message as the harness's, not the user's: previews and user-message readers skip it.
        internal_chat_message_metadata_passthrough: {
          content_item_kinds: ['generic.turn_aborted'],
          content_item_metadata: [{ provenance: { type: 'harness', hook: false } }],
        },
      },
    },
    {
      timestamp,
      type: 'event_msg',
      payload: {
        type: 'turn_aborted',
        ...(typeof rootTurnId === 'string' ? { root_turn_id: rootTurnId } : {}),
        turn_id: turn.turnId,
        reason: 'interrupted',
        ...(typeof startedAt === 'number' ? { started_at: startedAt } : {}),
      },
    },
  ];
}

/** A line as a writer appends it (the writer assigns new ordinals and timestamps); null for what is not copied. */
export function rolloutItemOf(line: RolloutLine): RolloutItem | null {
  switch (line.type) {
    case 'session_meta':
    case 'unknown':
      // The fork has its own session_meta; lines of unknown kinds cannot be re-typed for the writer.
      return null;
    case 'response_item':
      return line.metadata === undefined
        ? { type: line.type, payload: line.payload }
        : { type: line.type, payload: line.payload, metadata: line.metadata };
    default:
      return { type: line.type, payload: line.payload } as RolloutItem;
  }
}

/** The first message the user typed, or '' (a fork made before the first turn has none). */
export function previewOfLines(lines: readonly RolloutLine[]): string {
  for (const line of lines) {
    const text = userMessageText(line);
    if (text !== null) return text;
  }
  return '';
}

/** The turn during which the last token usage was recorded: what a fork's `thread/tokenUsage/updated` names. */
export function lastUsageTurnId(lines: readonly RolloutLine[]): string | null {
  let turnId: string | null = null;
  let usageTurnId: string | null = null;
  for (const line of lines) {
    if (line.type !== 'event_msg') continue;
    if (line.payload.type === 'task_started' && typeof line.payload['turn_id'] === 'string') {
      turnId = line.payload['turn_id'];
    } else if (line.payload.type === 'token_count' && line.payload['info'] != null) {
      usageTurnId = turnId;
    }
  }
  return usageTurnId;
}
