import { lazySchema } from '../../util/lazy-schema.js';
import * as z from 'zod';
import { Uint32Schema } from '../common.js';

/*
 * Parts of agent and hook messages that ThreadItem variants carry (see items.ts).
 */

/**
 * Classifies assistant text. Providers do not emit it consistently, so `null` means "phase unknown".
 * `commentary`: mid-turn narration; `partial_answer`: stable answer text that may be followed by more output;
 * `final_answer`: the declared terminal answer of the turn.
 */
export const MessagePhaseSchema = lazySchema(() => z
  .enum(['commentary', 'partial_answer', 'final_answer'])
  .meta({
    id: 'MessagePhase',
    description:
      'Classifies assistant text as commentary, a partial answer, or a terminal answer.\n\nProviders do not emit ' +
      'this consistently, so callers must treat `None` as "phase unknown" and keep compatibility behavior for ' +
      'legacy models.',
  }));
export type MessagePhase = z.infer<typeof MessagePhaseSchema>;

/** How a moderated answer should be presented when history is recovered. */
export const AgentMessageDisplaySchema = lazySchema(() => z
  .object({
    action: z.string().describe('Unknown actions must be left for the producing client to handle.'),
    blockType: z.string().nullable(),
    cyberTrustedAccess: z.boolean().nullable(),
    checkTrustedContacts: z.boolean().nullable(),
  })
  .meta({
    id: 'AgentMessageDisplay',
    description: 'A presentation instruction for Chat to apply to this answer when recovering history.',
  }));
export type AgentMessageDisplay = z.infer<typeof AgentMessageDisplaySchema>;

/** Moderation outcome attached to an agent message. */
export const AgentMessageModerationSchema = lazySchema(() => z
  .object({ moderated: z.boolean(), display: AgentMessageDisplaySchema.nullable() })
  .meta({ id: 'AgentMessageModeration' }));
export type AgentMessageModeration = z.infer<typeof AgentMessageModerationSchema>;

/** One memory file range an answer cites. */
export const MemoryCitationEntrySchema = lazySchema(() => z
  .object({ path: z.string(), lineStart: Uint32Schema, lineEnd: Uint32Schema, note: z.string() })
  .meta({ id: 'MemoryCitationEntry' }));
export type MemoryCitationEntry = z.infer<typeof MemoryCitationEntrySchema>;

/** Memories an agent message drew on. */
export const MemoryCitationSchema = lazySchema(() => z
  .object({ entries: z.array(MemoryCitationEntrySchema), threadIds: z.array(z.string()) })
  .meta({ id: 'MemoryCitation' }));
export type MemoryCitation = z.infer<typeof MemoryCitationSchema>;

/** `async`: the message was delivered outside the turn that produced it. */
export const AgentMessageDeliverySchema = lazySchema(() => z.enum(['async']).meta({ id: 'AgentMessageDelivery' }));
export type AgentMessageDelivery = z.infer<typeof AgentMessageDeliverySchema>;

/** A question an asynchronously delivered agent message asks the user (unknown fields are refused). */
export const AsyncUserInputQuestionSchema = lazySchema(() => z
  .strictObject({ title: z.string(), options: z.array(z.string()).nullable() })
  .meta({ id: 'AsyncUserInputQuestion' }));
export type AsyncUserInputQuestion = z.infer<typeof AsyncUserInputQuestionSchema>;

/** A piece of text a hook injected into the conversation, with the hook run that produced it. */
export const HookPromptFragmentSchema = lazySchema(() => z
  .object({ text: z.string(), hookRunId: z.string() })
  .meta({ id: 'HookPromptFragment' }));
export type HookPromptFragment = z.infer<typeof HookPromptFragmentSchema>;
