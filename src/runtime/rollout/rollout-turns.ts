import { lazySchema } from '../../util/lazy-schema.js';
import * as z from 'zod';
import type { EventMsg, RolloutLine } from '../../persistence/rollout-schema.js';
import { Int64Schema } from '../../protocol/common.js';
import type { ThreadItem } from '../../protocol/v2/items.js';
import type { Turn, TurnError, TurnStatus } from '../../protocol/v2/turn.js';
import type { RawJsonStrings } from '../../util/raw-json-strings.js';
import { materializeEventPayload } from './raw-item-strings.js';
import { CoreTurnErrorSchema, threadItemFromCoreItem, turnErrorFromCore } from './core-dialect/core-items.js';

/**
 * A thread's history as thread/read `{includeTurns: true}` and thread/resume report it, rebuilt from its rollout
 * lines. Two dialects, chosen like the reference does by `session_meta.history_mode`:
 * - `"paginated"` (what 0.169.0 writes, and this server): turns come from `task_started` / `task_complete` /
 *   `turn_aborted`, items from `item_completed`; everything else is ignored (notably `error` event_msgs, legacy
 *   `user_message`/`agent_message` events and `thread_rolled_back`);
 * - anything else (rollouts of older versions): turns and items come from the legacy events (`user_message`,
 *   `agent_message`, `agent_reasoning`, …) and `item_completed` is ignored.
 * Rules probed against the reference 0.169.0 (thread/resume of a cold rollout, which thread/read then agrees
 * with); pinned by test/fixtures/rollouts/{reference,edited}-0.169.0.
 */

export function turnsFromRollout(lines: readonly RolloutLine[], raw?: RawJsonStrings): Turn[] {
  const meta = lines.find((line) => line.type === 'session_meta');
  if (meta?.payload.history_mode === 'paginated') {
    return paginatedTurns(eventPayloads(lines, raw && ((payload) => materializeEventPayload(payload, raw))));
  }
  return legacyTurns(eventPayloads(lines, raw && ((payload) => raw.materialize(payload))));
}

/*
 * Event payloads, as leniently as serde reads them: unknown fields ignored, a missing Option is null. A payload
 * that does not parse is skipped whole, as the reference skips an event it cannot deserialize.
 */
const NullableInt = lazySchema(() => Int64Schema.nullish().transform((value) => value ?? null));
const NullableString = lazySchema(() => z
  .string()
  .nullish()
  .transform((value) => value ?? null));

const TaskStartedSchema = lazySchema(() => z.object({ turn_id: z.string(), root_turn_id: NullableString, started_at: NullableInt }));
const TurnEndSchema = lazySchema(() => z.object({
  root_turn_id: NullableString,
  started_at: NullableInt,
  completed_at: NullableInt,
  duration_ms: NullableInt,
}));
const TaskCompleteSchema = lazySchema(() => TurnEndSchema.extend({ turn_id: z.string(), error: CoreTurnErrorSchema.nullish() }));
const TurnAbortedSchema = lazySchema(() => TurnEndSchema.extend({ turn_id: NullableString }));
const ItemCompletedSchema = lazySchema(() => z.object({
  turn_id: z.string(),
  item: z.unknown(),
  started_at_ms: NullableInt,
  completed_at_ms: NullableInt,
}));

/** A turn while its events are being replayed; `inProgress` means no end event was seen (yet). */
interface TurnRecord {
  readonly id: string;
  rootTurnId: string | null;
  status: TurnStatus;
  error: TurnError | null;
  startedAt: number | null;
  completedAt: number | null;
  durationMs: number | null;
}

function newTurn(id: string, rootTurnId: string | null): TurnRecord {
  return { id, rootTurnId, status: 'inProgress', error: null, startedAt: null, completedAt: null, durationMs: null };
}

/**
 * A turn that never ended is `interrupted` with `completedAt: null`: the process died, or it is still running and
 * the caller, which knows that, reports it otherwise.
 */
function finishedTurn(turn: TurnRecord, items: ThreadItem[]): Turn {
  return {
    id: turn.id,
    rootTurnId: turn.rootTurnId,
    items,
    itemsView: 'full',
    status: turn.status === 'inProgress' ? 'interrupted' : turn.status,
    error: turn.error,
    startedAt: turn.startedAt,
    completedAt: turn.completedAt,
    durationMs: turn.durationMs,
  };
}

/** The fields of an end event (`task_complete`, `turn_aborted`). */
type TurnEnd = z.infer<typeof TurnEndSchema>;

/**
 * The event_msg payloads of a rollout, with the index of their line (legacy turn names use it); `prepare` turns
 * the raw placeholders of each payload that its reader must see back into strings.
 */
function eventPayloads(
  lines: readonly RolloutLine[],
  prepare?: (payload: EventMsg) => void,
): [index: number, payload: EventMsg][] {
  return lines.flatMap((line, index) => {
    if (line.type !== 'event_msg') return [];
    prepare?.(line.payload);
    return [[index, line.payload] as const];
  });
}

/**
 * The paginated dialect is a projection keyed by ids rather than a stream of "current turn" state:
 * - turns are listed in the order their first lifecycle event appears; an end event for an unknown turn id
 *   creates the turn;
 * - each lifecycle event replaces `startedAt` with its own `started_at` (null when absent) and fills
 *   `rootTurnId` if still null; once a turn has ended, later lifecycle events for it change nothing;
 * - an `item_completed` goes to the turn named by its `turn_id`, wherever it appears in the file (before that
 *   turn started, after it ended); items of a turn id that never gets a lifecycle event are dropped;
 * - the same item id twice in one turn updates the item in place: the newer payload, the older times (each time
 *   kept unless it was null).
 */
function paginatedTurns(events: readonly [number, EventMsg][]): Turn[] {
  const turns = new Map<string, TurnRecord>();
  const itemsByTurn = new Map<string, Map<string, ThreadItem>>();

  const turnFor = (id: string, rootTurnId: string | null): TurnRecord => {
    let turn = turns.get(id);
    if (turn === undefined) {
      turn = newTurn(id, rootTurnId);
      turns.set(id, turn);
    }
    turn.rootTurnId ??= rootTurnId;
    return turn;
  };
  const end = (turn: TurnRecord, status: TurnStatus, error: TurnError | null, event: TurnEnd): void => {
    if (turn.status !== 'inProgress') return;
    turn.status = status;
    turn.error = error;
    turn.startedAt = event.started_at;
    turn.completedAt = event.completed_at;
    turn.durationMs = event.duration_ms;
  };

  for (const [, payload] of events) {
    switch (payload.type) {
      case 'task_started': {
        const event = TaskStartedSchema.safeParse(payload);
        if (!event.success) break;
        const turn = turnFor(event.data.turn_id, event.data.root_turn_id);
        if (turn.status === 'inProgress') turn.startedAt = event.data.started_at;
        break;
      }
      case 'task_complete': {
        const event = TaskCompleteSchema.safeParse(payload);
        if (!event.success) break;
        const error = event.data.error ? turnErrorFromCore(event.data.error) : null;
        const turn = turnFor(event.data.turn_id, event.data.root_turn_id);
        end(turn, error === null ? 'completed' : 'failed', error, event.data);
        break;
      }
      case 'turn_aborted': {
        const event = TurnAbortedSchema.safeParse(payload);
        // Without a turn id the reference cannot place the abort and ignores it.
        if (!event.success || event.data.turn_id === null) break;
        end(turnFor(event.data.turn_id, event.data.root_turn_id), 'interrupted', null, event.data);
        break;
      }
      case 'item_completed': {
        const event = ItemCompletedSchema.safeParse(payload);
        if (!event.success) break;
        const times = { startedAtMs: event.data.started_at_ms, completedAtMs: event.data.completed_at_ms };
        const item = threadItemFromCoreItem(event.data.item, times);
        if (item === null) break;
        let items = itemsByTurn.get(event.data.turn_id);
        if (items === undefined) {
          items = new Map();
          itemsByTurn.set(event.data.turn_id, items);
        }
        const earlier = items.get(item.id);
        items.set(
          item.id,
          earlier === undefined
            ? item
            : {
                ...item,
                startedAtMs: earlier.startedAtMs ?? item.startedAtMs ?? null,
                completedAtMs: earlier.completedAtMs ?? item.completedAtMs ?? null,
              },
        );
        break;
      }
    }
  }
  return [...turns.values()].map((turn) => finishedTurn(turn, [...(itemsByTurn.get(turn.id)?.values() ?? [])]));
}

const LegacyUserMessageSchema = lazySchema(() => z.object({
  message: z.string(),
  images: z.array(z.string()).nullish(),
  local_images: z.array(z.string()).nullish(),
  text_elements: z.array(z.unknown()).nullish(),
  client_id: z.string().nullish(),
}));
const LegacyAgentMessageSchema = lazySchema(() => z.object({
  message: z.string(),
  phase: z.unknown().optional(),
  memory_citation: z.unknown().optional(),
}));
const LegacyReasoningSchema = lazySchema(() => z.object({ text: z.string() }));

/** The legacy dialect's open turn: `explicit` when a `task_started` opened it, else opened by a message. */
interface LegacyTurn {
  readonly turn: TurnRecord;
  readonly explicit: boolean;
  readonly items: ThreadItem[];
}

/**
 * The legacy dialect is a stream with one open turn:
 * - `task_started` closes the open turn and opens an explicit one; `task_complete` / `turn_aborted` end the open
 *   turn whatever their turn id (their `started_at` only fills in, unlike the paginated dialect);
 * - a `user_message` outside an explicit turn closes the open implicit turn and opens a new one; any message
 *   outside a turn opens one; an implicit turn is named `rollout-<index of the opening line>`;
 * - items are numbered `item-1`, `item-2`, … across the thread and carry no times; empty texts add nothing;
 *   consecutive reasoning events add to the last reasoning item;
 * - a turn closed without an end event is `interrupted` if explicit, `completed` if implicit.
 * Events are turned into core items and mapped like `item_completed` items, so both dialects read fields alike.
 */
function legacyTurns(events: readonly [number, EventMsg][]): Turn[] {
  const turns: Turn[] = [];
  let open: LegacyTurn | null = null;
  let itemCount = 0;

  const close = (): void => {
    if (open === null) return;
    if (open.turn.status === 'inProgress' && !open.explicit) open.turn.status = 'completed';
    turns.push(finishedTurn(open.turn, open.items));
    open = null;
  };
  const openItems = (index: number): ThreadItem[] => {
    open ??= { turn: newTurn(`rollout-${index}`, null), explicit: false, items: [] };
    return open.items;
  };
  /** Maps a core item (without id) under the next item number; null when it does not parse. */
  const numbered = (core: Readonly<Record<string, unknown>>): ThreadItem | null => {
    const item = threadItemFromCoreItem(
      { ...core, id: `item-${itemCount + 1}` },
      { startedAtMs: null, completedAtMs: null },
    );
    if (item !== null) itemCount += 1;
    return item;
  };
  const end = (status: TurnStatus, error: TurnError | null, event: TurnEnd): void => {
    if (open === null) return;
    const { turn } = open;
    turn.status = status;
    turn.error = error;
    turn.startedAt = event.started_at ?? turn.startedAt;
    turn.completedAt = event.completed_at;
    turn.durationMs = event.duration_ms;
    close();
  };
  const addReasoning = (index: number, text: string, part: 'summary' | 'content'): void => {
    if (text === '') return;
    const items = openItems(index);
    const last = items.at(-1);
    if (last?.type === 'reasoning') {
      items[items.length - 1] = { ...last, [part]: [...last[part], text] };
      return;
    }
    const item = numbered({
      type: 'Reasoning',
      summary_text: part === 'summary' ? [text] : [],
      raw_content: part === 'content' ? [text] : [],
    });
    if (item !== null) items.push(item);
  };

  for (const [index, payload] of events) {
    switch (payload.type) {
      case 'task_started': {
        const event = TaskStartedSchema.safeParse(payload);
        if (!event.success) break;
        close();
        const turn = newTurn(event.data.turn_id, event.data.root_turn_id);
        turn.startedAt = event.data.started_at;
        open = { turn, explicit: true, items: [] };
        break;
      }
      case 'task_complete': {
        const event = TaskCompleteSchema.safeParse(payload);
        if (!event.success) break;
        const error = event.data.error ? turnErrorFromCore(event.data.error) : null;
        end(error === null ? 'completed' : 'failed', error, event.data);
        break;
      }
      case 'turn_aborted': {
        const event = TurnAbortedSchema.safeParse(payload);
        if (event.success) end('interrupted', null, event.data);
        break;
      }
      case 'user_message': {
        const event = LegacyUserMessageSchema.safeParse(payload);
        if (!event.success) break;
        const { message, images, local_images: localImages, text_elements: textElements } = event.data;
        const item = numbered({
          type: 'UserMessage',
          client_id: event.data.client_id,
          content: [
            // A blank message is an image-only input: no text part.
            ...(message.trim() === '' ? [] : [{ type: 'text', text: message, text_elements: textElements ?? [] }]),
            ...(images ?? []).map((url) => ({ type: 'image', image_url: url })),
            ...(localImages ?? []).map((path) => ({ type: 'local_image', path })),
          ],
        });
        if (item === null) break;
        if (open?.explicit === false) close();
        openItems(index).push(item);
        break;
      }
      case 'agent_message': {
        const event = LegacyAgentMessageSchema.safeParse(payload);
        if (!event.success || event.data.message === '') break;
        const { message, phase, memory_citation: memoryCitation } = event.data;
        const item = numbered({
          type: 'AgentMessage',
          content: [{ type: 'Text', text: message }],
          phase,
          memory_citation: memoryCitation,
        });
        if (item !== null) openItems(index).push(item);
        break;
      }
      case 'agent_reasoning':
      case 'agent_reasoning_raw_content': {
        const event = LegacyReasoningSchema.safeParse(payload);
        if (event.success) {
          addReasoning(index, event.data.text, payload.type === 'agent_reasoning' ? 'summary' : 'content');
        }
        break;
      }
    }
  }
  close();
  return turns;
}
