import { ClientRequests } from '../protocol/registry.js';
import { FeatureEnablement } from '../runtime/features/feature-enablement.js';
import { bindHandler } from './context.js';
import type { RequestHandler } from './context.js';
import { indexPage } from './index-page.js';
import type { ServerServices } from './services.js';
import { loadedThread } from './thread-lookup.js';

/**
 * `experimentalFeature/list` (the `/experimental` menu) and `experimentalFeature/enablement/set`. The list is the
 * reference's feature flags with whether each is on (runtime enablement, else config.toml `[features]` as last
 * written, else the default); the menu persists a choice with `config/batchWrite` on `features.<name>`. A
 * `threadId` must name a loaded thread (`thread not found: <id>` [observed]); its config is the server's.
 */
export function experimentalFeatureHandlers(services: ServerServices): RequestHandler[] {
  const enablement = new FeatureEnablement();
  return [
    bindHandler(ClientRequests.experimentalFeatureList, (params) => {
      if (params.threadId != null) loadedThread(services.threads, params.threadId, (id) => `thread not found: ${id}`);
      const features = services.config.table.features;
      const states = enablement.states(
        typeof features === 'object' && features !== null ? (features as Record<string, unknown>) : undefined,
      );
      const data = states.map(({ flag, enabled }) => ({
        name: flag.name,
        stage: flag.stage,
        displayName: flag.copy?.displayName ?? null,
        description: flag.copy?.description ?? null,
        announcement: flag.copy?.announcement ?? null,
        enabled,
        defaultEnabled: flag.defaultEnabled,
      }));
      return indexPage(data, params, 'feature flags');
    }),
    bindHandler(ClientRequests.experimentalFeatureEnablementSet, (params) => ({
      enablement: enablement.set(params.enablement),
    })),
  ];
}
