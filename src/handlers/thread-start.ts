import { RpcErrors } from '../protocol/errors.js';
import { ClientRequests } from '../protocol/registry.js';
import type { LoadedThread } from '../runtime/threads/loaded-thread.js';
import { dynamicToolsProblem } from '../runtime/turn-tools/dynamic-tool.js';
import { loadedThreadView } from '../runtime/threads/thread-view.js';
import { bindHandler } from './context.js';
import type { RequestHandler } from './context.js';
import { threadCaller } from './caller.js';
import type { ServerServices } from './services.js';
import { sessionResponse } from './session-response.js';
import { configurationError } from './thread-lookup.js';

/**
 * `thread/start`: a new loaded thread, subscribed by the caller. The response comes first, then
 * `thread/started` with the same thread (status idle) [observed]. Nothing is written to disk yet: the rollout
 * appears with the first turn.
 */
export function threadStartHandler(services: ServerServices): RequestHandler {
  return bindHandler(ClientRequests.threadStart, async (params, context) => {
    if (params.sandbox != null && params.permissions != null) {
      throw RpcErrors.badRequest('`permissions` cannot be combined with `sandbox`');
    }
    const toolsProblem = dynamicToolsProblem(params.dynamicTools);
    if (toolsProblem !== null) throw RpcErrors.badRequest(toolsProblem);
    const caller = threadCaller(context);
    let thread;
    try {
      thread = services.threads.createThread(params, caller);
    } catch (error) {
      configurationError(error);
    }
    await refuseWithoutRequiredMcpServers(services, thread);
    const sources = await services.threads.instructionSources(thread);
    context.afterResponse(() => thread.announceStarted(loadedThreadView(thread)));
    return sessionResponse(thread, [], sources);
  });
}

/**
 * A thread whose `required` MCP servers do not start is not created (observed from the reference 0.169.0: -32603
 * `error creating thread: Fatal error: Failed to initialize session: required MCP servers failed to initialize:
 * <name>: <cause>`).
 */
async function refuseWithoutRequiredMcpServers(services: ServerServices, thread: LoadedThread): Promise<void> {
  const failures = await services.threads.mcp.requiredFailures(thread);
  if (failures.length === 0) return;
  await services.threads.unload(thread, { announceClosed: false });
  throw RpcErrors.internal(
    `error creating thread: Fatal error: Failed to initialize session: required MCP servers failed to initialize: ${failures.join(', ')}`,
  );
}
