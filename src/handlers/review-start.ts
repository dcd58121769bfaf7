import { RpcErrors } from '../protocol/errors.js';
import { ClientRequests } from '../protocol/registry.js';
import type { ReviewTarget } from '../protocol/v2/review.js';
import { threadCaller } from './caller.js';
import { bindHandler } from './context.js';
import type { RequestHandler } from './context.js';
import type { ServerServices } from './services.js';
import { configurationError, loadedThread } from './thread-lookup.js';

/**
 * `review/start` (the terminal UI's `/review`): a code review of the chosen target as a turn of the thread
 * (inline, the only delivery of the reference 0.169.0), answered at once with that turn and the thread's id
 * (see ThreadControl.review); a running turn is interrupted first. Refusals observed from the reference:
 * `thread not found: <id>`, and a blank branch, sha or instructions (`branch must not be empty`, …).
 */
export function reviewStartHandler(services: ServerServices): RequestHandler {
  return bindHandler(ClientRequests.reviewStart, (params, context) => {
    const thread = loadedThread(services.threads, params.threadId, (id) => `thread not found: ${id}`);
    const blank = blankField(params.target);
    if (blank !== null) throw RpcErrors.badRequest(`${blank} must not be empty`);
    try {
      const turn = services.threads.control.review(thread, params.target, threadCaller(context), (task) =>
        context.afterResponse(task),
      );
      return { turn, reviewThreadId: thread.id };
    } catch (error) {
      configurationError(error);
    }
  });
}

function blankField(target: ReviewTarget): string | null {
  switch (target.type) {
    case 'uncommittedChanges':
      return null;
    case 'baseBranch':
      return target.branch.trim() === '' ? 'branch' : null;
    case 'commit':
      return target.sha.trim() === '' ? 'sha' : null;
    case 'custom':
      return target.instructions.trim() === '' ? 'instructions' : null;
  }
}
