import { lazySchema } from '../../util/lazy-schema.js';
import * as z from 'zod';

/* `thread/approveGuardianDeniedAction`, as the reference's 0.169.0 JSON Schema names it. */

export const ThreadApproveGuardianDeniedActionParamsSchema = lazySchema(() => z
  .object({
    threadId: z.string(),
    event: z.unknown().describe('Serialized `codex_protocol::protocol::GuardianAssessmentEvent`.'),
  })
  .meta({ id: 'ThreadApproveGuardianDeniedActionParams' }));

export const ThreadApproveGuardianDeniedActionResponseSchema = lazySchema(() => z
  .object({})
  .meta({ id: 'ThreadApproveGuardianDeniedActionResponse' }));
