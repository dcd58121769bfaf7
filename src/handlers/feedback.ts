import { isAbsolute } from 'node:path';
import { RpcErrors } from '../protocol/errors.js';
import { ClientRequests } from '../protocol/registry.js';
import { FeedbackSaveError, feedbackEvent, saveFeedbackArchive } from '../runtime/feedback/feedback-archive.js';
import { FeedbackUploadError, uploadFeedback } from '../runtime/feedback/sentry-upload.js';
import { uuidv7 } from '../util/ids.js';
import { COMPATIBLE_CODEX_VERSION } from '../util/version.js';
import { bindHandler } from './context.js';
import type { RequestHandler } from './context.js';
import type { ServerServices } from './services.js';
import { threadIdParam } from './thread-lookup.js';

/**
 * `feedback/save`: the report as a ZIP at `savePath` (see saveFeedbackArchive). Checks in the reference's order
 * [observed on 0.169.0]: an absolute `savePath`, a well-formed `threadId` (any id is accepted, known or not; none
 * reads `no-active-thread-<uuid>`), then the file is written; a failure there is `-32603 failed to save feedback:
 * <problem>`. `promptHash` is always null: no prompt metadata is collected.
 */
export function feedbackHandlers(services: Pick<ServerServices, 'env' | 'fetch'>): RequestHandler[] {
  return [
    bindHandler(ClientRequests.feedbackSave, async (params) => {
      if (!isAbsolute(params.savePath)) throw RpcErrors.badRequest('feedback savePath must be an absolute host path');
      const threadId = reportedThread(params.threadId);
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

    /**
     * `feedback/upload`: the same report sent to the feedback service (see uploadFeedback), answering the thread it
     * was about. Failures are `-32603 failed to upload feedback: <problem>` [observed]. The reference also attaches,
     * with `includeLogs`, its own log buffer, a `codex doctor` report, connectivity diagnostics and the thread's
     * rollout; this server sends the event and the client's `extraLogFiles` only.
     */
    bindHandler(ClientRequests.feedbackUpload, async (params) => {
      const threadId = reportedThread(params.threadId);
      const event = feedbackEvent({
        classification: params.classification,
        reason: params.reason ?? null,
        tags: params.tags ?? {},
        threadId,
        cliVersion: COMPATIBLE_CODEX_VERSION,
      });
      try {
        await uploadFeedback({ event, attachments: params.extraLogFiles ?? [] }, services);
      } catch (error) {
        if (error instanceof FeedbackUploadError) throw RpcErrors.internal(`failed to upload feedback: ${error.message}`, error);
        throw error;
      }
      return { threadId, promptHash: null };
    }),
  ];
}

/** The thread a report is about: the client's (checked well-formed, known or not), else `no-active-thread-<uuid>`. */
function reportedThread(threadId: string | null | undefined): string {
  return threadId === undefined || threadId === null ? `no-active-thread-${uuidv7()}` : threadIdParam(threadId);
}

function failed(problem: string) {
  return RpcErrors.internal(`failed to save feedback: ${problem}`);
}
