import { ClientRequests } from '../protocol/registry.js';
import { listPermissionProfiles } from '../runtime/permission-profiles.js';
import { bindHandler } from './context.js';
import type { RequestHandler } from './context.js';
import { indexPage } from './index-page.js';
import type { ServerServices } from './services.js';

/**
 * `permissionProfile/list` (the `/permissions` menu): the built-in profiles `:read-only`, `:workspace` and
 * `:danger-full-access`, then config.toml's `[permissions.<id>]` profiles by name, all allowed (this server
 * enforces no requirements). `cwd` would select project layers, which this server does not read.
 */
export function permissionProfileListHandler(services: ServerServices): RequestHandler {
  return bindHandler(ClientRequests.permissionProfileList, (params) => {
    const profiles = listPermissionProfiles(services.config.table).map((profile) => ({ ...profile, allowed: true }));
    return indexPage(profiles, params, 'permission profiles');
  });
}
