import { lazySchema } from '../../../util/lazy-schema.js';
import * as z from 'zod';
import type { ThreadItem } from '../../../protocol/v2/items.js';

/*
 * The core (rollout) form of the tool-call items this server's configured tools produce, as the reference 0.169.0
 * writes them in `item_completed`:
 * - `{"type":"McpToolCall","id","server","tool","arguments","readOnlyHint"?,"status","result"?:{"content",
 *   "isError"?,"structuredContent"?,"_meta"?},"error"?:{"message"},"duration"?:{"secs","nanos"}}`;
 * - `{"type":"DynamicToolCall","id","namespace"?,"tool","arguments","status","content_items"?,"success"?,
 *   "duration"?}`.
 */

const DurationSchema = lazySchema(() => z.object({ secs: z.number().int().min(0), nanos: z.number().int().min(0) }));
const StatusSchema = lazySchema(() => z.enum(['inProgress', 'completed', 'failed']));

export const CoreMcpToolCallSchema = lazySchema(() => z.object({
  type: z.literal('McpToolCall'),
  id: z.string(),
  server: z.string(),
  tool: z.string(),
  arguments: z.unknown(),
  readOnlyHint: z.boolean().nullish(),
  status: StatusSchema,
  result: z
    .object({
      content: z.array(z.unknown()),
      isError: z.boolean().nullish(),
      structuredContent: z.unknown().optional(),
      _meta: z.unknown().optional(),
    })
    .nullish(),
  error: z.object({ message: z.string() }).nullish(),
  duration: DurationSchema.nullish(),
}));

export const CoreDynamicToolCallSchema = lazySchema(() => z.object({
  type: z.literal('DynamicToolCall'),
  id: z.string(),
  namespace: z.string().nullish(),
  tool: z.string(),
  arguments: z.unknown(),
  status: StatusSchema,
  content_items: z.array(z.unknown()).nullish(),
  success: z.boolean().nullish(),
  duration: DurationSchema.nullish(),
}));

type McpItem = Extract<ThreadItem, { type: 'mcpToolCall' }>;
type DynamicItem = Extract<ThreadItem, { type: 'dynamicToolCall' }>;

function coreDuration(ms: number | null): { duration?: { secs: number; nanos: number } } {
  if (ms === null) return {};
  return { duration: { secs: Math.floor(ms / 1000), nanos: Math.round((ms % 1000) * 1e6) } };
}

function durationMs(duration: { secs: number; nanos: number } | null | undefined): number | null {
  return duration == null ? null : duration.secs * 1000 + Math.round(duration.nanos / 1e6);
}

export function coreMcpToolCall(item: McpItem): z.input<typeof CoreMcpToolCallSchema> {
  const result = item.result as { content?: unknown[]; structuredContent?: unknown; _meta?: unknown } | null;
  return {
    type: 'McpToolCall',
    id: item.id,
    server: item.server,
    tool: item.tool,
    arguments: item.arguments,
    ...(item.readOnlyHint === null ? {} : { readOnlyHint: item.readOnlyHint }),
    status: item.status,
    ...(result === null
      ? {}
      : {
          result: {
            content: result.content ?? [],
            ...(item.status === 'failed' && item.error === null ? { isError: true } : {}),
            ...(result.structuredContent == null ? {} : { structuredContent: result.structuredContent }),
            ...(result._meta == null ? {} : { _meta: result._meta }),
          },
        }),
    ...(item.error === null ? {} : { error: item.error }),
    ...coreDuration(item.durationMs),
  };
}

export function mcpToolCallFromCore(
  core: z.output<typeof CoreMcpToolCallSchema>,
  times: { startedAtMs: number | null; completedAtMs: number | null },
): McpItem {
  return {
    type: 'mcpToolCall',
    id: core.id,
    server: core.server,
    tool: core.tool,
    status: core.status,
    arguments: core.arguments,
    appContext: null,
    mcpAppUi: null,
    pluginId: null,
    readOnlyHint: core.readOnlyHint ?? null,
    result:
      core.result == null
        ? null
        : { content: core.result.content, structuredContent: core.result.structuredContent ?? null, _meta: core.result._meta ?? null },
    error: core.error ?? null,
    durationMs: durationMs(core.duration),
    ...times,
  };
}

export function coreDynamicToolCall(item: DynamicItem): z.input<typeof CoreDynamicToolCallSchema> {
  return {
    type: 'DynamicToolCall',
    id: item.id,
    ...(item.namespace === null ? {} : { namespace: item.namespace }),
    tool: item.tool,
    arguments: item.arguments,
    status: item.status,
    ...(item.contentItems === null ? {} : { content_items: item.contentItems }),
    ...(item.success === null ? {} : { success: item.success }),
    ...coreDuration(item.durationMs),
  };
}

export function dynamicToolCallFromCore(
  core: z.output<typeof CoreDynamicToolCallSchema>,
  times: { startedAtMs: number | null; completedAtMs: number | null },
): DynamicItem {
  return {
    type: 'dynamicToolCall',
    id: core.id,
    namespace: core.namespace ?? null,
    tool: core.tool,
    arguments: core.arguments,
    status: core.status,
    contentItems: (core.content_items ?? null) as DynamicItem['contentItems'],
    success: core.success ?? null,
    durationMs: durationMs(core.duration),
    ...times,
  };
}
