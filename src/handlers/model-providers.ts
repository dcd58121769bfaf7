import { ClientRequests } from '../protocol/registry.js';
import { listModelProviders, readProviderCapabilities } from '../runtime/models/provider-summaries.js';
import { bindHandler } from './context.js';
import type { RequestHandler } from './context.js';
import type { ServerServices } from './services.js';

/**
 * `modelProvider/list` and `modelProvider/capabilities/read`, from the configuration as last written (a
 * `config/value/write` shows in the next answer).
 */
export function modelProviderHandlers(services: ServerServices): RequestHandler[] {
  return [
    bindHandler(ClientRequests.modelProviderList, () => listModelProviders(services.config.config)),
    bindHandler(ClientRequests.modelProviderCapabilitiesRead, () => readProviderCapabilities(services.config.config)),
  ];
}
