import { lazySchema } from '../../util/lazy-schema.js';
import * as z from 'zod';
import type { ConnectorMetadata } from '../../protocol/v2/apps.js';
import { type AppBackendScope, appBackendJson } from './app-backend-json.js';
import { appInstallUrl } from './app-names.js';

/*
 * App (connector) metadata from ChatGPT's plugin service, `POST <chatgpt_base_url>/ps/apps/batch`, as the reference
 * 0.169.0 reads it for `app/read`: ids it already holds fresh are not asked for again.
 */

/** How long one batch request may take. */
const BATCH_TIMEOUT_MS = 60_000;
/** How long fetched metadata is served without asking again. */
const FRESH_FOR_MS = 15 * 60_000;

/** A failed metadata read, worded as the reference words it (after `failed to read app metadata: `). */
export class AppMetadataError extends Error {}

const BatchAppSchema = lazySchema(() => z.looseObject({
  id: z.string(),
  name: z.string(),
  description: z.string().nullish(),
  icon_url: z.string().nullish(),
  icon_dark_url: z.string().nullish(),
  icon_url_dark: z.string().nullish(),
  distribution_channel: z.string().nullish(),
  tools: z
    .array(
      z.looseObject({
        name: z.string(),
        title: z.string().nullish(),
        description: z.string(),
        is_enabled: z.boolean().nullish(),
        disabled_reason: z.string().nullish(),
        is_read_only: z.boolean().nullish(),
      }),
    )
    .nullish(),
}));
const BatchAnswerSchema = lazySchema(() => z.looseObject({ apps: z.array(BatchAppSchema) }));

interface Held {
  readonly metadata: ConnectorMetadata;
  readonly fetchedAt: number;
}

/** The caller whose view of the apps a read is for (the backend answers per account and user). */
export interface AppMetadataScope extends AppBackendScope {
  readonly accountId: string | null;
  readonly userId: string | null;
}

/** Reads app metadata, keeping what it fetched per base URL, account and user for a while. */
export class AppMetadataReader {
  readonly #held = new Map<string, Map<string, Held>>();
  readonly #now: () => number;

  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  /**
   * The metadata of `appIds` (distinct, in order) that the backend knows, and the ids it does not; tool summaries
   * only with `includeTools`.
   */
  async read(
    scope: AppMetadataScope,
    appIds: readonly string[],
    includeTools: boolean,
  ): Promise<{ apps: ConnectorMetadata[]; missingAppIds: string[] }> {
    const key = JSON.stringify([scope.backend.baseUrl, scope.accountId, scope.userId]);
    const held = this.#held.get(key) ?? new Map<string, Held>();
    this.#held.set(key, held);
    const usable = (id: string): ConnectorMetadata | null => {
      const entry = held.get(id);
      if (entry === undefined || this.#now() - entry.fetchedAt > FRESH_FOR_MS) return null;
      return includeTools && entry.metadata.toolSummaries === null ? null : entry.metadata;
    };
    const found = new Map<string, ConnectorMetadata>();
    for (const id of appIds) {
      const metadata = usable(id);
      if (metadata !== null) found.set(id, metadata);
    }
    const toFetch = appIds.filter((id) => !found.has(id));
    if (toFetch.length > 0) {
      // Only what was asked for is kept: the backend may answer with more.
      const requested = new Set(toFetch);
      const fetchedAt = this.#now();
      for (const metadata of await fetchBatch(scope, toFetch, includeTools)) {
        if (!requested.delete(metadata.id)) continue;
        held.set(metadata.id, { metadata, fetchedAt });
        found.set(metadata.id, metadata);
      }
    }
    const apps: ConnectorMetadata[] = [];
    const missingAppIds: string[] = [];
    for (const id of appIds) {
      const metadata = found.get(id);
      if (metadata === undefined) missingAppIds.push(id);
      else apps.push(includeTools ? metadata : { ...metadata, toolSummaries: null });
    }
    return { apps, missingAppIds };
  }
}

async function fetchBatch(scope: AppMetadataScope, appIds: readonly string[], includeTools: boolean): Promise<ConnectorMetadata[]> {
  const request = { method: 'POST', path: 'ps/apps/batch', body: { app_ids: appIds, include_tools: includeTools }, timeoutMs: BATCH_TIMEOUT_MS } as const;
  const answer = await appBackendJson(scope, request, BatchAnswerSchema, AppMetadataError);
  return answer.apps.map(
    (app): ConnectorMetadata => ({
      id: app.id,
      name: app.name,
      description: app.description ?? null,
      iconUrl: app.icon_url ?? null,
      iconUrlDark: app.icon_dark_url ?? app.icon_url_dark ?? null,
      distributionChannel: app.distribution_channel ?? null,
      installUrl: appInstallUrl(app.name, app.id),
      pluginDisplayNames: [],
      toolSummaries:
        app.tools?.map((tool) => ({
          name: tool.name,
          title: tool.title ?? null,
          description: tool.description,
          isEnabled: tool.is_enabled ?? true,
          disabledReason: tool.disabled_reason ?? null,
          isReadOnly: tool.is_read_only ?? false,
        })) ?? null,
    }),
  );
}
