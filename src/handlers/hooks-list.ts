import { RpcErrors } from '../protocol/errors.js';
import { ClientRequests } from '../protocol/registry.js';
import { configuredHooks } from '../runtime/hooks/configured-hooks.js';
import { bindHandler } from './context.js';
import type { RequestHandler } from './context.js';
import type { ServerServices } from './services.js';
import { threadIdParam } from './thread-lookup.js';

/**
 * `hooks/list`: the hooks declared in `$CODEX_HOME/hooks.json`, config.toml, `-c` overrides and enabled plugins,
 * one entry per cwd (default: the server's directory) or, with `threadId`, one for that loaded thread's cwd. This
 * server reads no project layers, so every cwd lists the same hooks. An unknown thread is `thread not found: <id>`
 * [observed].
 */
export function hooksListHandler(services: ServerServices): RequestHandler {
  return bindHandler(ClientRequests.hooksList, async (params) => {
    let cwds: string[];
    if (params.threadId !== undefined && params.threadId !== null) {
      const id = threadIdParam(params.threadId);
      const thread = services.threads.get(id);
      if (thread === undefined) throw RpcErrors.badRequest(`thread not found: ${id}`);
      cwds = [thread.settings.cwd];
    } else {
      cwds = params.cwds !== undefined && params.cwds.length > 0 ? params.cwds : [services.threads.serverCwd];
    }
    const { hooks, warnings } = await configuredHooks(services.codexHome, services.config);
    return { data: cwds.map((cwd) => ({ cwd, hooks, warnings, errors: [] })) };
  });
}
