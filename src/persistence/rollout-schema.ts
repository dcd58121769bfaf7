import { lazySchema } from '../util/lazy-schema.js';
import * as z from 'zod';
import type { ThreadSourceKind } from '../protocol/v2/thread-methods.js';

/**
 * The rollout line format (reference 0.169.0, `codex-rs/protocol` RolloutLine): one JSON object per line,
 *
 * ```
 * {"timestamp":"2026-11-22T08:51:26.969Z","ordinal":0,"type":"session_meta","payload":{…}}
 * ```
 *
 * `timestamp` is UTC RFC 3339 with milliseconds and `Z`; `ordinal` counts lines from 0 (absent in rollouts of
 * older versions); `response_item` lines may carry a sibling `metadata` object. Payloads are read loosely: the
 * fields this server uses are typed, everything else is kept as is. Lines of a type this file does not know are
 * kept as `{type: 'unknown', originalType}` rather than rejected, so a rollout written by a newer version loads.
 * Nothing here is part of the wire protocol, so the schemas carry no `.meta({ id })`.
 *
 * Line order the reference 0.169.0 writes (probed; fixtures in test/fixtures/rollouts/reference-0.169.0):
 * - first turn: `session_meta` (ordinal 0, written with the first turn, not at thread/start) →
 *   `event_msg task_started` → `response_item` developer message (permissions + skills instructions) →
 *   `response_item` user message (`<environment_context>`) → `world_state` → `turn_context` →
 *   `event_msg thread_settings_applied` → `response_item` user message (the input) →
 *   `event_msg item_completed` (UserMessage) → `event_msg item_completed` (AgentMessage) →
 *   `response_item` assistant message → `token_usage_record` → `event_msg token_count` →
 *   `event_msg task_complete`;
 * - every later turn (settings unchanged): `event_msg task_started` → `turn_context` → `response_item` user
 *   message → `event_msg item_completed` (UserMessage) → `event_msg item_completed` (AgentMessage) →
 *   `response_item` assistant message → `token_usage_record` → `event_msg token_count` →
 *   `event_msg task_complete`.
 */

/** RFC 3339 date-time with a zone (`Z` or `±HH:MM`), optional fraction. */
export const RFC3339_PATTERN = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[Zz]|[+-]\d{2}:\d{2})$/;
const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

const TimestampSchema = lazySchema(() => z.string().regex(RFC3339_PATTERN, 'expected an RFC 3339 timestamp'));

/** `session_meta.payload.git`: present (possibly partial) when the cwd is in a git repository. */
export const GitInfoSchema = lazySchema(() => z.looseObject({
  commit_hash: z.string().nullish(),
  branch: z.string().nullish(),
  repository_url: z.string().nullish(),
}));
export type GitInfo = z.infer<typeof GitInfoSchema>;

/**
 * `session_meta.payload.source`, serde's form of the reference's SessionSource: `"cli"`, `"vscode"` (what
 * app-server clients get), `"exec"`, `"mcp"`, or `{"subagent": "review" | "compact" | {"thread_spawn": {…}} |
 * {"other": "…"}}`.
 */
export const SessionSourceSchema = lazySchema(() => z.union([z.string(), z.record(z.string(), z.unknown())]));
export type SessionSource = z.infer<typeof SessionSourceSchema>;

/**
 * `session_meta.payload` (docs/protocol.md#rollout-files). Rollouts of older versions carry `instructions` instead of
 * `base_instructions` and may lack the 0.169.0 additions; all of those are optional here.
 */
export const SessionMetaSchema = lazySchema(() => z.looseObject({
  /** The thread id (a UUID, v7 for threads the reference creates). */
  id: z.string().regex(UUID, 'expected a UUID'),
  session_id: z.string().optional(),
  forked_from_id: z.string().nullish(),
  /** Creation time, UTC RFC 3339 with milliseconds. */
  timestamp: TimestampSchema,
  cwd: z.string(),
  runtime_workspace_roots: z.array(z.string()).optional(),
  /** The client name from `initialize.clientInfo.name`. */
  originator: z.string().optional(),
  cli_version: z.string().optional(),
  source: SessionSourceSchema.optional(),
  model_provider: z.string().nullish(),
  base_instructions: z.looseObject({ text: z.string(), provenance: z.unknown().optional() }).nullish(),
  instructions: z.string().nullish(),
  history_mode: z.string().optional(),
  context_window: z.looseObject({ window_id: z.string() }).optional(),
  git: GitInfoSchema.nullish(),
  account_scoped: z.boolean().optional(),
}));
export type SessionMeta = z.infer<typeof SessionMetaSchema>;

/**
 * `response_item.payload`: a Responses-API item exactly as sent to or received from the model (`message`,
 * `reasoning`, `function_call`, `function_call_output`, `custom_tool_call`, …), plus the reference's
 * `internal_chat_message_metadata_passthrough`.
 */
export const ResponseItemSchema = lazySchema(() => z.looseObject({ type: z.string() }));
export type ResponseItem = z.infer<typeof ResponseItemSchema>;

/** A `message` response item, the one kind whose content this layer reads (for the thread preview). */
export const ResponseMessageSchema = lazySchema(() => z.looseObject({
  type: z.literal('message'),
  role: z.string(),
  content: z.array(z.looseObject({ type: z.string(), text: z.string().optional() })),
  internal_chat_message_metadata_passthrough: z
    .looseObject({ turn_id: z.string().optional(), content_item_kinds: z.array(z.string()).optional() })
    .optional(),
}));

/** `event_msg.payload`: an event tagged by `type` (`task_started`, `item_completed`, `token_count`, …). */
export const EventMsgSchema = lazySchema(() => z.looseObject({ type: z.string() }));
export type EventMsg = z.infer<typeof EventMsgSchema>;

/** `turn_context.payload`: the settings a turn ran with. */
export const TurnContextSchema = lazySchema(() => z.looseObject({
  turn_id: z.string().optional(),
  root_turn_id: z.string().optional(),
  cwd: z.string(),
  model: z.string(),
  approval_policy: z.unknown().optional(),
  sandbox_policy: z.unknown().optional(),
  permission_profile: z.unknown().optional(),
  collaboration_mode: z.unknown().optional(),
  effort: z.unknown().optional(),
  summary: z.unknown().optional(),
}));
export type TurnContext = z.infer<typeof TurnContextSchema>;

/** `compacted.payload`: the summary left by context compaction and, in newer versions, the new history. */
export const CompactedSchema = lazySchema(() => z.looseObject({
  message: z.string(),
  replacement_history: z.array(ResponseItemSchema).nullish(),
}));
export type Compacted = z.infer<typeof CompactedSchema>;

/** Payloads kept opaque (`world_state`, `token_usage_record`): written and read back, never interpreted. */
export const OpaquePayloadSchema = lazySchema(() => z.unknown());

const envelope = {
  timestamp: TimestampSchema,
  ordinal: z.number().int().min(0).optional(),
};

/**
 * The known line kinds by `type`. parseRolloutLine goes through these one kind at a time, as the union does once it
 * has the tag (same result), so a read that meets only some kinds (thread/read skips response items) builds only
 * their schemas.
 */
const LINE_SCHEMAS = {
  session_meta: lazySchema(() => z.looseObject({ ...envelope, type: z.literal('session_meta'), payload: SessionMetaSchema })),
  response_item: lazySchema(() =>
    z.looseObject({
      ...envelope,
      type: z.literal('response_item'),
      payload: ResponseItemSchema,
      metadata: z.record(z.string(), z.unknown()).optional(),
    }),
  ),
  event_msg: lazySchema(() => z.looseObject({ ...envelope, type: z.literal('event_msg'), payload: EventMsgSchema })),
  turn_context: lazySchema(() => z.looseObject({ ...envelope, type: z.literal('turn_context'), payload: TurnContextSchema })),
  compacted: lazySchema(() => z.looseObject({ ...envelope, type: z.literal('compacted'), payload: CompactedSchema })),
  world_state: lazySchema(() => z.looseObject({ ...envelope, type: z.literal('world_state'), payload: OpaquePayloadSchema })),
  token_usage_record: lazySchema(() =>
    z.looseObject({ ...envelope, type: z.literal('token_usage_record'), payload: OpaquePayloadSchema }),
  ),
} as const;

export const RolloutLineSchema = lazySchema(() =>
  z.discriminatedUnion('type', [
    LINE_SCHEMAS.session_meta,
    LINE_SCHEMAS.response_item,
    LINE_SCHEMAS.event_msg,
    LINE_SCHEMAS.turn_context,
    LINE_SCHEMAS.compacted,
    LINE_SCHEMAS.world_state,
    LINE_SCHEMAS.token_usage_record,
  ]),
);
/** A line of a kind this server knows. */
export type KnownRolloutLine = z.infer<typeof RolloutLineSchema>;
export type RolloutLineType = KnownRolloutLine['type'];

/** A line of a kind this server does not know (kept, not interpreted). */
export interface UnknownRolloutLine {
  readonly type: 'unknown';
  /** The line's `type` as written. */
  readonly originalType: string;
  readonly timestamp: string;
  readonly ordinal?: number;
  readonly payload: unknown;
}

/** One parsed rollout line. Switch on `type`; `unknown` covers kinds added by newer versions. */
export type RolloutLine = KnownRolloutLine | UnknownRolloutLine;

/** What a writer appends: a line without `timestamp` and `ordinal`, which the writer assigns. */
export type RolloutItem =
  | { readonly type: 'session_meta'; readonly payload: SessionMeta }
  | {
      readonly type: 'response_item';
      readonly payload: ResponseItem;
      readonly metadata?: Readonly<Record<string, unknown>>;
    }
  | { readonly type: 'event_msg'; readonly payload: EventMsg }
  | { readonly type: 'turn_context'; readonly payload: TurnContext }
  | { readonly type: 'compacted'; readonly payload: Compacted }
  | { readonly type: 'world_state'; readonly payload: unknown }
  | { readonly type: 'token_usage_record'; readonly payload: unknown };

const KNOWN_TYPES: ReadonlySet<string> = new Set<RolloutLineType>([
  'session_meta',
  'response_item',
  'event_msg',
  'turn_context',
  'compacted',
  'world_state',
  'token_usage_record',
]);

/** parseRolloutLine's answer, shaped like zod's safeParse result. */
export type RolloutLineParseResult =
  | { readonly success: true; readonly data: RolloutLine }
  | { readonly success: false; readonly error: z.ZodError };

const UnknownEnvelopeSchema = lazySchema(() => z.looseObject({ ...envelope, type: z.string(), payload: z.unknown() }));

/**
 * Validates one decoded JSON line. A known `type` must have its payload shape; an unknown `type` needs only the
 * envelope (`timestamp`, `type`, and optional `ordinal`) and becomes an UnknownRolloutLine.
 * @returns the line, or zod's error; the caller words the error (it knows the file and line number).
 */
export function parseRolloutLine(value: unknown): RolloutLineParseResult {
  const type = typeof value === 'object' && value !== null ? (value as { type?: unknown }).type : undefined;
  if (typeof type === 'string' && KNOWN_TYPES.has(type)) {
    return LINE_SCHEMAS[type as RolloutLineType].safeParse(value) as RolloutLineParseResult;
  }
  const parsed = UnknownEnvelopeSchema.safeParse(value);
  if (!parsed.success) return { success: false, error: parsed.error };
  const { timestamp, ordinal, payload } = parsed.data;
  const line: UnknownRolloutLine =
    ordinal === undefined
      ? { type: 'unknown', originalType: parsed.data.type, timestamp, payload }
      : { type: 'unknown', originalType: parsed.data.type, timestamp, ordinal, payload };
  return { success: true, data: line };
}

/** A line timestamp as the reference writes it: UTC, milliseconds, `Z` (`2026-11-22T06:19:26.212Z`). */
export function formatLineTimestamp(epochMs: number): string {
  return new Date(epochMs).toISOString();
}

/**
 * The `thread/list` source kind of a session source, mirroring the reference's `source_kind_matches`:
 * `mcp` is `appServer`; a missing or unrecognised source is `unknown`. The generic `subAgent` kind is a filter
 * that matches every sub-agent kind (see `sourceKindMatches`), never a thread's own kind.
 */
export function sessionSourceKind(source: SessionSource | undefined): ThreadSourceKind {
  if (typeof source === 'string') {
    switch (source) {
      case 'cli':
        return 'cli';
      case 'vscode':
        return 'vscode';
      case 'exec':
        return 'exec';
      case 'mcp':
        return 'appServer';
      default:
        return 'unknown';
    }
  }
  if (source === undefined || !('subagent' in source)) return 'unknown';
  const sub = source['subagent'];
  if (sub === 'review') return 'subAgentReview';
  if (sub === 'compact') return 'subAgentCompact';
  if (typeof sub === 'object' && sub !== null && 'thread_spawn' in sub) return 'subAgentThreadSpawn';
  return 'subAgentOther';
}

/** Whether a thread of kind `kind` passes a `sourceKinds` filter (`subAgent` matches every sub-agent kind). */
export function sourceKindMatches(kind: ThreadSourceKind, filter: readonly ThreadSourceKind[]): boolean {
  return filter.some((wanted) => wanted === kind || (wanted === 'subAgent' && kind.startsWith('subAgent')));
}

/**
 * Text the harness sends as a user-role message that is not something the user typed (rollouts written before
 * `content_item_kinds` existed mark these only by their opening tag).
 */
const CONTEXTUAL_USER_PREFIXES = [
  '<environment_context>',
  '<user_instructions>',
  '# AGENTS.md instructions for ',
  '<INSTRUCTIONS>',
  '<user_shell_command>',
  '<turn_aborted>',
  '<subagent_notification>',
  '<skill>',
];

/**
 * The text of a line that records a message the user typed, or `null` for any other line. Recognised, oldest
 * format first: `event_msg user_message {message}` (plain kind only), `event_msg item_completed` with a
 * `UserMessage` item (0.169.0), and a `response_item` user message whose `content_item_kinds` are `user.*`
 * (0.169.0) or, without those kinds, whose text does not open with a harness context tag. Text parts are
 * joined with a newline.
 */
export function userMessageText(line: RolloutLine): string | null {
  if (line.type === 'event_msg') {
    const payload = line.payload as Record<string, unknown>;
    if (payload['type'] === 'user_message') {
      const kind = payload['kind'];
      if (kind !== undefined && kind !== null && kind !== 'plain') return null;
      return typeof payload['message'] === 'string' ? payload['message'] : null;
    }
    if (payload['type'] === 'item_completed') {
      const item = payload['item'];
      if (typeof item !== 'object' || item === null || (item as { type?: unknown }).type !== 'UserMessage') return null;
      return joinTexts((item as { content?: unknown }).content, 'text');
    }
    return null;
  }
  if (line.type !== 'response_item') return null;
  const parsed = ResponseMessageSchema.safeParse(line.payload);
  if (!parsed.success || parsed.data.role !== 'user') return null;
  const kinds = parsed.data.internal_chat_message_metadata_passthrough?.content_item_kinds;
  const text = joinTexts(parsed.data.content, 'input_text');
  if (text === null) return null;
  if (kinds !== undefined) return kinds.some((kind) => kind.startsWith('user.')) ? text : null;
  return CONTEXTUAL_USER_PREFIXES.some((prefix) => text.trimStart().startsWith(prefix)) ? null : text;
}

function joinTexts(content: unknown, partType: string): string | null {
  if (!Array.isArray(content)) return null;
  const texts: string[] = [];
  for (const part of content as unknown[]) {
    if (typeof part !== 'object' || part === null) continue;
    const { type, text } = part as { type?: unknown; text?: unknown };
    if (type === partType && typeof text === 'string') texts.push(text);
  }
  return texts.length === 0 ? null : texts.join('\n');
}
