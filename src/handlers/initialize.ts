import { ClientRequests, ServerNotifications } from '../protocol/registry.js';
import { platformFacts, userAgentFor } from '../util/platform.js';
import { COMPATIBLE_CODEX_VERSION } from '../util/version.js';
import { bindHandler } from './context.js';
import type { RequestHandler } from './context.js';
import type { ServerServices } from './services.js';

/**
 * `initialize`: answers who we are, then (after the response, in this order, as the reference does) reports
 * startup config problems and the remote-control snapshot. The rpc layer enforces "once per connection".
 */
export function initializeHandler(services: ServerServices): RequestHandler {
  return bindHandler(ClientRequests.initialize, (params, context) => {
    const platform = platformFacts();
    context.afterResponse(() => {
      for (const warning of services.configWarnings) {
        context.channel.notify(ServerNotifications.configWarning, warning);
      }
      context.channel.notify(ServerNotifications.remoteControlStatusChanged, {
        status: 'disabled',
        serverName: platform.hostname,
        installationId: services.installationId,
        environmentId: null,
      });
    });
    return {
      userAgent: userAgentFor(params.clientInfo, COMPATIBLE_CODEX_VERSION),
      codexHome: services.codexHome,
      platformFamily: platform.platformFamily,
      platformOs: platform.platformOs,
    };
  });
}
