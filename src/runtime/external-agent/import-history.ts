import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import * as z from 'zod';
import { JsonListFile } from '../../persistence/json-list-file.js';
import {
  ExternalAgentConfigImportHistorySchema,
  type ExternalAgentConfigImportHistory,
  type ExternalAgentConfigImportHistoryRecordParams,
} from '../../protocol/v2/external-agent-imports.js';

const HISTORY_FILE = 'external_agent_config_imports.json';

/**
 * The imports from other agents' configuration that clients completed themselves and recorded, kept in
 * `$CODEX_HOME/external_agent_config_imports.json` so they survive a restart (the reference keeps them in its
 * sqlite state). As the reference 0.169.0 [observed]: each record gets a random UUID and the time it was recorded;
 * its successes and failures are flattened across the item-type groups, in order, every optional field written
 * as null; histories read newest first. Records are appended one at a time.
 */
export class ImportHistoryStore {
  readonly #file: JsonListFile<ExternalAgentConfigImportHistory>;

  constructor(codexHome: string) {
    this.#file = new JsonListFile(join(codexHome, HISTORY_FILE), z.array(ExternalAgentConfigImportHistorySchema));
  }

  record(params: ExternalAgentConfigImportHistoryRecordParams): Promise<string> {
    return this.recordAs(randomUUID(), params.providerId, params);
  }

  /** Records an import this server ran itself, under the id its answer gave. */
  recordAs(
    importId: string,
    providerId: string | null,
    params: Pick<ExternalAgentConfigImportHistoryRecordParams, 'itemTypeResults'>,
  ): Promise<string> {
    const history: ExternalAgentConfigImportHistory = {
      importId,
      providerId,
      completedAtMs: Date.now(),
      successes: params.itemTypeResults.flatMap((group) =>
        group.successes.map((success) => ({
          itemType: success.itemType,
          cwd: success.cwd ?? null,
          source: success.source ?? null,
          target: success.target ?? null,
          title: success.title,
        })),
      ),
      failures: params.itemTypeResults.flatMap((group) =>
        group.failures.map((failure) => ({
          itemType: failure.itemType,
          errorType: failure.errorType ?? null,
          subErrorType: failure.subErrorType ?? null,
          failureStage: failure.failureStage,
          message: failure.message,
          cwd: failure.cwd ?? null,
          source: failure.source ?? null,
        })),
      ),
    };
    // The file holds records in the order they were made.
    return this.#file.update((histories) => ({ records: [...histories, history], result: history.importId }));
  }

  /** Every recorded import, newest first; records of the same millisecond by import id, as the reference orders them. */
  async read(): Promise<ExternalAgentConfigImportHistory[]> {
    return (await this.#file.read()).sort(
      (a, b) => b.completedAtMs - a.completedAtMs || (a.importId < b.importId ? -1 : a.importId > b.importId ? 1 : 0),
    );
  }
}
