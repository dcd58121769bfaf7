import { RpcErrors } from '../protocol/errors.js';
import { ClientRequests } from '../protocol/registry.js';
import type { ThreadBackgroundTerminal } from '../protocol/v2/background-terminals.js';
import type { LoadedThread } from '../runtime/threads/loaded-thread.js';
import type { ExecTools } from '../runtime/turn-tools/exec-tool.js';
import { bindHandler } from './context.js';
import type { RequestHandler } from './context.js';
import type { ServerServices } from './services.js';
import { threadIdParam } from './thread-lookup.js';

/**
 * `thread/backgroundTerminals/list|terminate|clean`: the terminal sessions a thread's commands left running
 * after their `exec_command` call returned. As the reference answers [observed]: sessions by ascending process
 * id, the command as the model wrote it, `osPid`/`cpuPercent`/`rssKb` null; the cursor is the process id to
 * continue after; a stored thread that is not loaded has none; an unknown one is `thread not found: <id>`.
 * A terminated session's item completes `failed` with exit code -1.
 */
export function threadBackgroundTerminalsHandlers(services: ServerServices): RequestHandler[] {
  return [
    bindHandler(ClientRequests.threadBackgroundTerminalsList, async (params) => {
      const exec = await execToolsOf(services, params.threadId);
      const after = params.cursor == null ? null : parseProcessIdCursor(params.cursor);
      const sessions = (exec?.backgroundSessions() ?? []).filter((session) => after === null || session.processId > after);
      const page = sessions.slice(0, params.limit == null ? sessions.length : Math.max(1, params.limit));
      const last = page[page.length - 1];
      return {
        data: page.map(
          (session): ThreadBackgroundTerminal => ({
            itemId: session.itemId,
            processId: String(session.processId),
            command: session.command,
            cwd: session.cwd,
            osPid: null,
            cpuPercent: null,
            rssKb: null,
          }),
        ),
        nextCursor: page.length < sessions.length && last !== undefined ? String(last.processId) : null,
      };
    }),
    bindHandler(ClientRequests.threadBackgroundTerminalsTerminate, async (params) => {
      const exec = await execToolsOf(services, params.threadId);
      const processId = /^\d+$/.test(params.processId) ? Number(params.processId) : Number.NaN;
      return { terminated: exec !== undefined && Number.isSafeInteger(processId) && exec.terminateBackgroundSession(processId) };
    }),
    bindHandler(ClientRequests.threadBackgroundTerminalsClean, async (params) => {
      const exec = await execToolsOf(services, params.threadId);
      for (const session of exec?.backgroundSessions() ?? []) exec?.terminateBackgroundSession(session.processId);
      return {};
    }),
  ];
}

/** The exec tools of the thread `raw` names; undefined for a thread that never ran one or is not loaded. */
async function execToolsOf(services: ServerServices, raw: string): Promise<ExecTools | undefined> {
  const id = threadIdParam(raw);
  const loaded: LoadedThread | undefined = services.threads.get(id);
  if (loaded !== undefined) return services.threads.tools.execTools(loaded);
  if ((await services.threads.index.get(id)) === undefined) throw RpcErrors.badRequest(`thread not found: ${id}`);
  return undefined;
}

/** The list cursor: a process id, refused in the words of Rust's integer parser [observed for `garbage`]. */
function parseProcessIdCursor(cursor: string): number {
  if (cursor === '') throw RpcErrors.badRequest('invalid cursor: cannot parse integer from empty string');
  if (!/^\+?\d+$/.test(cursor)) throw RpcErrors.badRequest('invalid cursor: invalid digit found in string');
  const value = Number(cursor);
  if (value > 2_147_483_647) throw RpcErrors.badRequest('invalid cursor: number too large to fit in target type');
  return value;
}
