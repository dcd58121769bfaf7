import { ClientRequests } from '../protocol/registry.js';
import { threadCaller } from './caller.js';
import { bindHandler } from './context.js';
import type { RequestHandler } from './context.js';
import type { ServerServices } from './services.js';
import { configurationError, loadedThread } from './thread-lookup.js';

/**
 * `thread/compact/start`: compacts a loaded thread's conversation in a turn of its own and answers `{}` at once;
 * the turn (one `contextCompaction` item) follows the response [observed on 0.169.0, which sends no
 * `thread/compacted`]. A thread that is not loaded is `thread not found: <id>` [observed]. The compaction turn takes
 * no input: turn/steer and turn/start refuse it while it runs. One asked for during a turn replaces that turn (see
 * ThreadControl.compact).
 */
export function threadCompactStartHandler(services: ServerServices): RequestHandler {
  return bindHandler(ClientRequests.threadCompactStart, (params, context) => {
    const thread = loadedThread(services.threads, params.threadId, (id) => `thread not found: ${id}`);
    try {
      services.threads.control.compact(thread, threadCaller(context), (task) => context.afterResponse(task));
    } catch (error) {
      configurationError(error);
    }
    return {};
  });
}
