import { lazySchema } from '../../util/lazy-schema.js';
import * as z from 'zod';
import { UnixMsSchema } from '../common.js';
import { CommandActionSchema, LegacyAppPathStringSchema } from './items-tools.js';

/*
 * Server → client requests that ask the user to decide (docs/protocol.md#approvals-and-user-input), and the answers.
 * The requests are sent to a thread's subscribers while its status is `active["waitingOnApproval"]` (or
 * `waitingOnUserInput`); `serverRequest/resolved` follows the answer. Fields this server never sets (network approvals,
 * additional permissions, sub-command callbacks) are left out: they are optional in the reference's schema.
 */

/** What is under review: a new command, or input for a running terminal. */
export const CommandExecutionApprovalKindSchema = lazySchema(() => z
  .enum(['command', 'writeStdin', 'humanCommand'])
  .meta({
    id: 'CommandExecutionApprovalKind',
    description: 'Distinguishes a command approval from input sent to an existing terminal.',
  }));
export type CommandExecutionApprovalKind = z.infer<typeof CommandExecutionApprovalKindSchema>;

export const NetworkPolicyRuleActionSchema = lazySchema(() => z.enum(['allow', 'deny']).meta({ id: 'NetworkPolicyRuleAction' }));
export const NetworkPolicyAmendmentSchema = lazySchema(() => z
  .object({ host: z.string(), action: NetworkPolicyRuleActionSchema })
  .meta({ id: 'NetworkPolicyAmendment' }));

/** A user's answer to a command approval. */
export const CommandExecutionApprovalDecisionSchema = lazySchema(() => z
  .union([
    z.enum(['accept', 'acceptForSession', 'decline', 'cancel']),
    z.strictObject({
      acceptWithExecpolicyAmendment: z.object({ execpolicy_amendment: z.array(z.string()) }),
    }),
    z.strictObject({
      applyNetworkPolicyAmendment: z.object({ network_policy_amendment: NetworkPolicyAmendmentSchema }),
    }),
  ])
  .meta({ id: 'CommandExecutionApprovalDecision' }));
export type CommandExecutionApprovalDecision = z.infer<typeof CommandExecutionApprovalDecisionSchema>;

export const CommandExecutionRequestApprovalParamsSchema = lazySchema(() => z
  .object({
    kind: CommandExecutionApprovalKindSchema,
    threadId: z.string(),
    turnId: z.string(),
    itemId: z.string(),
    startedAtMs: UnixMsSchema.describe('Unix timestamp (in milliseconds) when this approval request started.'),
    environmentId: z.string().nullable().describe('Environment in which the command will run.'),
    reason: z.string().nullable().optional().describe('Optional explanatory reason (e.g. the model\'s justification).'),
    command: z.string().nullable().optional().describe('The command to be executed.'),
    cwd: LegacyAppPathStringSchema.nullable().optional().describe("The command's working directory."),
    commandActions: z
      .array(CommandActionSchema)
      .nullable()
      .optional()
      .describe('Best-effort parsed command actions for friendly display.'),
    proposedExecpolicyAmendment: z
      .array(z.string())
      .nullable()
      .optional()
      .describe('Optional proposed execpolicy amendment to allow similar commands without prompting.'),
    availableDecisions: z
      .array(CommandExecutionApprovalDecisionSchema)
      .nullable()
      .optional()
      .describe('Ordered list of decisions the client may present (sent to experimental clients only).'),
  })
  .meta({ id: 'CommandExecutionRequestApprovalParams' }));
export type CommandExecutionRequestApprovalParams = z.infer<typeof CommandExecutionRequestApprovalParamsSchema>;

export const CommandExecutionRequestApprovalResponseSchema = lazySchema(() => z
  .object({ decision: CommandExecutionApprovalDecisionSchema })
  .meta({ id: 'CommandExecutionRequestApprovalResponse' }));
export type CommandExecutionRequestApprovalResponse = z.infer<typeof CommandExecutionRequestApprovalResponseSchema>;

/** A user's answer to a file change approval. */
export const FileChangeApprovalDecisionSchema = lazySchema(() => z
  .enum(['accept', 'acceptForSession', 'decline', 'cancel'])
  .meta({ id: 'FileChangeApprovalDecision' }));
export type FileChangeApprovalDecision = z.infer<typeof FileChangeApprovalDecisionSchema>;

export const FileChangeRequestApprovalParamsSchema = lazySchema(() => z
  .object({
    threadId: z.string(),
    turnId: z.string(),
    itemId: z.string(),
    startedAtMs: UnixMsSchema.describe('Unix timestamp (in milliseconds) when this approval request started.'),
    reason: z.string().nullable().optional().describe('Optional explanatory reason (e.g. request for extra write access).'),
    grantRoot: z
      .string()
      .nullable()
      .optional()
      .describe('[UNSTABLE] A root the agent asks to write under for the rest of the session.'),
  })
  .meta({ id: 'FileChangeRequestApprovalParams' }));
export type FileChangeRequestApprovalParams = z.infer<typeof FileChangeRequestApprovalParamsSchema>;

export const FileChangeRequestApprovalResponseSchema = lazySchema(() => z
  .object({ decision: FileChangeApprovalDecisionSchema })
  .meta({ id: 'FileChangeRequestApprovalResponse' }));
export type FileChangeRequestApprovalResponse = z.infer<typeof FileChangeRequestApprovalResponseSchema>;

export const ToolRequestUserInputOptionSchema = lazySchema(() => z
  .object({ label: z.string(), description: z.string() })
  .meta({ id: 'ToolRequestUserInputOption', description: 'EXPERIMENTAL. One selectable option.' }));

export const ToolRequestUserInputQuestionSchema = lazySchema(() => z
  .object({
    id: z.string(),
    header: z.string(),
    question: z.string(),
    isOther: z.boolean().default(false),
    isSecret: z.boolean().default(false),
    options: z.array(ToolRequestUserInputOptionSchema).nullable().optional(),
  })
  .meta({ id: 'ToolRequestUserInputQuestion', description: 'EXPERIMENTAL. One request_user_input question.' }));
export type ToolRequestUserInputQuestion = z.infer<typeof ToolRequestUserInputQuestionSchema>;

export const ToolRequestUserInputParamsSchema = lazySchema(() => z
  .object({
    threadId: z.string(),
    turnId: z.string(),
    itemId: z.string(),
    isBlocking: z.boolean(),
    autoResolutionMs: z.number().int().min(0).meta({ format: 'uint64' }).nullable().optional(),
    questions: z.array(ToolRequestUserInputQuestionSchema),
  })
  .meta({ id: 'ToolRequestUserInputParams', description: 'EXPERIMENTAL. Params sent with a request_user_input event.' }));
export type ToolRequestUserInputParams = z.infer<typeof ToolRequestUserInputParamsSchema>;

export const ToolRequestUserInputAnswerSchema = lazySchema(() => z
  .object({ answers: z.array(z.string()) })
  .meta({ id: 'ToolRequestUserInputAnswer', description: "EXPERIMENTAL. A user's answer to one question." }));

export const ToolRequestUserInputResponseSchema = lazySchema(() => z
  .object({ answers: z.record(z.string(), ToolRequestUserInputAnswerSchema) })
  .meta({ id: 'ToolRequestUserInputResponse', description: 'EXPERIMENTAL. Answers by question id.' }));
export type ToolRequestUserInputResponse = z.infer<typeof ToolRequestUserInputResponseSchema>;

/** A chunk of a running command's output (plain text, not base64). */
export const CommandExecutionOutputDeltaNotificationSchema = lazySchema(() => z
  .object({ threadId: z.string(), turnId: z.string(), itemId: z.string(), delta: z.string() })
  .meta({ id: 'CommandExecutionOutputDeltaNotification' }));
export type CommandExecutionOutputDeltaNotification = z.infer<typeof CommandExecutionOutputDeltaNotificationSchema>;

/** Input the model wrote to a running command's terminal (`write_stdin`). */
export const TerminalInteractionNotificationSchema = lazySchema(() => z
  .object({ threadId: z.string(), turnId: z.string(), itemId: z.string(), processId: z.string(), stdin: z.string() })
  .meta({ id: 'TerminalInteractionNotification' }));
export type TerminalInteractionNotification = z.infer<typeof TerminalInteractionNotificationSchema>;
