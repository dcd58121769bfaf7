import { RpcErrors } from '../protocol/errors.js';
import { ClientRequests } from '../protocol/registry.js';
import { bindHandler } from './context.js';
import type { RequestHandler } from './context.js';
import type { ServerServices } from './services.js';
import { configurationError, loadedThread } from './thread-lookup.js';

/**
 * `thread/settings/update` (`/model`, `/permissions`, …): changes the settings the thread's next turns run with,
 * without starting one. Answers `{}`; then, only when something changed, `thread/settings/updated` goes to the
 * thread's subscribers [observed: after the response]. During a turn the change waits for that turn to end, so
 * the running turn's later model requests keep its settings. The next turn persists the settings in its `turn_context`
 * and sends them to the model, as turn/start's overrides do. A relative `cwd` is taken from the thread's current
 * one [observed]; `serviceTier: null` clears the tier. Errors in the reference's words [observed]:
 * `thread not found: <id>`, `` `permissions` cannot be combined with `sandboxPolicy` `` and
 * ``failed to load configuration: default_permissions refers to undefined profile `<id>` ``.
 */
export function threadSettingsUpdateHandler(services: ServerServices): RequestHandler {
  return bindHandler(ClientRequests.threadSettingsUpdate, (params, context) => {
    const thread = loadedThread(services.threads, params.threadId, (id) => `thread not found: ${id}`);
    if (params.sandboxPolicy != null && params.permissions != null) {
      throw RpcErrors.badRequest('`permissions` cannot be combined with `sandboxPolicy`');
    }
    try {
      services.threads.control.updateSettings(thread, params, services.config.table, (task) => context.afterResponse(task));
    } catch (error) {
      configurationError(error);
    }
    return {};
  });
}
