import { lazySchema, lazyValue } from '../../util/lazy-schema.js';
import * as z from 'zod';
import { AbsolutePathSchema, Int64Schema, UnixMsSchema } from '../common.js';
import {
  CollabAgentStateSchema,
  CollabAgentToolCallStatusSchema,
  CollabAgentToolSchema,
  ImageGenerationFailureSchema,
  ImageGenerationInputImageSchema,
  SubAgentActivityKindSchema,
  WebSearchActionSchema,
} from './items-agents.js';
import {
  AgentMessageDeliverySchema,
  AgentMessageModerationSchema,
  AsyncUserInputQuestionSchema,
  HookPromptFragmentSchema,
  MemoryCitationSchema,
  MessagePhaseSchema,
} from './items-messages.js';
import {
  CommandActionSchema,
  CommandExecutionSourceSchema,
  CommandExecutionStatusSchema,
  DynamicToolCallOutputContentItemSchema,
  DynamicToolCallStatusSchema,
  FileUpdateChangeSchema,
  FunctionCallOutputBodySchema,
  LegacyAppPathStringSchema,
  McpAppUiSchema,
  McpToolCallAppContextSchema,
  McpToolCallErrorSchema,
  McpToolCallResultSchema,
  McpToolCallStatusSchema,
  PatchApplyStatusSchema,
} from './items-tools.js';
import { ReasoningEffortSchema } from './policies.js';
import { UserInputSchema, requireOneOf } from './user-input.js';

/**
 * Lifecycle times every item variant carries. The reference declares them once beside its variant union; here
 * each variant spreads them, which validates the same objects and keeps the union discriminated. The server
 * sets `startedAtMs` on live items (and `completedAtMs: null` until the item completes).
 */
const lifecycle = lazyValue(() => ({
  startedAtMs: UnixMsSchema.nullable()
    .optional()
    .describe('Unix timestamp in milliseconds when the item started, if recorded.'),
  completedAtMs: UnixMsSchema.nullable()
    .optional()
    .describe('Unix timestamp in milliseconds when the item completed, if recorded.'),
}));

function item<const T extends string, S extends z.ZodRawShape>(type: T, shape: S) {
  return z.object({ type: z.literal(type), id: z.string(), ...shape, ...lifecycle() });
}

const DurationMsSchema = lazySchema(() => Int64Schema.nullable());

/**
 * One entry of a turn's history, tagged by `type`: messages, reasoning, tool calls, review-mode markers, ….
 * Output only: the server always sends every field the reference always sends (`null` when unset); the few
 * fields the reference omits when unset are optional.
 */
export const ThreadItemSchema = lazySchema(() => z
  .discriminatedUnion('type', [
    item('userMessage', { clientId: z.string().nullable(), content: z.array(UserInputSchema) }),
    item('hookPrompt', { fragments: z.array(HookPromptFragmentSchema) }),
    item('agentMessage', {
      text: z.string(),
      phase: MessagePhaseSchema.nullable(),
      moderation: AgentMessageModerationSchema.nullable(),
      memoryCitation: MemoryCitationSchema.nullable(),
      delivery: AgentMessageDeliverySchema.nullable(),
      questions: z.array(AsyncUserInputQuestionSchema).nullable(),
    }),
    item('functionCallOutput', {
      name: z.string(),
      namespace: z.string().nullable(),
      output: FunctionCallOutputBodySchema,
    }),
    item('plan', { text: z.string() }).describe(
      'EXPERIMENTAL - proposed plan item content. The completed plan item is authoritative and may not match the ' +
        'concatenation of `PlanDelta` text.',
    ),
    item('reasoning', { summary: z.array(z.string()), content: z.array(z.string()) }),
    item('commandExecution', {
      command: z.string().describe('The command to be executed.'),
      cwd: LegacyAppPathStringSchema.describe("The command's working directory."),
      processId: z.string().nullable().describe('Identifier for the underlying PTY process (when available).'),
      source: CommandExecutionSourceSchema,
      status: CommandExecutionStatusSchema,
      commandActions: z
        .array(CommandActionSchema)
        .describe('A best-effort parsing of the command to understand the action(s) it will perform.'),
      aggregatedOutput: z.string().nullable().describe("The command's output, aggregated from stdout and stderr."),
      exitCode: z.number().int().meta({ format: 'int32' }).nullable().describe("The command's exit code."),
      durationMs: DurationMsSchema.describe('The duration of the command execution in milliseconds.'),
      pluginId: z
        .string()
        .nullable()
        .describe('Trusted first-party plugin id when this command resolves to one plugin script.'),
      scriptPath: z
        .string()
        .nullable()
        .describe('Safe plugin-relative path when this command resolves to one plugin script.'),
    }),
    item('fileChange', { changes: z.array(FileUpdateChangeSchema), status: PatchApplyStatusSchema }),
    item('mcpToolCall', {
      server: z.string(),
      tool: z.string(),
      status: McpToolCallStatusSchema,
      arguments: z.unknown(),
      appContext: McpToolCallAppContextSchema.nullable(),
      mcpAppResourceUri: z
        .string()
        .optional()
        .describe('Legacy compatibility field; prefer `mcpAppUi.resourceUri` when available.'),
      mcpAppUi: McpAppUiSchema.nullable().describe(
        'Presentation captured from the invoked descriptor; absent in older history.',
      ),
      pluginId: z.string().nullable(),
      readOnlyHint: z.boolean().nullable(),
      result: McpToolCallResultSchema.nullable(),
      error: McpToolCallErrorSchema.nullable(),
      durationMs: DurationMsSchema.describe('The duration of the MCP tool call in milliseconds.'),
    }),
    item('dynamicToolCall', {
      namespace: z.string().nullable(),
      tool: z.string(),
      arguments: z.unknown(),
      status: DynamicToolCallStatusSchema,
      contentItems: z.array(DynamicToolCallOutputContentItemSchema).nullable(),
      success: z.boolean().nullable(),
      durationMs: DurationMsSchema.describe('The duration of the dynamic tool call in milliseconds.'),
    }),
    item('collabAgentToolCall', {
      tool: CollabAgentToolSchema.describe('Name of the collab tool that was invoked.'),
      status: CollabAgentToolCallStatusSchema.describe('Current status of the collab tool call.'),
      senderThreadId: z.string().describe('Thread ID of the agent issuing the collab request.'),
      receiverThreadIds: z
        .array(z.string())
        .describe('Thread ID of the receiving agent, when applicable; for a spawn, the newly spawned agent.'),
      prompt: z.string().nullable().describe('Prompt text sent as part of the collab tool call, when available.'),
      model: z.string().nullable().describe('Model requested for the spawned agent, when applicable.'),
      reasoningEffort: ReasoningEffortSchema.nullable().describe(
        'Reasoning effort requested for the spawned agent, when applicable.',
      ),
      agentsStates: z
        .record(z.string(), CollabAgentStateSchema)
        .describe('Last known status of the target agents, when available.'),
    }),
    item('subAgentActivity', {
      kind: SubAgentActivityKindSchema,
      agentThreadId: z.string(),
      agentPath: z.string(),
      model: z.string().nullable().describe('Resolved model at sub-agent creation; absent from older records.'),
      reasoningEffort: ReasoningEffortSchema.nullable().describe(
        'Resolved reasoning effort at sub-agent creation, when known.',
      ),
    }),
    item('webSearch', {
      query: z.string(),
      action: WebSearchActionSchema.nullable(),
      results: z
        .array(z.unknown())
        .nullable()
        .describe('Structured search results returned out-of-band by standalone web search, as opaque JSON.'),
    }),
    item('imageView', { path: LegacyAppPathStringSchema }),
    item('sleep', { durationMs: z.number().int().min(0).meta({ format: 'uint64' }) }).describe(
      'Display item emitted by the interruptible `clock.sleep` tool.',
    ),
    item('imageGeneration', {
      status: z.string(),
      revisedPrompt: z.string().nullable(),
      transparentBackground: z.boolean().optional(),
      failure: ImageGenerationFailureSchema.nullable(),
      savedPath: AbsolutePathSchema.optional(),
      inputImages: z
        .array(ImageGenerationInputImageSchema)
        .optional()
        .describe('Observed local inputs for a completed generation, absent on older items.'),
      generationId: z
        .string()
        .nullable()
        .describe('Image generation identifier for the generated image, when provided by the image backend.'),
      fileId: z.string().optional().describe('Durable attachment-store identity of the generated image.'),
      result: z.string().optional().describe('Inline generated-image data.'),
    }).superRefine(requireOneOf('fileId', 'result')),
    item('enteredReviewMode', { review: z.string() }),
    item('exitedReviewMode', { review: z.string() }),
    item('contextCompaction', {}),
  ])
  .meta({
    id: 'ThreadItem',
    description: 'A thread item and its recorded lifecycle times. The payload stays flat on the wire.',
  }));
export type ThreadItem = z.infer<typeof ThreadItemSchema>;
/** The `type` tags of ThreadItem. */
export type ThreadItemType = ThreadItem['type'];
