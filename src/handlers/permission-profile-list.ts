import { ClientRequests } from '../protocol/registry.js';
import { listPermissionProfiles } from '../runtime/threads/permission-profiles.js';
import { bindHandler } from './context.js';
import type { RequestHandler } from './context.js';
import { indexPage } from './index-page.js';
import type { ServerServices } from './services.js';

/**
 * `permissionProfile/list` (the `/permissions` menu): the built-in profiles `:read-only`, `:workspace` and
 * `:danger-full-access`, then config.toml's `[permissions.<id>]` profiles by name; a profile whose `extends` cannot
 * be followed is listed as not allowed (this server enforces no other requirements). `cwd` would select project layers, which this server does not read.
 */
export function permissionProfileListHandler(services: ServerServices): RequestHandler {
  return bindHandler(ClientRequests.permissionProfileList, (params) => {
    return indexPage(listPermissionProfiles(services.config.table), params, 'permission profiles');
  });
}
