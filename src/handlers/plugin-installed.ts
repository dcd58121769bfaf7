import { ClientRequests } from '../protocol/registry.js';
import { bindHandler } from './context.js';
import type { RequestHandler } from './context.js';

/**
 * `plugin/installed`: this server has no plugin system and loads no marketplaces, so there is nothing installed
 * and nothing that failed to load — the reference's answer for a home without plugins [observed:
 * `{"marketplaces":[],"marketplaceLoadErrors":[]}`].
 */
export function pluginInstalledHandler(): RequestHandler {
  return bindHandler(ClientRequests.pluginInstalled, () => ({ marketplaces: [], marketplaceLoadErrors: [] }));
}
