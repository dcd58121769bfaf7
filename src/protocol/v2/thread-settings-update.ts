import { lazySchema } from '../../util/lazy-schema.js';
import * as z from 'zod';
import {
  ApprovalsReviewerSchema,
  AskForApprovalSchema,
  CollaborationModeSchema,
  MultiAgentModeSchema,
  PersonalitySchema,
  ReasoningEffortSchema,
  ReasoningSummarySchema,
  SandboxPolicySchema,
} from './policies.js';
import { TurnEnvironmentParamsSchema } from './thread.js';

/** `thread/settings/update`: settings for the thread's next turns, without starting one. */
export const ThreadSettingsUpdateParamsSchema = lazySchema(() => z
  .object({
    threadId: z.string(),
    cwd: z.string().nullable().optional().describe('Override the working directory for subsequent turns.'),
    environments: z.array(TurnEnvironmentParamsSchema).nullable().optional(),
    approvalPolicy: AskForApprovalSchema.nullable().optional(),
    approvalsReviewer: ApprovalsReviewerSchema.nullable().optional(),
    sandboxPolicy: SandboxPolicySchema.nullable().optional(),
    permissions: z
      .string()
      .nullable()
      .optional()
      .describe('Select a named permissions profile id for subsequent turns. Cannot be combined with `sandboxPolicy`.'),
    model: z.string().nullable().optional(),
    serviceTier: z.string().nullable().optional(),
    effort: ReasoningEffortSchema.nullable().optional(),
    summary: ReasoningSummarySchema.nullable().optional(),
    personality: PersonalitySchema.nullable().optional(),
    collaborationMode: CollaborationModeSchema.nullable().optional(),
    multiAgentMode: MultiAgentModeSchema.nullable().optional().describe('@deprecated Ignored.'),
    disabledPluginIds: z.array(z.string()).nullable().optional(),
  })
  .meta({ id: 'ThreadSettingsUpdateParams' }));
export type ThreadSettingsUpdateParams = z.infer<typeof ThreadSettingsUpdateParamsSchema>;

export const ThreadSettingsUpdateResponseSchema = lazySchema(() => z.object({}).meta({ id: 'ThreadSettingsUpdateResponse' }));
