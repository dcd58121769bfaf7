import { applyOverrides } from '../config/overrides.js';
import { isPlainTable } from '../config/schema.js';
import { RpcErrors } from '../protocol/errors.js';
import { ClientRequests } from '../protocol/registry.js';
import { discoverHooks, type HookLayer } from '../runtime/hooks/hook-discovery.js';
import { bindHandler } from './context.js';
import type { RequestHandler } from './context.js';
import type { ServerServices } from './services.js';
import { threadIdParam } from './thread-lookup.js';

/** Where the reference attributes hooks set with `-c` [from its source]: a synthetic config path. */
const SESSION_FLAGS_PATH = '/<session-flags>/config.toml';

/**
 * `hooks/list`: the hooks declared in `$CODEX_HOME/hooks.json`, config.toml and `-c` overrides, one entry per
 * cwd (default: the server's directory) or, with `threadId`, one for that loaded thread's cwd. This server reads
 * no project layers, so every cwd lists the same hooks. An unknown thread is `thread not found: <id>` [observed].
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
    const config = services.config;
    const layers: HookLayer[] = [
      { source: 'user', configPath: config.configPath, table: config.fileTable, hooksJsonDir: services.codexHome },
    ];
    if (config.overrides.length > 0) {
      const table = applyOverrides({}, config.overrides.map((o) => ({ path: [...o.path], value: o.value })));
      layers.push({ source: 'sessionFlags', configPath: SESSION_FLAGS_PATH, table, hooksJsonDir: null });
    }
    const hooksTable = config.table['hooks'];
    const states = isPlainTable(hooksTable) && isPlainTable(hooksTable['state']) ? hooksTable['state'] : {};
    const { hooks, warnings } = await discoverHooks(layers, states);
    return { data: cwds.map((cwd) => ({ cwd, hooks, warnings, errors: [] })) };
  });
}
