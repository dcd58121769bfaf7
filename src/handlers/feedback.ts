import { isAbsolute } from 'node:path';
import { RpcErrors } from '../protocol/errors.js';
import { ClientRequests } from '../protocol/registry.js';
import { FeedbackSaveError, saveFeedbackArchive } from '../runtime/feedback/feedback-archive.js';
import { uuidv7 } from '../util/ids.js';
import { COMPATIBLE_CODEX_VERSION } from '../util/version.js';
import { bindHandler } from './context.js';
import type { RequestHandler } from './context.js';
import { threadIdParam } from './thread-lookup.js';

/**
 * `feedback/save`: the report as a ZIP at `savePath` (see saveFeedbackArchive). Checks in the reference's order
 * [observed on 0.169.0]: an absolute `savePath`, a well-formed `threadId` (any id is accepted, known or not; none
 * reads `no-active-thread-<uuid>`), then the file is written; a failure there is `-32603 failed to save feedback:
 * <problem>`. `promptHash` is always null: no prompt metadata is collected.
 */
export function feedbackHandlers(): RequestHandler[] {
  return [
    bindHandler(ClientRequests.feedbackSave, async (params) => {
      if (!isAbsolute(params.savePath)) throw RpcErrors.badRequest('feedback savePath must be an absolute host path');
      const threadId =
        params.threadId === undefined || params.threadId === null
          ? `no-active-thread-${uuidv7()}`
          : threadIdParam(params.threadId);
      try {
        await saveFeedbackArchive(params.savePath, {
          classification: params.classification,
          reason: params.reason ?? null,
          tags: params.tags ?? {},
          threadId,
          cliVersion: COMPATIBLE_CODEX_VERSION,
          attachments: params.extraLogFiles ?? [],
        });
      } catch (error) {
        if (error instanceof FeedbackSaveError) throw failed(error.message);
        throw error;
      }
      return { savedPath: params.savePath, threadId, promptHash: null };
    }),
  ];
}

function failed(problem: string) {
  return RpcErrors.internal(`failed to save feedback: ${problem}`);
}
