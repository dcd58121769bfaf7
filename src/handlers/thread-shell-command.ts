import { RpcErrors } from '../protocol/errors.js';
import { ClientRequests } from '../protocol/registry.js';
import { DEFAULT_SHELL_TIMEOUT_MS } from '../runtime/user-shell/shell-process.js';
import { runUserShellCommand } from '../runtime/user-shell/user-shell-command.js';
import { bindHandler } from './context.js';
import type { RequestHandler } from './context.js';
import type { ServerServices } from './services.js';
import { callerTurnDependencies, loadedThread } from './thread-lookup.js';

/**
 * `thread/shellCommand` (the terminal UI's `!cmd`): answers `{}` at once, then runs the command as its own turn
 * or inside the running one (see runtime/user-shell/user-shell-command.ts). Refusals observed from the reference
 * 0.169.0: a blank command is `command must not be empty`, a thread that is not loaded `thread not found: <id>`.
 */
export function threadShellCommandHandler(services: ServerServices): RequestHandler {
  return bindHandler(ClientRequests.threadShellCommand, (params, context) => {
    if (params.command.trim() === '') throw RpcErrors.badRequest('command must not be empty');
    const thread = loadedThread(services.threads, params.threadId, (id) => `thread not found: ${id}`);
    const deps = callerTurnDependencies(services, thread, context);
    const request = {
      command: params.command,
      timeoutMs: params.timeoutMs ?? DEFAULT_SHELL_TIMEOUT_MS,
      // The user's command skips the thread's sandbox, never a tenant's jail.
      jail: services.threads.commandJail,
      sandboxSupport: services.threads.sandboxSupport,
    };
    runUserShellCommand(thread, request, deps, context.afterResponse);
    return {};
  });
}
