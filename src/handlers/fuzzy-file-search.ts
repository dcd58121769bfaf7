import { ErrorCode, RpcError, RpcErrors } from '../protocol/errors.js';
import { ClientRequests, ServerNotifications } from '../protocol/registry.js';
import type { ClientChannel } from '../runtime/clients/client-channel.js';
import { FileSearchSession, searchFiles } from '../runtime/file-search/fuzzy-file-search.js';
import { DeferredResult, bindHandler } from './context.js';
import type { RequestHandler } from './context.js';

/**
 * `fuzzyFileSearch` and `fuzzyFileSearch/session{Start,Update,Stop}`: the `@` file picker over the given roots
 * (see walkProject for what is walked, matchFiles for the ranking). A one-shot search answers without holding the
 * connection, so a newer search with the same `cancellationToken` can cancel it (the cancelled one answers no
 * files). Sessions belong to their connection and end with it. Errors in the reference's words [observed]:
 * `sessionId must not be empty` and `fuzzy file search session not found: <id>` (-32600) and, for a session
 * without roots, -32603
 * `failed to start fuzzy file search session: at least one search directory is required`.
 */
export function fuzzyFileSearchHandlers(): RequestHandler[] {
  const pending = new Map<string, AbortController>();
  const sessionsByConnection = new Map<ClientChannel, Map<string, FileSearchSession>>();
  const sessionsOf = (channel: ClientChannel): Map<string, FileSearchSession> => {
    let sessions = sessionsByConnection.get(channel);
    if (sessions === undefined) {
      const created = new Map<string, FileSearchSession>();
      sessionsByConnection.set(channel, created);
      channel.onClose(() => {
        for (const session of created.values()) session.stop();
        sessionsByConnection.delete(channel);
      });
      sessions = created;
    }
    return sessions;
  };

  return [
    bindHandler(ClientRequests.fuzzyFileSearch, (params) => {
      const abort = new AbortController();
      const token = params.cancellationToken ?? null;
      if (token !== null) {
        pending.get(token)?.abort();
        pending.set(token, abort);
      }
      const settled = searchFiles(params.roots, params.query, abort.signal).finally(() => {
        if (token !== null && pending.get(token) === abort) pending.delete(token);
      });
      return new DeferredResult(settled.then((files) => ({ files })));
    }),
    bindHandler(ClientRequests.fuzzyFileSearchSessionStart, (params, context) => {
      if (params.sessionId === '') throw RpcErrors.badRequest('sessionId must not be empty');
      if (params.roots.length === 0) {
        throw new RpcError(
          ErrorCode.InternalError,
          'failed to start fuzzy file search session: at least one search directory is required',
        );
      }
      const sessions = sessionsOf(context.channel);
      sessions.get(params.sessionId)?.stop();
      sessions.set(params.sessionId, new FileSearchSession(params.roots));
      return {};
    }),
    bindHandler(ClientRequests.fuzzyFileSearchSessionUpdate, (params, context) => {
      const session = sessionsOf(context.channel).get(params.sessionId);
      if (session === undefined) throw RpcErrors.badRequest(`fuzzy file search session not found: ${params.sessionId}`);
      const { sessionId, query } = params;
      context.afterResponse(() => {
        void session.match(query).then((files) => {
          if (files === null) return;
          context.channel.notify(ServerNotifications.fuzzyFileSearchSessionUpdated, { sessionId, query, files });
          context.channel.notify(ServerNotifications.fuzzyFileSearchSessionCompleted, { sessionId });
        });
      });
      return {};
    }),
    bindHandler(ClientRequests.fuzzyFileSearchSessionStop, (params, context) => {
      const sessions = sessionsOf(context.channel);
      sessions.get(params.sessionId)?.stop();
      sessions.delete(params.sessionId);
      return {};
    }),
  ];
}
