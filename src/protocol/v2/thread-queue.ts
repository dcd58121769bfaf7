import { lazySchema } from '../../util/lazy-schema.js';
import * as z from 'zod';
import { UserInputSchema } from './user-input.js';

/*
 * The user-message queue (`thread/queue/add`, `thread/queue/changed`): input a client hands over to run as the
 * thread's next turn once it is idle (`codex queue --remote URL --thread T --message TEXT` sends it).
 */

const ClientMetadataSchema = lazySchema(() => z.record(z.string(), z.string()));

export const QueuedSubmissionSchema = lazySchema(() => z
  .object({
    id: z.string(),
    input: z.array(UserInputSchema),
    clientUserMessageId: z.string(),
    responsesapiClientMetadata: ClientMetadataSchema.nullable().describe(
      'Metadata retained with this input, including across reconnect and restoration.',
    ),
  })
  .meta({ id: 'QueuedSubmission' }));
export type QueuedSubmission = z.infer<typeof QueuedSubmissionSchema>;

export const ThreadQueueAddParamsSchema = lazySchema(() => z
  .object({
    threadId: z.string(),
    input: z.array(UserInputSchema),
    clientUserMessageId: z.string(),
    responsesapiClientMetadata: ClientMetadataSchema.nullable()
      .optional()
      .describe('ResponsesAPI metadata captured from the client submitting this input.'),
  })
  .meta({ id: 'ThreadQueueAddParams' }));
export type ThreadQueueAddParams = z.infer<typeof ThreadQueueAddParamsSchema>;

export const ThreadQueueAddResponseSchema = lazySchema(() => z
  .object({ queuedSubmission: QueuedSubmissionSchema })
  .meta({ id: 'ThreadQueueAddResponse' }));

export const ThreadQueueChangedNotificationSchema = lazySchema(() => z
  .object({ threadId: z.string() })
  .meta({ id: 'ThreadQueueChangedNotification' }));
