import { effectiveConfig } from '../config/effective-config.js';
import { configLayers, configOrigins } from '../config/layers.js';
import { ClientRequests } from '../protocol/registry.js';
import { bindHandler } from './context.js';
import type { RequestHandler } from './context.js';
import type { ServerServices } from './services.js';

/**
 * `config/read`: the effective configuration in config.toml's snake_case keys, which layer set each value
 * (`origins`), and with `includeLayers` the layers themselves, highest precedence first. Without
 * `includeLayers` the reference leaves `layers` out entirely [observed]. `cwd` would select project layers; this
 * server reads none, so every cwd sees the same configuration.
 */
export function configReadHandler(services: ServerServices): RequestHandler {
  return bindHandler(ClientRequests.configRead, (params) => {
    const loaded = services.config;
    const layers = configLayers(loaded);
    const response = { config: effectiveConfig(loaded.table), origins: configOrigins(layers) };
    return params.includeLayers === true ? { ...response, layers } : response;
  });
}

/**
 * `configRequirements/read`: administrator requirements (requirements.toml, MDM). This server enforces none, so
 * `requirements` is null, as the reference answers without any; with no speed requirements at all, Fast and
 * Ultra Fast are trivially independent, which is what the reference reports too.
 */
export function configRequirementsReadHandler(): RequestHandler {
  return bindHandler(ClientRequests.configRequirementsRead, () => ({
    supportsIndependentSpeedModes: true,
    requirements: null,
  }));
}
