import { lazySchema, lazyValue } from '../../util/lazy-schema.js';
import * as z from 'zod';
import { MessagePhaseSchema } from './items-messages.js';
import { FunctionCallOutputBodySchema } from './items-tools.js';
import { ReasoningEffortSchema } from './policies.js';
import { ImageDetailSchema, requireOneOf } from './user-input.js';

/*
 * Raw Responses API items (snake_case, as the model API spells them). Clients send them only in the
 * experimental `thread/resume.history` ("FOR CODEX CLOUD - DO NOT USE"); everything here is input.
 */

/** A message content part. */
export const ContentItemSchema = lazySchema(() => z
  .discriminatedUnion('type', [
    z.object({ type: z.literal('input_text'), text: z.string() }),
    z
      .object({
        type: z.literal('input_image'),
        detail: ImageDetailSchema.nullable().optional(),
        image_url: z.string().optional(),
        file_id: z.string().optional(),
      })
      .superRefine(requireOneOf('image_url', 'file_id')),
    z
      .object({ type: z.literal('input_audio'), audio_url: z.string().optional(), file_id: z.string().optional() })
      .superRefine(requireOneOf('audio_url', 'file_id'))
      .describe('Inline audio data or an uploaded file loaded by the Responses API.'),
    z.object({
      type: z.literal('output_text'),
      text: z.string(),
      annotations: z.array(z.unknown()).nullable().optional(),
      logprobs: z.array(z.unknown()).nullable().optional(),
    }),
  ])
  .meta({ id: 'ContentItem' }));
export type ContentItem = z.infer<typeof ContentItemSchema>;

export const AgentMessageInputContentSchema = lazySchema(() => z
  .discriminatedUnion('type', [
    z.object({ type: z.literal('input_text'), text: z.string() }),
    z.object({ type: z.literal('encrypted_content'), encrypted_content: z.string() }),
  ])
  .meta({ id: 'AgentMessageInputContent' }));
export type AgentMessageInputContent = z.infer<typeof AgentMessageInputContentSchema>;

export const ReasoningItemReasoningSummarySchema = lazySchema(() => z
  .discriminatedUnion('type', [z.object({ type: z.literal('summary_text'), text: z.string() })])
  .meta({ id: 'ReasoningItemReasoningSummary' }));
export type ReasoningItemReasoningSummary = z.infer<typeof ReasoningItemReasoningSummarySchema>;

export const ReasoningItemContentSchema = lazySchema(() => z
  .discriminatedUnion('type', [
    z.object({ type: z.literal('reasoning_text'), text: z.string() }),
    z.object({ type: z.literal('text'), text: z.string() }),
  ])
  .meta({ id: 'ReasoningItemContent' }));
export type ReasoningItemContent = z.infer<typeof ReasoningItemContentSchema>;

export const LocalShellStatusSchema = lazySchema(() => z
  .enum(['completed', 'in_progress', 'incomplete'])
  .meta({ id: 'LocalShellStatus' }));
export type LocalShellStatus = z.infer<typeof LocalShellStatusSchema>;

export const LocalShellActionSchema = lazySchema(() => z
  .discriminatedUnion('type', [
    z.object({
      type: z.literal('exec'),
      command: z.array(z.string()),
      timeout_ms: z.number().int().min(0).meta({ format: 'uint64' }).nullable().optional(),
      working_directory: z.string().nullable().optional(),
      env: z.record(z.string(), z.string()).nullable().optional(),
      user: z.string().nullable().optional(),
    }),
  ])
  .meta({ id: 'LocalShellAction' }));
export type LocalShellAction = z.infer<typeof LocalShellActionSchema>;

/** A web search action as the Responses API spells it (snake_case tags; compare WebSearchAction). */
export const ResponsesApiWebSearchActionSchema = lazySchema(() => z
  .discriminatedUnion('type', [
    z.object({
      type: z.literal('search'),
      query: z.string().nullable().optional(),
      queries: z.array(z.string()).nullable().optional(),
    }),
    z.object({ type: z.literal('open_page'), url: z.string().nullable().optional() }),
    z.object({
      type: z.literal('find_in_page'),
      url: z.string().nullable().optional(),
      pattern: z.string().nullable().optional(),
    }),
    z.object({ type: z.literal('other') }),
  ])
  .meta({ id: 'ResponsesApiWebSearchAction' }));
export type ResponsesApiWebSearchAction = z.infer<typeof ResponsesApiWebSearchActionSchema>;

export const InternalChatMessageMetadataPassthroughSchema = lazySchema(() => z
  .object({ turn_id: z.string().nullable().optional() })
  .meta({
    id: 'InternalChatMessageMetadataPassthrough',
    description: 'Internal Responses API passthrough metadata copied into underlying chat messages.',
  }));
export type InternalChatMessageMetadataPassthrough = z.infer<typeof InternalChatMessageMetadataPassthroughSchema>;

export const ConfigurationReasoningSchema = lazySchema(() => z
  .object({ effort: ReasoningEffortSchema })
  .meta({
    id: 'ConfigurationReasoning',
    description: 'Reasoning settings interpreted by the backend for the routed model.',
  }));
export type ConfigurationReasoning = z.infer<typeof ConfigurationReasoningSchema>;

const optionalString = () => z.string().nullable().optional();
/** Fields most items share: a legacy id, and the passthrough metadata. */
const tracked = lazyValue(() => ({
  id: optionalString(),
  internal_chat_message_metadata_passthrough: InternalChatMessageMetadataPassthroughSchema.nullable().optional(),
}));
const encrypted = lazyValue(() => ({ encrypted_content: optionalString() }));

/** One Responses API input/output item, tagged by `type`. */
export const ResponseItemSchema = lazySchema(() => z
  .discriminatedUnion('type', [
    z.object({
      type: z.literal('additional_tools'),
      id: optionalString(),
      role: z.string(),
      tools: z.array(z.unknown()),
    }),
    z.object({
      type: z.literal('message'),
      ...tracked(),
      ...encrypted(),
      status: optionalString(),
      role: z.string(),
      content: z.array(ContentItemSchema),
      phase: MessagePhaseSchema.nullable().optional(),
    }),
    z.object({
      type: z.literal('agent_message'),
      ...tracked(),
      author: z.string(),
      recipient: z.string(),
      content: z.array(AgentMessageInputContentSchema),
    }),
    z.object({
      type: z.literal('reasoning'),
      ...tracked(),
      ...encrypted(),
      summary: z.array(ReasoningItemReasoningSummarySchema),
      content: z.array(ReasoningItemContentSchema).nullable().optional(),
    }),
    z.object({
      type: z.literal('local_shell_call'),
      ...tracked(),
      ...encrypted(),
      call_id: optionalString().describe('Set when using the Responses API.'),
      status: LocalShellStatusSchema,
      action: LocalShellActionSchema,
    }),
    z.object({
      type: z.literal('function_call'),
      ...tracked(),
      ...encrypted(),
      status: optionalString(),
      name: z.string(),
      namespace: optionalString(),
      arguments: z.string(),
      encrypted_function_args: z.array(z.string()).nullable().optional(),
      call_id: z.string(),
    }),
    z.object({
      type: z.literal('tool_search_call'),
      ...tracked(),
      ...encrypted(),
      call_id: optionalString(),
      status: optionalString(),
      execution: z.string(),
      arguments: z.unknown(),
    }),
    z.object({
      type: z.literal('function_call_output'),
      ...tracked(),
      call_id: optionalString(),
      name: optionalString(),
      namespace: optionalString(),
      output: FunctionCallOutputBodySchema,
    }),
    z.object({
      type: z.literal('custom_tool_call'),
      ...tracked(),
      ...encrypted(),
      status: optionalString(),
      call_id: z.string(),
      name: z.string(),
      namespace: optionalString(),
      input: z.string(),
    }),
    z.object({
      type: z.literal('custom_tool_call_output'),
      ...tracked(),
      call_id: z.string(),
      name: optionalString(),
      output: FunctionCallOutputBodySchema,
    }),
    z.object({
      type: z.literal('tool_search_output'),
      ...tracked(),
      call_id: optionalString(),
      status: z.string(),
      execution: z.string(),
      tools: z.array(z.unknown()),
    }),
    z.object({
      type: z.literal('web_search_call'),
      ...tracked(),
      ...encrypted(),
      status: optionalString(),
      action: ResponsesApiWebSearchActionSchema.nullable().optional(),
    }),
    z.object({
      type: z.literal('image_generation_call'),
      ...tracked(),
      ...encrypted(),
      status: z.string(),
      revised_prompt: optionalString(),
      result: z.string(),
    }),
    z.object({ type: z.literal('compaction'), ...tracked(), encrypted_content: z.string() }),
    z
      .object({ type: z.literal('configuration_update'), reasoning: ConfigurationReasoningSchema })
      .describe('A durable input control interpreted by the backend at its position in history.'),
    z.object({ type: z.literal('compaction_trigger') }),
    z.object({ type: z.literal('context_compaction'), ...tracked(), ...encrypted() }),
    z.object({ type: z.literal('other') }),
  ])
  .meta({ id: 'ResponseItem' }));
export type ResponseItem = z.infer<typeof ResponseItemSchema>;
