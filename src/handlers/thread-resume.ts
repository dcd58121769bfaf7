import { RpcErrors } from '../protocol/errors.js';
import { itemsBackwardsCursor } from '../runtime/paging/item-pages.js';
import { pageTurns, turnsBackwardsCursor } from '../runtime/paging/turn-pages.js';
import { ClientRequests, ServerNotifications } from '../protocol/registry.js';
import type { ThreadResumeResponse } from '../protocol/v2/thread-methods.js';
import type { ReplayLookup } from '../runtime/threads/thread-event-log.js';
import { bindHandler } from './context.js';
import type { RequestHandler } from './context.js';
import type { ServerServices } from './services.js';
import { FULL_HISTORY_ON_RESUME } from './deprecation-notices.js';
import { sessionResponse } from './session-response.js';
import { withClientMetadata } from '../runtime/thread-metadata/thread-with-metadata.js';
import { configurationError, threadIdParam } from './thread-lookup.js';
import { copyTurns } from './thread-read.js';

/**
 * `thread/resume`: loads a stored thread (or joins a loaded one), subscribes the caller, and answers with the
 * thread's settings and, unless `excludeTurns`, its turns. The restored token usage follows the response.
 * A thread with no live rollout is `no rollout found for thread id <id>` [observed].
 */
export function threadResumeHandler(services: ServerServices): RequestHandler {
  return bindHandler(ClientRequests.threadResume, async (params, context) => {
    const id = threadIdParam(params.threadId);
    if (params.sandbox != null && params.permissions != null) {
      throw RpcErrors.badRequest('`permissions` cannot be combined with `sandbox`');
    }
    const excludeTurns = params.excludeTurns === true;
    const wasLoaded = services.threads.get(id) !== undefined;
    let thread;
    try {
      thread = await services.threads.load(id, params);
    } catch (error) {
      configurationError(error);
    }
    if (thread === undefined) {
      const stored = await services.threads.index.get(id);
      if (stored?.archived === true) {
        throw RpcErrors.badRequest(`session ${id} is archived. Run \`codex unarchive ${id}\` to unarchive it first.`);
      }
      throw RpcErrors.badRequest(`no rollout found for thread id ${id}`);
    }
    // Before the response [observed]: the hydration notice, then (for a thread loaded by this call) its status.
    if (!excludeTurns) {
      context.channel.notify(ServerNotifications.deprecationNotice, FULL_HISTORY_ON_RESUME);
    }
    const subscribe = () => services.threads.subscribe(thread, context.channel);
    // Ours: a reconnecting client gets what it missed (docs/reliability.md#reconnect-and-replay), before the response.
    let replay: ThreadResumeResponse['replay'];
    if (params.afterSeq == null) subscribe();
    else replay = replayAnswer(thread.subscribeAfter(context.channel, params.afterSeq, subscribe));
    if (!wasLoaded) {
      context.channel.notify(ServerNotifications.threadStatusChanged, { threadId: thread.id, status: thread.status });
    }
    const usage = thread.tokenUsage;
    const lastTurn = thread.turns[thread.turns.length - 1];
    if (!excludeTurns && usage !== null && lastTurn !== undefined) {
      context.afterResponse(() =>
        context.channel.notify(ServerNotifications.threadTokenUsageUpdated, {
          threadId: thread.id,
          turnId: lastTurn.id,
          tokenUsage: usage,
        }),
      );
    }
    // Input queued while the thread was not loaded (or idle) runs now, after what the resume itself reports [observed].
    context.afterResponse(() => services.threads.queue.startNext(thread));
    const settings = thread.settings;
    const session = sessionResponse(
      thread,
      excludeTurns ? [] : copyTurns(thread.turns),
      await services.threads.instructionSources(thread),
    );
    return {
      ...session,
      thread: await withClientMetadata(session.thread, services.codexHome),
      collaborationMode: {
        mode: 'default' as const,
        settings: {
          model: settings.model,
          reasoning_effort: settings.reasoningEffort,
          developer_instructions: settings.developerInstructions,
        },
      },
      initialTurnsPage:
        params.initialTurnsPage == null ? null : pageTurns(thread.id, thread.turns, params.initialTurnsPage),
      turnsBackwardsCursor: turnsBackwardsCursor(thread.id, thread.turns),
      itemsBackwardsCursor: itemsBackwardsCursor(thread.id, thread.turns),
      ...(replay === undefined ? {} : { replay }),
    };
  });
}

function replayAnswer(lookup: ReplayLookup): NonNullable<ThreadResumeResponse['replay']> {
  return lookup.available
    ? { status: 'replayed', replayed: lookup.notifications.length, lastSeq: lookup.lastSeq }
    : { status: 'unavailable', oldestSeq: lookup.oldestSeq, lastSeq: lookup.lastSeq };
}
