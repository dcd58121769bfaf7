import { RpcErrors } from '../protocol/errors.js';
import { ClientRequests } from '../protocol/registry.js';
import { threadCaller } from './caller.js';
import { bindHandler } from './context.js';
import type { RequestHandler } from './context.js';
import type { ServerServices } from './services.js';
import { configurationError, loadedThread } from './thread-lookup.js';

/**
 * `thread/shellCommand` (the terminal UI's `!cmd`): answers `{}` at once, then runs the command as its own turn
 * or inside the running one (see ThreadControl.runShellCommand). Refusals observed from the reference
 * 0.169.0: a blank command is `command must not be empty`, a thread that is not loaded `thread not found: <id>`.
 */
export function threadShellCommandHandler(services: ServerServices): RequestHandler {
  return bindHandler(ClientRequests.threadShellCommand, (params, context) => {
    if (params.command.trim() === '') throw RpcErrors.badRequest('command must not be empty');
    const thread = loadedThread(services.threads, params.threadId, (id) => `thread not found: ${id}`);
    try {
      services.threads.control.runShellCommand(thread, params.command, params.timeoutMs ?? null, threadCaller(context), (task) =>
        context.afterResponse(task),
      );
    } catch (error) {
      configurationError(error);
    }
    return {};
  });
}
