import { lazySchema } from '../../util/lazy-schema.js';
import * as z from 'zod';
import { AbsolutePathSchema, Int64Schema } from '../common.js';

/*
 * Parts of ThreadItem variants (items.ts) about sub-agents, web search and image generation.
 */

/** The multi-agent tool a collabAgentToolCall item invoked. */
export const CollabAgentToolSchema = lazySchema(() => z
  .enum([
    'spawnAgent',
    'sendInput',
    'resumeAgent',
    'wait',
    'closeAgent',
    'sendMessage',
    'followupTask',
    'interruptAgent',
    'listAgents',
  ])
  .meta({ id: 'CollabAgentTool' }));
export type CollabAgentTool = z.infer<typeof CollabAgentToolSchema>;

export const CollabAgentToolCallStatusSchema = lazySchema(() => z
  .enum(['inProgress', 'completed', 'failed', 'interrupted'])
  .meta({ id: 'CollabAgentToolCallStatus' }));
export type CollabAgentToolCallStatus = z.infer<typeof CollabAgentToolCallStatusSchema>;

export const CollabAgentStatusSchema = lazySchema(() => z
  .enum(['pendingInit', 'running', 'interrupted', 'completed', 'errored', 'shutdown', 'notFound'])
  .meta({ id: 'CollabAgentStatus' }));
export type CollabAgentStatus = z.infer<typeof CollabAgentStatusSchema>;

/** Last known state of one agent a collab tool call targeted. */
export const CollabAgentStateSchema = lazySchema(() => z
  .object({ status: CollabAgentStatusSchema, message: z.string().nullable() })
  .meta({ id: 'CollabAgentState' }));
export type CollabAgentState = z.infer<typeof CollabAgentStateSchema>;

/** What happened to a sub-agent in a subAgentActivity item. */
export const SubAgentActivityKindSchema = lazySchema(() => z
  .enum(['started', 'interacted', 'interrupted', 'completed'])
  .meta({ id: 'SubAgentActivityKind' }));
export type SubAgentActivityKind = z.infer<typeof SubAgentActivityKindSchema>;

/** What a web search call did (camelCase tags; the Responses API's snake_case form is in items-response-item.ts). */
export const WebSearchActionSchema = lazySchema(() => z
  .discriminatedUnion('type', [
    z.object({ type: z.literal('search'), query: z.string().nullable(), queries: z.array(z.string()).nullable() }),
    z.object({ type: z.literal('openPage'), url: z.string().nullable() }),
    z.object({ type: z.literal('findInPage'), url: z.string().nullable(), pattern: z.string().nullable() }),
    z.object({ type: z.literal('other') }),
  ])
  .meta({ id: 'WebSearchAction' }));
export type WebSearchAction = z.infer<typeof WebSearchActionSchema>;

/** Why an image generation failed. */
export const ImageGenerationFailureSchema = lazySchema(() => z
  .discriminatedUnion('type', [
    z.object({ type: z.literal('usageLimitExceeded'), limitId: z.string(), resetsAt: Int64Schema.nullable() }),
  ])
  .meta({ id: 'ImageGenerationFailure' }));
export type ImageGenerationFailure = z.infer<typeof ImageGenerationFailureSchema>;

/** A local image file read as input of an image generation. */
export const ImageGenerationInputImageSchema = lazySchema(() => z
  .object({
    path: AbsolutePathSchema,
    sha256: z.string().describe('Lowercase SHA-256 of the file bytes read before image normalization.'),
  })
  .meta({
    id: 'ImageGenerationInputImage',
    description: 'A local image file successfully read for this exact image-generation request.',
  }));
export type ImageGenerationInputImage = z.infer<typeof ImageGenerationInputImageSchema>;
