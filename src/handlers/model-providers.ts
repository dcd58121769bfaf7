import { ClientRequests } from '../protocol/registry.js';
import { writeProviderConfig } from '../runtime/models/provider-config-write.js';
import { listModelProviders, readProviderCapabilities } from '../runtime/models/provider-summaries.js';
import { rethrowAsRpc } from './config-write.js';
import { bindHandler } from './context.js';
import type { RequestHandler } from './context.js';
import type { ServerServices } from './services.js';

/**
 * `modelProvider/list`, `modelProvider/config/write` (see writeProviderConfig) and
 * `modelProvider/capabilities/read`, from the configuration as last written (a
 * `config/value/write` shows in the next answer).
 */
export function modelProviderHandlers(services: ServerServices): RequestHandler[] {
  return [
    bindHandler(ClientRequests.modelProviderList, () => listModelProviders(services.config.config)),
    bindHandler(ClientRequests.modelProviderConfigWrite, async (params) => ({
      provider: await writeProviderConfig(services.config, params.settings).catch(rethrowAsRpc),
    })),
    bindHandler(ClientRequests.modelProviderCapabilitiesRead, () => readProviderCapabilities(services.config.config)),
  ];
}
