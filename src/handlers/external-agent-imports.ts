import { ClientRequests } from '../protocol/registry.js';
import { ImportHistoryStore } from '../runtime/external-agent/import-history.js';
import { bindHandler } from './context.js';
import type { RequestHandler } from './context.js';
import type { ServerServices } from './services.js';

/**
 * `externalAgentConfig/import/recordHistory` and `…/readHistories` (see ImportHistoryStore). `connectors` is
 * empty: it lists connectors found by this server's own imports, and it runs none yet.
 */
export function externalAgentImportHandlers(services: ServerServices): RequestHandler[] {
  const store = new ImportHistoryStore(services.codexHome);
  return [
    bindHandler(ClientRequests.externalAgentImportRecordHistory, async (params) => ({
      importId: await store.record(params),
    })),
    bindHandler(ClientRequests.externalAgentImportReadHistories, async () => ({
      data: await store.read(),
      connectors: [],
    })),
  ];
}
