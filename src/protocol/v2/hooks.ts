import { lazySchema } from '../../util/lazy-schema.js';
import * as z from 'zod';
import { AbsolutePathSchema, Int64Schema } from '../common.js';
import { LegacyAppPathStringSchema } from './items-tools.js';

export const HooksListParamsSchema = lazySchema(() => z
  .object({
    cwds: z
      .array(z.string())
      .optional()
      .describe('Working directories to inspect when no thread is specified. An empty list uses the session cwd.'),
    threadId: z
      .string()
      .nullable()
      .optional()
      .describe("List a loaded thread's hooks, including its selected environments. Omit `cwds` in this mode."),
  })
  .meta({ id: 'HooksListParams' }));
export type HooksListParams = z.infer<typeof HooksListParamsSchema>;

/** Hook events in the reference's declaration order, which is also the order hooks are listed in. */
export const HOOK_EVENT_NAMES = [
  'preModelRequest',
  'postModelRequest',
  'preToolUse',
  'permissionRequest',
  'postToolUse',
  'preCompact',
  'postCompact',
  'sessionStart',
  'sessionEnd',
  'userPromptSubmit',
  'subagentStart',
  'subagentStop',
  'stop',
  'interrupt',
] as const;

export const HookEventNameSchema = lazySchema(() => z.enum(HOOK_EVENT_NAMES).meta({ id: 'HookEventName' }));
export type HookEventName = z.infer<typeof HookEventNameSchema>;

export const HookSourceSchema = lazySchema(() => z
  .enum([
    'system', 'user', 'project', 'mdm', 'sessionFlags', 'plugin', 'cloudRequirements', 'cloudManagedConfig',
    'legacyManagedConfigFile', 'legacyManagedConfigMdm', 'unknown',
  ])
  .meta({ id: 'HookSource' }));
export type HookSource = z.infer<typeof HookSourceSchema>;

export const HookTrustStatusSchema = lazySchema(() => z
  .enum(['managed', 'untrusted', 'trusted', 'modified'])
  .meta({ id: 'HookTrustStatus' }));
export type HookTrustStatus = z.infer<typeof HookTrustStatusSchema>;

/**
 * A declared hook. Only command hooks are ever listed: prompt and agent hooks are skipped with a warning, as the
 * reference does, and MCP-tool hooks come from plugins, which this server does not have.
 */
export const HookMetadataSchema = lazySchema(() => z
  .object({
    key: z.string(),
    eventName: HookEventNameSchema,
    handlerType: z.literal('command'),
    command: z.string(),
    async: z.boolean(),
    matcher: z.string().nullable(),
    timeoutSec: Int64Schema,
    statusMessage: z.string().nullable(),
    additionalContextLimit: z
      .number()
      .int()
      .min(0)
      .nullable()
      .meta({ format: 'uint' })
      .describe('Configured `additionalContext` spill threshold. `null` uses 2,500 tokens; `0` disables spilling.'),
    sourcePath: AbsolutePathSchema,
    source: HookSourceSchema,
    pluginId: z.string().nullable(),
    environmentId: z
      .string()
      .nullable()
      .describe('The owning execution environment, if this hook came from its requirements.'),
    displayOrder: Int64Schema,
    enabled: z.boolean(),
    isManaged: z.boolean(),
    currentHash: z.string(),
    trustStatus: HookTrustStatusSchema,
  })
  .meta({ id: 'HookMetadata' }));
export type HookMetadata = z.infer<typeof HookMetadataSchema>;

export const HookErrorInfoSchema = lazySchema(() => z.object({ path: z.string(), message: z.string() }).meta({ id: 'HookErrorInfo' }));

export const HooksListEntrySchema = lazySchema(() => z
  .object({
    cwd: z.string(),
    hooks: z.array(HookMetadataSchema),
    warnings: z.array(z.string()),
    errors: z.array(HookErrorInfoSchema),
  })
  .meta({ id: 'HooksListEntry' }));
export type HooksListEntry = z.infer<typeof HooksListEntrySchema>;

export const HooksListResponseSchema = lazySchema(() => z
  .object({ data: z.array(HooksListEntrySchema) })
  .meta({ id: 'HooksListResponse' }));

export const HookHandlerTypeSchema = lazySchema(() => z.enum(['command', 'mcpTool', 'prompt', 'agent']).meta({ id: 'HookHandlerType' }));
export const HookExecutionModeSchema = lazySchema(() => z.enum(['sync', 'async']).meta({ id: 'HookExecutionMode' }));
/** A session-wide hook (sessionStart) runs for the thread; every other event runs for a turn. */
export const HookScopeSchema = lazySchema(() => z.enum(['thread', 'turn']).meta({ id: 'HookScope' }));
export const HookRunStatusSchema = lazySchema(() => z
  .enum(['running', 'completed', 'failed', 'blocked', 'stopped'])
  .meta({ id: 'HookRunStatus' }));
export type HookRunStatus = z.infer<typeof HookRunStatusSchema>;
export const HookOutputEntryKindSchema = lazySchema(() => z
  .enum(['warning', 'stop', 'feedback', 'context', 'error'])
  .meta({ id: 'HookOutputEntryKind' }));
export const HookOutputEntrySchema = lazySchema(() => z
  .object({ kind: HookOutputEntryKindSchema, text: z.string() })
  .meta({ id: 'HookOutputEntry' }));
export type HookOutputEntry = z.infer<typeof HookOutputEntrySchema>;

/** One run of one hook handler, as `hook/started` (status `running`) and `hook/completed` report it. */
export const HookRunSummarySchema = lazySchema(() => z
  .object({
    id: z.string(),
    eventName: HookEventNameSchema,
    handlerType: HookHandlerTypeSchema,
    executionMode: HookExecutionModeSchema,
    scope: HookScopeSchema,
    sourcePath: LegacyAppPathStringSchema,
    source: HookSourceSchema.default('unknown'),
    displayOrder: Int64Schema,
    status: HookRunStatusSchema,
    statusMessage: z.string().nullable(),
    /** Unix seconds. */
    startedAt: Int64Schema,
    completedAt: Int64Schema.nullable(),
    durationMs: Int64Schema.nullable(),
    entries: z.array(HookOutputEntrySchema),
  })
  .meta({ id: 'HookRunSummary' }));
export type HookRunSummary = z.infer<typeof HookRunSummarySchema>;

/** `hook/started` and `hook/completed` carry the same fields; the run's status tells them apart. */
const HookRunNotificationSchema = lazySchema(() => z.object({ threadId: z.string(), turnId: z.string().nullable(), run: HookRunSummarySchema }));
export const HookStartedNotificationSchema = lazySchema(() => HookRunNotificationSchema.meta({ id: 'HookStartedNotification' }));
export const HookCompletedNotificationSchema = lazySchema(() => HookRunNotificationSchema.meta({ id: 'HookCompletedNotification' }));
