import { RpcErrors } from '../protocol/errors.js';
import { ClientRequests, ServerNotifications } from '../protocol/registry.js';
import { OauthLoginError, startOauthLogin } from '../runtime/mcp/oauth-login.js';
import { bindHandler } from './context.js';
import type { RequestHandler } from './context.js';
import type { ServerServices } from './services.js';
import { loadedThread } from './thread-lookup.js';

/**
 * `mcpServer/oauth/login`: answers with the URL to open, then tells every connection how the login ended
 * (`mcpServer/oauthLogin/completed`). Only streamable HTTP servers sign in; errors are the reference's.
 */
export function mcpOauthLoginHandler(services: ServerServices): RequestHandler {
  return bindHandler(ClientRequests.mcpServerOauthLogin, async (params, context) => {
    const thread =
      params.threadId == null ? undefined : loadedThread(services.threads, params.threadId, (id) => `thread not found: ${id}`);
    const config = thread?.settings.config ?? services.config.table;
    const server = services.threads.mcp.configuredServer(params.name, config);
    if (server === undefined) throw RpcErrors.badRequest(`No MCP server named '${params.name}' found.`);
    if (server.transport !== 'http') throw RpcErrors.badRequest('OAuth login is only supported for streamable HTTP servers.');
    try {
      const login = await startOauthLogin({
        server,
        codexHome: services.codexHome,
        scopes: params.scopes ?? null,
        timeoutSecs: params.timeoutSecs ?? null,
        log: context.log,
        onComplete: (loginId, outcome) =>
          services.broadcaster.broadcast(ServerNotifications.mcpServerOauthLoginCompleted, {
            name: server.name,
            success: outcome.success,
            error: outcome.error,
            loginId,
            threadId: thread?.id ?? null,
          }),
      });
      return { authorizationUrl: login.authorizationUrl, loginId: login.loginId };
    } catch (error) {
      if (error instanceof OauthLoginError) throw RpcErrors.internal(error.message);
      throw error;
    }
  });
}
