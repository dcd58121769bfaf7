import { lazySchema } from '../../util/lazy-schema.js';
import * as z from 'zod';
import { ImageDetailSchema, requireOneOf } from './user-input.js';

/*
 * Tool-related parts of ThreadItem variants (items.ts): command executions, file changes, MCP and dynamic tool
 * calls, and function-call outputs.
 */

/** A path in the environment's own syntax, not necessarily absolute (item `cwd`s, instruction sources, …). */
export const LegacyAppPathStringSchema = lazySchema(() => z.string().meta({ id: 'LegacyAppPathString' }));
export type LegacyAppPathString = z.infer<typeof LegacyAppPathStringSchema>;

/** A best-effort reading of what one segment of a shell command does. */
export const CommandActionSchema = lazySchema(() => z
  .discriminatedUnion('type', [
    z.object({ type: z.literal('read'), command: z.string(), name: z.string(), path: LegacyAppPathStringSchema }),
    z.object({ type: z.literal('listFiles'), command: z.string(), path: z.string().nullable() }),
    z.object({
      type: z.literal('search'),
      command: z.string(),
      query: z.string().nullable(),
      path: z.string().nullable(),
    }),
    z.object({ type: z.literal('unknown'), command: z.string() }),
  ])
  .meta({ id: 'CommandAction' }));
export type CommandAction = z.infer<typeof CommandActionSchema>;

/** Who started a command: the model, the user's `!` shell, or the unified-exec tool. */
export const CommandExecutionSourceSchema = lazySchema(() => z
  .enum(['agent', 'userShell', 'unifiedExecStartup', 'unifiedExecInteraction'])
  .meta({ id: 'CommandExecutionSource' }));
export type CommandExecutionSource = z.infer<typeof CommandExecutionSourceSchema>;

export const CommandExecutionStatusSchema = lazySchema(() => z
  .enum(['inProgress', 'completed', 'failed', 'declined'])
  .meta({ id: 'CommandExecutionStatus' }));
export type CommandExecutionStatus = z.infer<typeof CommandExecutionStatusSchema>;

/** What a patch does to one file; `move_path` (snake_case on the wire) is the rename target of an update. */
export const PatchChangeKindSchema = lazySchema(() => z
  .discriminatedUnion('type', [
    z.object({ type: z.literal('add') }),
    z.object({ type: z.literal('delete') }),
    z.object({ type: z.literal('update'), move_path: z.string().nullable() }),
  ])
  .meta({ id: 'PatchChangeKind' }));
export type PatchChangeKind = z.infer<typeof PatchChangeKindSchema>;

/** One file of a fileChange item, with its unified diff. */
export const FileUpdateChangeSchema = lazySchema(() => z
  .object({ path: z.string(), kind: PatchChangeKindSchema, diff: z.string() })
  .meta({ id: 'FileUpdateChange' }));
export type FileUpdateChange = z.infer<typeof FileUpdateChangeSchema>;

export const PatchApplyStatusSchema = lazySchema(() => z
  .enum(['inProgress', 'completed', 'failed', 'declined'])
  .meta({ id: 'PatchApplyStatus' }));
export type PatchApplyStatus = z.infer<typeof PatchApplyStatusSchema>;

export const McpToolCallStatusSchema = lazySchema(() => z
  .enum(['inProgress', 'completed', 'failed'])
  .meta({ id: 'McpToolCallStatus' }));
export type McpToolCallStatus = z.infer<typeof McpToolCallStatusSchema>;

/** The connector app an MCP tool call belongs to, when it came from one. */
export const McpToolCallAppContextSchema = lazySchema(() => z
  .object({
    connectorId: z.string(),
    linkId: z.string().nullable(),
    resourceUri: z.string().nullable(),
    appName: z.string().nullable(),
    actionName: z.string().nullable(),
  })
  .meta({ id: 'McpToolCallAppContext' }));
export type McpToolCallAppContext = z.infer<typeof McpToolCallAppContextSchema>;

export const McpAppDisplayModeSchema = lazySchema(() => z.enum(['inline', 'fullscreen']).meta({ id: 'McpAppDisplayMode' }));
export type McpAppDisplayMode = z.infer<typeof McpAppDisplayModeSchema>;

/** The UI resource an MCP tool's descriptor declared, and how the model prefers it shown. */
export const McpAppUiSchema = lazySchema(() => z
  .object({ resourceUri: z.string(), preferredModelDisplayMode: McpAppDisplayModeSchema })
  .meta({
    id: 'McpAppUi',
    description: 'UI resource and display preference for model invocations, captured from the tool descriptor.',
  }));
export type McpAppUi = z.infer<typeof McpAppUiSchema>;

/** An MCP `tools/call` result, passed through as JSON. */
export const McpToolCallResultSchema = lazySchema(() => z
  .object({ content: z.array(z.unknown()), structuredContent: z.unknown(), _meta: z.unknown() })
  .meta({ id: 'McpToolCallResult' }));
export type McpToolCallResult = z.infer<typeof McpToolCallResultSchema>;

export const McpToolCallErrorSchema = lazySchema(() => z.object({ message: z.string() }).meta({ id: 'McpToolCallError' }));
export type McpToolCallError = z.infer<typeof McpToolCallErrorSchema>;

export const DynamicToolCallStatusSchema = lazySchema(() => z
  .enum(['inProgress', 'completed', 'failed'])
  .meta({ id: 'DynamicToolCallStatus' }));
export type DynamicToolCallStatus = z.infer<typeof DynamicToolCallStatusSchema>;

/** Content a client returned for a dynamic tool call (camelCase tags, unlike the Responses API's). */
export const DynamicToolCallOutputContentItemSchema = lazySchema(() => z
  .discriminatedUnion('type', [
    z.object({ type: z.literal('inputText'), text: z.string() }),
    z.object({ type: z.literal('inputImage'), imageUrl: z.string() }),
    z.object({ type: z.literal('inputAudio'), audioUrl: z.string() }),
  ])
  .meta({ id: 'DynamicToolCallOutputContentItem' }));
export type DynamicToolCallOutputContentItem = z.infer<typeof DynamicToolCallOutputContentItemSchema>;

/** Responses-API content a tool call may return (snake_case tags and keys, as the Responses API spells them). */
export const FunctionCallOutputContentItemSchema = lazySchema(() => z
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
    z.object({ type: z.literal('encrypted_content'), encrypted_content: z.string() }),
  ])
  .meta({
    id: 'FunctionCallOutputContentItem',
    description:
      'Responses API compatible content items that can be returned by a tool call. This is a subset of ContentItem ' +
      'with the types we support as function call outputs.',
  }));
export type FunctionCallOutputContentItem = z.infer<typeof FunctionCallOutputContentItemSchema>;

/** A tool call's output: plain text, or a list of content items. */
export const FunctionCallOutputBodySchema = lazySchema(() => z
  .union([z.string(), z.array(FunctionCallOutputContentItemSchema)])
  .meta({ id: 'FunctionCallOutputBody' }));
export type FunctionCallOutputBody = z.infer<typeof FunctionCallOutputBodySchema>;

const dynamicFunctionShape = {
  type: z.literal('function'),
  name: z.string(),
  description: z.string(),
  inputSchema: z.unknown(),
  deferLoading: z.boolean().optional(),
};

/** A function inside a dynamic-tool namespace. */
export const DynamicToolNamespaceToolSchema = lazySchema(() => z
  .discriminatedUnion('type', [z.object(dynamicFunctionShape)])
  .meta({ id: 'DynamicToolNamespaceTool' }));
export type DynamicToolNamespaceTool = z.infer<typeof DynamicToolNamespaceToolSchema>;

/** A client-implemented tool offered to the model (experimental `thread/start.dynamicTools`). */
export const DynamicToolSpecSchema = lazySchema(() => z
  .discriminatedUnion('type', [
    z.object(dynamicFunctionShape),
    z.object({
      type: z.literal('namespace'),
      name: z.string(),
      description: z.string(),
      tools: z.array(DynamicToolNamespaceToolSchema),
    }),
  ])
  .meta({ id: 'DynamicToolSpec' }));
export type DynamicToolSpec = z.infer<typeof DynamicToolSpecSchema>;
