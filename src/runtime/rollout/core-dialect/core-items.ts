import { lazySchema } from '../../../util/lazy-schema.js';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as z from 'zod';
import { Uint32Schema } from '../../../protocol/common.js';
import type { ThreadItem } from '../../../protocol/v2/items.js';
import { MessagePhaseSchema } from '../../../protocol/v2/items-messages.js';
import type { MemoryCitation } from '../../../protocol/v2/items-messages.js';
import { CodexErrorInfoSchema } from '../../../protocol/v2/turn.js';
import type { CodexErrorInfo, TurnError } from '../../../protocol/v2/turn.js';
import { ResponsesApiWebSearchActionSchema } from '../../../protocol/v2/items-response-item.js';
import { ImageDetailSchema, requireOneOf } from '../../../protocol/v2/user-input.js';
import {
  CoreDynamicToolCallSchema,
  CoreMcpToolCallSchema,
  coreDynamicToolCall,
  coreMcpToolCall,
  dynamicToolCallFromCore,
  mcpToolCallFromCore,
} from './core-tool-items.js';
import type { TextElement, UserInput } from '../../../protocol/v2/user-input.js';
import { CoreCommandExecutionSchema, commandItemFromCore } from './core-command-items.js';
import { CoreCollabAgentToolCallSchema, collabAgentToolCallFromCore, coreCollabAgentToolCall } from './core-agent-items.js';
import {
  CoreEnteredReviewModeSchema,
  CoreExitedReviewModeSchema,
  enteredReviewModeFromCore,
  exitedReviewModeFromCore,
} from './core-review-items.js';
import { apiWebSearchAction, wireWebSearchAction } from '../../../tools/web-search/web-search-call.js';

/**
 * The reference's "core" dialect (codex-rs/protocol, serde defaults: snake_case fields, PascalCase item tags) in
 * which a rollout stores what the wire protocol (v2, camelCase) shows: the item of an `item_completed` event_msg
 * and the error of a failed turn's `task_complete`. Both directions live here so that what a thread writes and
 * what thread/read or resume rebuild from it cannot drift apart.
 *
 * Shapes probed against the reference 0.169.0 (fixtures in test/fixtures/rollouts/reference-0.169.0 and
 * edited-0.169.0):
 * - `{"type":"UserMessage","id","client_id"?,"content":[<input>…]}`, `client_id` only when the turn had a
 *   `clientUserMessageId`; inputs are `{"type":"text","text","text_elements":[{"byte_range":{"start","end"},
 *   "placeholder":<string|null>}]}`, `{"type":"image","image_url"|"file_id","detail"?}`,
 *   `{"type":"local_image","path","detail"?}`, `{"type":"audio","audio_url"|"file_id"}`,
 *   `{"type":"local_audio","path"}`, `{"type":"skill"|"mention","name","path"}`;
 * - `{"type":"AgentMessage","id","content":[{"type":"Text","text"}…],"phase"?,"memory_citation"?}` where
 *   `memory_citation` is camelCase inside (`{"entries":[{"path","lineStart","lineEnd","note"}],"rolloutIds"}`);
 * - `{"type":"Reasoning","id","summary_text":[…],"raw_content":[…]}`;
 * - `{"type":"Plan","id","text"}`, `{"type":"HookPrompt","id","fragments":[{"text","hookRunId"}]}`,
 *   `{"type":"ContextCompaction","id"}`, `{"type":"ImageView","id","path":"file:///…"}`,
 *   `{"type":"WebSearch","id","query","action"?}` (the action in the Responses API's snake_case form).
 * Reading is as strict as serde: an item whose shape does not parse (a missing field, an unknown input kind) is
 * skipped whole by the reference, so it maps to `null` here too.
 */

const CoreTextElementSchema = lazySchema(() => z.object({
  byte_range: z.object({ start: z.number().int().min(0), end: z.number().int().min(0) }),
  placeholder: z.string().nullish(),
}));

const CoreUserInputSchema = lazySchema(() => z.discriminatedUnion('type', [
  // serde's `#[serde(default)]`: older writers may leave `text_elements` out.
  z.object({ type: z.literal('text'), text: z.string(), text_elements: z.array(CoreTextElementSchema).optional() }),
  z
    .object({
      type: z.literal('image'),
      image_url: z.string().optional(),
      file_id: z.string().optional(),
      detail: ImageDetailSchema.nullish(),
    })
    .superRefine(requireOneOf('image_url', 'file_id')),
  z.object({ type: z.literal('local_image'), path: z.string(), detail: ImageDetailSchema.nullish() }),
  z
    .object({ type: z.literal('audio'), audio_url: z.string().optional(), file_id: z.string().optional() })
    .superRefine(requireOneOf('audio_url', 'file_id')),
  z.object({ type: z.literal('local_audio'), path: z.string() }),
  z.object({ type: z.literal('skill'), name: z.string(), path: z.string() }),
  z.object({ type: z.literal('mention'), name: z.string(), path: z.string() }),
]));
type CoreUserInput = z.input<typeof CoreUserInputSchema>;

/** The core's MemoryCitation is camelCase (unlike the item around it) and calls the thread ids `rolloutIds`. */
const CoreMemoryCitationSchema = lazySchema(() => z.object({
  entries: z.array(z.object({ path: z.string(), lineStart: Uint32Schema, lineEnd: Uint32Schema, note: z.string() })),
  rolloutIds: z.array(z.string()),
}));
type CoreMemoryCitation = z.infer<typeof CoreMemoryCitationSchema>;

/**
 * A core TurnItem of a kind this server maps. CommandExecution and the review markers are read back (core-command-items.ts,
 * core-review-items.ts); their writers build them, since the core keeps what the wire items no longer have.
 */
export const CoreTurnItemSchema = lazySchema(() =>
  z.discriminatedUnion('type', [
    CORE_ITEM_SCHEMAS.UserMessage,
    CORE_ITEM_SCHEMAS.AgentMessage,
    CORE_ITEM_SCHEMAS.Reasoning,
    CORE_ITEM_SCHEMAS.Plan,
    CORE_ITEM_SCHEMAS.HookPrompt,
    CORE_ITEM_SCHEMAS.ContextCompaction,
    CoreCommandExecutionSchema,
    CoreEnteredReviewModeSchema,
    CoreExitedReviewModeSchema,
    CORE_ITEM_SCHEMAS.ImageView,
    CORE_ITEM_SCHEMAS.WebSearch,
    CoreMcpToolCallSchema,
    CoreDynamicToolCallSchema,
    CoreCollabAgentToolCallSchema,
  ]),
);

/**
 * The kinds of CoreTurnItemSchema by tag. Reading goes through these one kind at a time, as the union itself does
 * once it has the tag (same result), so a read that meets only messages builds only their schemas: building the
 * whole union was a noticeable part of the first thread/read after a start.
 */
const CORE_ITEM_SCHEMAS = {
  UserMessage: lazySchema(() =>
    z.object({ type: z.literal('UserMessage'), id: z.string(), client_id: z.string().nullish(), content: z.array(CoreUserInputSchema) }),
  ),
  AgentMessage: lazySchema(() =>
    z.object({
      type: z.literal('AgentMessage'),
      id: z.string(),
      content: z.array(z.object({ type: z.literal('Text'), text: z.string() })),
      phase: MessagePhaseSchema.nullish(),
      memory_citation: CoreMemoryCitationSchema.nullish(),
    }),
  ),
  Reasoning: lazySchema(() =>
    z.object({ type: z.literal('Reasoning'), id: z.string(), summary_text: z.array(z.string()), raw_content: z.array(z.string()).optional() }),
  ),
  Plan: lazySchema(() => z.object({ type: z.literal('Plan'), id: z.string(), text: z.string() })),
  HookPrompt: lazySchema(() =>
    z.object({ type: z.literal('HookPrompt'), id: z.string(), fragments: z.array(z.object({ text: z.string(), hookRunId: z.string() })) }),
  ),
  ContextCompaction: lazySchema(() => z.object({ type: z.literal('ContextCompaction'), id: z.string() })),
  CommandExecution: CoreCommandExecutionSchema,
  EnteredReviewMode: CoreEnteredReviewModeSchema,
  ExitedReviewMode: CoreExitedReviewModeSchema,
  // The path as a file URL (`file:///tmp/a.png`) [observed].
  ImageView: lazySchema(() => z.object({ type: z.literal('ImageView'), id: z.string(), path: z.string() })),
  WebSearch: lazySchema(() =>
    z.object({ type: z.literal('WebSearch'), id: z.string(), query: z.string(), action: ResponsesApiWebSearchActionSchema.nullish() }),
  ),
  McpToolCall: CoreMcpToolCallSchema,
  DynamicToolCall: CoreDynamicToolCallSchema,
  CollabAgentToolCall: CoreCollabAgentToolCallSchema,
} as const;

/** The schema of a core item's kind, or undefined for a value that is no object or of an unknown kind. */
function coreItemSchemaFor(core: unknown): z.ZodType<z.output<typeof CoreTurnItemSchema>> | undefined {
  const type = typeof core === 'object' && core !== null ? (core as { type?: unknown }).type : undefined;
  if (typeof type !== 'string' || !Object.hasOwn(CORE_ITEM_SCHEMAS, type)) return undefined;
  return CORE_ITEM_SCHEMAS[type as keyof typeof CORE_ITEM_SCHEMAS] as z.ZodType<z.output<typeof CoreTurnItemSchema>>;
}
/** A core item as written (optional fields may be left out). */
export type CoreTurnItem = z.input<typeof CoreTurnItemSchema>;

/** When an item started and completed (ms since the epoch), as `item_completed` records them beside the item. */
export interface ItemTimes {
  readonly startedAtMs: number | null;
  readonly completedAtMs: number | null;
}

/**
 * The core item the reference persists for `item`, shaped exactly as it writes it (fields it skips when unset are
 * left out, not written as null).
 * @returns null for item kinds that have no core mapping here; the caller then persists no `item_completed`.
 */
export function coreItemFromThreadItem(item: ThreadItem): CoreTurnItem | null {
  switch (item.type) {
    case 'userMessage':
      return {
        type: 'UserMessage',
        id: item.id,
        ...(item.clientId === null ? {} : { client_id: item.clientId }),
        content: item.content.flatMap(coreUserInput),
      };
    case 'agentMessage':
      return {
        type: 'AgentMessage',
        id: item.id,
        content: [{ type: 'Text', text: item.text }],
        ...(item.phase === null ? {} : { phase: item.phase }),
        ...(item.memoryCitation === null ? {} : { memory_citation: coreMemoryCitation(item.memoryCitation) }),
      };
    case 'reasoning':
      return { type: 'Reasoning', id: item.id, summary_text: [...item.summary], raw_content: [...item.content] };
    case 'plan':
      return { type: 'Plan', id: item.id, text: item.text };
    case 'hookPrompt':
      return {
        type: 'HookPrompt',
        id: item.id,
        fragments: item.fragments.map(({ text, hookRunId }) => ({ text, hookRunId })),
      };
    case 'contextCompaction':
      return { type: 'ContextCompaction', id: item.id };
    case 'imageView':
      return { type: 'ImageView', id: item.id, path: pathToFileURL(item.path).href };
    case 'webSearch': {
      const action = item.action === null ? null : apiWebSearchAction(item.action);
      return { type: 'WebSearch', id: item.id, query: item.query, ...(action === null ? {} : { action }) };
    }
    case 'mcpToolCall':
      return coreMcpToolCall(item);
    case 'dynamicToolCall':
      return coreDynamicToolCall(item);
    case 'collabAgentToolCall':
      return coreCollabAgentToolCall(item);
    default:
      return null;
  }
}

/**
 * The wire item for a persisted core item, with the lifecycle times `item_completed` carried beside it. Fields the
 * core does not record (`moderation`, `delivery`, `questions`) are null, as the reference reports them.
 * @returns null for an unknown kind or a shape the reference would not deserialize either.
 */
export function threadItemFromCoreItem(core: unknown, times: ItemTimes): ThreadItem | null {
  const parsed = coreItemSchemaFor(core)?.safeParse(core);
  if (parsed === undefined || !parsed.success) return null;
  const item = parsed.data;
  const { startedAtMs, completedAtMs } = times;
  switch (item.type) {
    case 'UserMessage':
      return {
        type: 'userMessage',
        id: item.id,
        clientId: item.client_id ?? null,
        content: item.content.map(userInputFromCore),
        startedAtMs,
        completedAtMs,
      };
    case 'AgentMessage':
      return {
        type: 'agentMessage',
        id: item.id,
        // Several Text parts make one message: the reference concatenates them without a separator.
        text: item.content.map((part) => part.text).join(''),
        phase: item.phase ?? null,
        moderation: null,
        memoryCitation: item.memory_citation ? memoryCitationFromCore(item.memory_citation) : null,
        delivery: null,
        questions: null,
        startedAtMs,
        completedAtMs,
      };
    case 'Reasoning':
      return {
        type: 'reasoning',
        id: item.id,
        summary: item.summary_text,
        content: item.raw_content ?? [],
        startedAtMs,
        completedAtMs,
      };
    case 'Plan':
      return { type: 'plan', id: item.id, text: item.text, startedAtMs, completedAtMs };
    case 'HookPrompt':
      return { type: 'hookPrompt', id: item.id, fragments: item.fragments, startedAtMs, completedAtMs };
    case 'ContextCompaction':
      return { type: 'contextCompaction', id: item.id, startedAtMs, completedAtMs };
    case 'CommandExecution':
      return commandItemFromCore(item, times);
    case 'EnteredReviewMode':
      return enteredReviewModeFromCore(item, times);
    case 'ExitedReviewMode':
      return exitedReviewModeFromCore(item, times);
    case 'ImageView':
      return {
        type: 'imageView',
        id: item.id,
        path: item.path.startsWith('file:') ? fileURLToPath(item.path) : item.path,
        startedAtMs,
        completedAtMs,
      };
    case 'WebSearch':
      return {
        type: 'webSearch',
        id: item.id,
        query: item.query,
        action: wireWebSearchAction(item.action ?? null),
        results: null,
        startedAtMs,
        completedAtMs,
      };
    case 'McpToolCall':
      return mcpToolCallFromCore(item, times);
    case 'DynamicToolCall':
      return dynamicToolCallFromCore(item, times);
    case 'CollabAgentToolCall':
      return collabAgentToolCallFromCore(item, times);
  }
}

/** One wire input in the core's form; an input with neither a url nor a file id cannot be written and is dropped. */
function coreUserInput(input: UserInput): CoreUserInput[] {
  switch (input.type) {
    case 'text':
      return [{ type: 'text', text: input.text, text_elements: input.text_elements.map(coreTextElement) }];
    case 'image': {
      const detail = input.detail == null ? {} : { detail: input.detail };
      if (input.url !== undefined) return [{ type: 'image', image_url: input.url, ...detail }];
      return input.fileId === undefined ? [] : [{ type: 'image', file_id: input.fileId, ...detail }];
    }
    case 'localImage':
      return [{ type: 'local_image', path: input.path, ...(input.detail == null ? {} : { detail: input.detail }) }];
    case 'audio':
      if (input.url !== undefined) return [{ type: 'audio', audio_url: input.url }];
      return input.fileId === undefined ? [] : [{ type: 'audio', file_id: input.fileId }];
    case 'localAudio':
      return [{ type: 'local_audio', path: input.path }];
    case 'skill':
    case 'mention':
      return [{ type: input.type, name: input.name, path: input.path }];
  }
}

/** The reference writes an absent placeholder as an explicit `null`. */
function coreTextElement(element: TextElement): z.input<typeof CoreTextElementSchema> {
  return {
    byte_range: { start: element.byteRange.start, end: element.byteRange.end },
    placeholder: element.placeholder ?? null,
  };
}

/**
 * A core input on the wire. `detail` of images is always present (null when unset), an absent text placeholder
 * reads as null: both as the reference reports them. (The `?? ''` fallbacks are unreachable: the schema demands
 * a url or a file id.)
 */
function userInputFromCore(input: z.output<typeof CoreUserInputSchema>): UserInput {
  switch (input.type) {
    case 'text':
      return {
        type: 'text',
        text: input.text,
        text_elements: (input.text_elements ?? []).map((element) => ({
          byteRange: { start: element.byte_range.start, end: element.byte_range.end },
          placeholder: element.placeholder ?? null,
        })),
      };
    case 'image':
      return input.image_url !== undefined
        ? { type: 'image', url: input.image_url, detail: input.detail ?? null }
        : { type: 'image', fileId: input.file_id ?? '', detail: input.detail ?? null };
    case 'local_image':
      return { type: 'localImage', path: input.path, detail: input.detail ?? null };
    case 'audio':
      return input.audio_url !== undefined
        ? { type: 'audio', url: input.audio_url }
        : { type: 'audio', fileId: input.file_id ?? '' };
    case 'local_audio':
      return { type: 'localAudio', path: input.path };
    case 'skill':
    case 'mention':
      return { type: input.type, name: input.name, path: input.path };
  }
}

function coreMemoryCitation(citation: MemoryCitation): CoreMemoryCitation {
  return {
    entries: citation.entries.map(({ path, lineStart, lineEnd, note }) => ({ path, lineStart, lineEnd, note })),
    rolloutIds: [...citation.threadIds],
  };
}

function memoryCitationFromCore(citation: CoreMemoryCitation): MemoryCitation {
  return {
    entries: citation.entries.map(({ path, lineStart, lineEnd, note }) => ({ path, lineStart, lineEnd, note })),
    threadIds: citation.rolloutIds,
  };
}

/*
 * Turn errors. A failed turn ends with `task_complete` carrying `"error":{"message","codex_error_info"}`, the
 * error info in the core's snake_case (`"other"`, `"context_window_exceeded"`,
 * `{"response_stream_disconnected":{"http_status_code":502}}`). The reference reads back only these two fields:
 * `additionalDetails` and `misalignment` come back null even when the core error had them.
 */

/** `task_complete.error` as the core writes it. */
export const CoreTurnErrorSchema = lazySchema(() => z.object({ message: z.string(), codex_error_info: z.unknown().optional() }));
export type CoreTurnError = z.infer<typeof CoreTurnErrorSchema>;

/**
 * The core error the reference writes into a failed turn's `task_complete`. An unset info is written as null
 * (serde's form of an unset Option; every failed turn the reference was seen to write carried an info).
 */
export function coreTurnError(error: TurnError): CoreTurnError {
  return {
    message: error.message,
    codex_error_info: error.codexErrorInfo === null ? null : coreCodexErrorInfo(error.codexErrorInfo),
  };
}

/** A failed turn's error as thread/read reports it. */
export function turnErrorFromCore(error: CoreTurnError): TurnError {
  return {
    message: error.message,
    codexErrorInfo: codexErrorInfoFromCore(error.codex_error_info),
    additionalDetails: null,
    misalignment: null,
  };
}

/**
 * The wire form of a core error info; null when absent or of a kind this server does not know (the wire schema
 * here has no open fallback variant to carry it).
 */
export function codexErrorInfoFromCore(value: unknown): CodexErrorInfo | null {
  const parsed = CodexErrorInfoSchema.safeParse(renameKeys(value, camelFromSnake, 2));
  return parsed.success ? parsed.data : null;
}

/** The core (snake_case) form of an error info: `"other"`, `{"http_connection_failed":{"http_status_code":null}}`. */
export function coreCodexErrorInfo(info: CodexErrorInfo): unknown {
  return renameKeys(info, snakeFromCamel, 2);
}

/**
 * Renames the keys of a nested object (and a bare string, which is how serde writes unit variants) down to `depth`
 * levels; values below that are kept, which is all the error info variants need (`{variant: {field: value}}`).
 */
function renameKeys(value: unknown, rename: (name: string) => string, depth: number): unknown {
  if (typeof value === 'string') return rename(value);
  if (depth === 0 || typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, inner]) => [
      rename(key),
      typeof inner === 'string' ? inner : renameKeys(inner, rename, depth - 1),
    ]),
  );
}

function camelFromSnake(name: string): string {
  return name.replace(/_([a-z0-9])/g, (_, letter: string) => letter.toUpperCase());
}

function snakeFromCamel(name: string): string {
  return name.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
}
