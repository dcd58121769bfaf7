import { lazySchema } from '../../util/lazy-schema.js';
import * as z from 'zod';

/* `feedback/save`: a feedback report written to a ZIP on the server host, as the reference's 0.169.0 JSON Schema names it. */

const LegacyAppPathStringSchema = lazySchema(() => z.string().meta({ id: 'LegacyAppPathString' }));

/** What a report says, whether it is saved or uploaded. */
const REPORT_FIELDS = {
  classification: z.string(),
  extraLogFiles: z.array(z.string()).nullable().optional(),
  includeLogs: z.boolean().optional(),
  reason: z.string().nullable().optional(),
  tags: z.record(z.string(), z.string()).nullable().optional(),
  threadId: z.string().nullable().optional(),
};

export const FeedbackSaveParamsSchema = lazySchema(() => z
  // `savePath` first: the reference reports it missing before `classification` [observed].
  .object({
    savePath: LegacyAppPathStringSchema.describe(
      'Absolute, previously unused ZIP path on the app-server host. The caller owns this file, including after a disconnected RPC.',
    ),
    ...REPORT_FIELDS,
  })
  .meta({ id: 'FeedbackSaveParams' }));
export type FeedbackSaveParams = z.infer<typeof FeedbackSaveParamsSchema>;

export const FeedbackSaveResponseSchema = lazySchema(() => z
  .object({
    promptHash: z
      .string()
      .nullable()
      .optional()
      .describe('Same prompt hash as feedback/upload; null when prompt metadata is absent.'),
    savedPath: LegacyAppPathStringSchema,
    threadId: z.string(),
  })
  .meta({ id: 'FeedbackSaveResponse' }));
export type FeedbackSaveResponse = z.infer<typeof FeedbackSaveResponseSchema>;

/* `feedback/upload`: the same report sent to the feedback service instead of written to a file. */

export const FeedbackUploadParamsSchema = lazySchema(() => z
  .object(REPORT_FIELDS)
  .meta({ id: 'FeedbackUploadParams' }));
export type FeedbackUploadParams = z.infer<typeof FeedbackUploadParamsSchema>;

export const FeedbackUploadResponseSchema = lazySchema(() => z
  .object({
    promptHash: z
      .string()
      .nullable()
      .default(null)
      .describe(
        'Whitespace-normalized SHA-256 of the session base instructions, matching the uploaded `prompt_hash` tag. ' +
          'Does not include later developer messages. Null when the reported rollout has no prompt metadata.',
      ),
    threadId: z.string(),
  })
  .meta({ id: 'FeedbackUploadResponse' }));
