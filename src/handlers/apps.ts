import { isChatgptAuth } from '../auth/codex-auth.js';
import type { ChatgptLogin } from '../auth/chatgpt-backend.js';
import { DEFAULT_CHATGPT_BASE_URL } from '../auth/chatgpt-usage.js';
import { ErrorCode, RpcError, RpcErrors } from '../protocol/errors.js';
import { ClientRequests, ServerNotifications } from '../protocol/registry.js';
import { AppDirectory, AppDirectoryError } from '../runtime/apps/app-directory.js';
import { AppListRequestError, appPage, installedApps, mergedApps, pageStart, withEnabledState } from '../runtime/apps/app-list.js';
import { AppMetadataError, AppMetadataReader } from '../runtime/apps/app-metadata.js';
import { accessibleApps, AppsMcpTools, type AppTool } from '../runtime/apps/apps-mcp-tools.js';
import { COMPATIBLE_CODEX_VERSION } from '../util/version.js';
import { threadCaller } from './caller.js';
import { chatgptBackendFor } from './chatgpt-backend-for.js';
import { bindHandler } from './context.js';
import type { HandlerContext, RequestHandler } from './context.js';
import type { ServerServices } from './services.js';
import { loadedThread } from './thread-lookup.js';

/** The most app ids one `app/read` may name [observed]. */
const MAX_APP_READ_IDS = 100;

/** Plans whose accounts are workspaces: their directory includes the workspace's own apps. */
const WORKSPACE_PLANS: ReadonlySet<string> = new Set(['team', 'business', 'enterprise', 'edu']);

/**
 * Apps are ChatGPT connectors (docs/apps.md). Without a ChatGPT login the reference lists none and reads none; with
 * one, `app/list` joins ChatGPT's directory with the apps its apps MCP server offers tools for, `app/installed` lists
 * the latter, and `app/read` reads their metadata.
 */
export function appHandlers(services: ServerServices): RequestHandler[] {
  const directory = new AppDirectory();
  const mcpTools = new AppsMcpTools();
  const appMetadata = new AppMetadataReader();
  const chatgptBaseUrl = () => services.config.config.chatgpt_base_url ?? DEFAULT_CHATGPT_BASE_URL;
  const checkThread = (threadId: string | null | undefined) => {
    if (threadId !== undefined && threadId !== null) loadedThread(services.threads, threadId, (id) => `thread not found: ${id}`);
  };
  /** The app tools, or none when the apps MCP server cannot be listed (the reference then marks no app accessible). */
  const appTools = async (login: ChatgptLogin, force: boolean, context: HandlerContext): Promise<{ tools: AppTool[]; fetched: boolean }> => {
    const scope = { chatgptBaseUrl: chatgptBaseUrl(), login, fetch: services.fetch, clientVersion: COMPATIBLE_CODEX_VERSION };
    try {
      return await mcpTools.list(scope, force);
    } catch (error) {
      context.log.warn({ err: error }, 'apps: listing the apps MCP server failed; no app is marked accessible');
      return { tools: [], fetched: true };
    }
  };

  return [
    bindHandler(ClientRequests.appList, async (params, context) => {
      checkThread(params.threadId);
      const auth = await services.auth.current();
      if (!isChatgptAuth(auth)) return { data: [], nextCursor: null };
      let start;
      try {
        start = pageStart(params.cursor);
      } catch (error) {
        if (error instanceof AppListRequestError) throw RpcErrors.badRequest(error.message);
        throw error;
      }
      const force = params.forceRefetch ?? false;
      const originator = threadCaller(context).originator;
      const scope = {
        backend: chatgptBackendFor(services, auth, context),
        originator,
        accountId: auth.accountId,
        userId: auth.userId,
        workspaceAccount: WORKSPACE_PLANS.has(auth.planType),
      };
      const [listed, accessible] = await Promise.all([
        directory.list(scope, force).catch((error: unknown) => {
          if (error instanceof AppDirectoryError) throw RpcErrors.internal(`failed to list apps: ${error.message}`, error);
          throw error;
        }),
        appTools(auth, force, context),
      ]);
      const apps = withEnabledState(mergedApps(listed.apps, accessibleApps(accessible.tools), true), services.config.table);
      // Clients hear of the list when it was loaded afresh, as the reference tells them once both halves arrive.
      if (listed.fetched || accessible.fetched) services.broadcaster.broadcast(ServerNotifications.appListUpdated, { data: apps });
      try {
        return appPage(apps, start, params.limit);
      } catch (error) {
        if (error instanceof AppListRequestError) throw RpcErrors.badRequest(error.message);
        throw error;
      }
    }),
    bindHandler(ClientRequests.appInstalled, async (params, context) => {
      checkThread(params.threadId);
      const auth = await services.auth.current();
      if (!isChatgptAuth(auth)) return { apps: [] };
      // The runtime's tools are read each time: the listing is what the apps MCP server offers now. Asked to refresh,
      // a server that cannot be listed is an error [observed]; otherwise it lists nothing.
      if (params.forceRefresh === true) {
        const scope = { chatgptBaseUrl: chatgptBaseUrl(), login: auth, fetch: services.fetch, clientVersion: COMPATIBLE_CODEX_VERSION };
        let tools;
        try {
          ({ tools } = await mcpTools.list(scope, true));
        } catch (error) {
          throw RpcErrors.internal(
            "failed to refresh installed connector runtime state: failed to refresh tools for MCP server 'codex_apps'",
            error,
          );
        }
        return { apps: installedApps(tools, services.config.table) };
      }
      const { tools } = await appTools(auth, true, context);
      return { apps: installedApps(tools, services.config.table) };
    }),
    bindHandler(ClientRequests.appRead, async (params, context) => {
      if (params.appIds.length > MAX_APP_READ_IDS) {
        throw new RpcError(ErrorCode.InvalidParams, `app/read accepts at most ${MAX_APP_READ_IDS} appIds`);
      }
      checkThread(params.threadId);
      const appIds = [...new Set(params.appIds)];
      const auth = await services.auth.current();
      if (!isChatgptAuth(auth) || appIds.length === 0) return { apps: [], missingAppIds: appIds };
      const scope = {
        backend: chatgptBackendFor(services, auth, context),
        originator: threadCaller(context).originator,
        accountId: auth.accountId,
        userId: auth.userId,
      };
      try {
        return await appMetadata.read(scope, appIds, params.includeTools ?? false);
      } catch (error) {
        if (error instanceof AppMetadataError) throw RpcErrors.internal(`failed to read app metadata: ${error.message}`, error);
        throw error;
      }
    }),
  ];
}
