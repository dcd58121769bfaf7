import { ClientRequests } from '../protocol/registry.js';
import { startTurn } from '../runtime/turns/turn-runner.js';
import { threadCaller } from './caller.js';
import { bindHandler } from './context.js';
import type { RequestHandler } from './context.js';
import type { ServerServices } from './services.js';
import { configurationError, loadedThread } from './thread-lookup.js';

/**
 * `thread/compact/start`: compacts a loaded thread's conversation in a turn of its own and answers `{}` at once;
 * the turn (one `contextCompaction` item) follows the response [observed on 0.169.0, which sends no
 * `thread/compacted`]. A thread that is not loaded is `thread not found: <id>` [observed]. The compaction turn takes
 * no input: turn/steer and turn/start refuse it while it runs.
 */
export function threadCompactStartHandler(services: ServerServices): RequestHandler {
  return bindHandler(ClientRequests.threadCompactStart, (params, context) => {
    const thread = loadedThread(services.threads, params.threadId, (id) => `thread not found: ${id}`);
    let deps;
    try {
      deps = services.threads.turnDependencies(thread, threadCaller(context));
    } catch (error) {
      configurationError(error);
    }
    services.threads.subscribe(thread, context.channel);
    const input = { input: [], clientUserMessageId: null, compaction: true };
    const running = thread.activeTurn;
    if (running === null) {
      startTurn(thread, input, deps, (task) => context.afterResponse(task));
      return {};
    }
    // A compaction asked for while a turn runs replaces that turn: after the answer, the running turn ends
    // `interrupted` and the compaction starts [observed on 0.169.0 with a second thread/compact/start].
    context.afterResponse(() => {
      running.abort.abort(new Error('replaced by a compaction'));
      void running.done.then(() => {
        if (thread.activeTurn === null) startTurn(thread, input, deps, (task) => task());
      });
    });
    return {};
  });
}
