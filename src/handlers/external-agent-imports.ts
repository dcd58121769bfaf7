import { randomUUID } from 'node:crypto';
import { homedir } from 'node:os';
import { resolve } from 'node:path';
import { ClientRequests, ServerNotifications } from '../protocol/registry.js';
import type {
  ExternalAgentConfigImportParams,
  ExternalAgentConfigImportTypeResult,
} from '../protocol/v2/external-agent-config.js';
import { detectScope } from '../runtime/external-agent/claude-detect.js';
import { ImportFailure, importItem } from '../runtime/external-agent/claude-import.js';
import { homeScope, repoScope } from '../runtime/external-agent/claude-layout.js';
import { ImportHistoryStore } from '../runtime/external-agent/import-history.js';
import { directoriesUpToProjectRoot } from '../runtime/context/project-root.js';
import type { ClientChannel } from '../runtime/clients/client-channel.js';
import { ErrorCode, RpcError } from '../protocol/errors.js';
import { bindHandler } from './context.js';
import type { RequestHandler } from './context.js';
import type { ServerServices } from './services.js';

/** The order `…/import/completed` groups item types in, whatever order they were imported [observed on 0.169.0]. */
const COMPLETED_ORDER = ['CONFIG', 'SKILLS', 'AGENTS_MD', 'MCP_SERVER_CONFIG', 'SUBAGENTS', 'HOOKS', 'COMMANDS', 'PLUGINS', 'MEMORY', 'SESSIONS'];

/**
 * Claude Code's configuration found (`externalAgentConfig/detect`) and imported (`externalAgentConfig/import`),
 * and the history of imports (`…/import/recordHistory`, `…/readHistories`, see ImportHistoryStore). `connectors`
 * is empty: it lists connectors found in remote MCP configuration or sessions, which this server does not import.
 */
export function externalAgentImportHandlers(services: ServerServices): RequestHandler[] {
  const store = new ImportHistoryStore(services.codexHome);
  const home = services.env['HOME'] || homedir();
  const scopeOf = (cwd: string | null | undefined) => (cwd ? repoScope(cwd) : homeScope(home, services.codexHome));
  return [
    bindHandler(ClientRequests.externalAgentDetect, async (params) => {
      // A cwd inside a git repository stands for the repository's root, and each root is looked at once [observed].
      const roots = new Set<string>();
      for (const cwd of params.cwds ?? []) roots.add((await directoriesUpToProjectRoot(resolve(cwd), ['.git'])).at(-1) ?? cwd);
      const scopes = [...(params.includeHome === true ? [scopeOf(null)] : []), ...[...roots].map(scopeOf)];
      const items = (await Promise.all(scopes.map(detectScope))).flat();
      return { items, connectors: [] };
    }),
    bindHandler(ClientRequests.externalAgentImport, (params, context) => {
      if (params.migrationItems.some((item) => item.itemType === 'MEMORY')) {
        return Promise.reject(new RpcError(ErrorCode.InvalidRequest, 'external agent memory import is disabled'));
      }
      const importId = randomUUID();
      // The answer goes out first; progress and completion follow it, as the reference sends them.
      setImmediate(() => {
        runImport(importId, params, context.channel).catch((error: unknown) => {
          console.error(`external agent import ${importId} failed: ${error instanceof Error ? error.message : String(error)}`);
        });
      });
      return Promise.resolve({ importId });
    }),
    bindHandler(ClientRequests.externalAgentImportRecordHistory, async (params) => ({
      importId: await store.record(params),
    })),
    bindHandler(ClientRequests.externalAgentImportReadHistories, async () => ({
      data: await store.read(),
      connectors: [],
    })),
  ];

  /** Imports the items one at a time (a progress notification each), then reports and records them by type. */
  async function runImport(importId: string, params: ExternalAgentConfigImportParams, channel: ClientChannel) {
    const results: ExternalAgentConfigImportTypeResult[] = [];
    // Sessions are not imported by this request: the reference skips them without a progress notification.
    for (const item of params.migrationItems.filter((entry) => entry.itemType !== 'SESSIONS')) {
      const scope = scopeOf(item.cwd);
      const result = await importItem(item, scope, services.config).catch(
        (error: unknown): ExternalAgentConfigImportTypeResult => ({
          itemType: item.itemType,
          successes: [],
          failures: [
            {
              itemType: item.itemType,
              errorType: null,
              subErrorType: null,
              failureStage: error instanceof ImportFailure ? error.stage : 'import',
              message: error instanceof Error ? error.message : String(error),
              cwd: scope.cwd,
              source: null,
            },
          ],
        }),
      );
      results.push(result);
      channel.notify(ServerNotifications.externalAgentImportProgress, { importId, itemTypeResults: [result] });
    }
    const grouped = COMPLETED_ORDER.flatMap((itemType) => {
      const ofType = results.filter((result) => result.itemType === itemType);
      if (ofType.length === 0) return [];
      return [
        {
          itemType: ofType[0]!.itemType,
          successes: ofType.flatMap((result) => result.successes),
          failures: ofType.flatMap((result) => result.failures),
        },
      ];
    });
    await store.recordAs(importId, params.providerId ?? null, { itemTypeResults: grouped });
    channel.notify(ServerNotifications.externalAgentImportCompleted, { importId, itemTypeResults: grouped });
  }
}
