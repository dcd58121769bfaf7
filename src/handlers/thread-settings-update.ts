import { resolve } from 'node:path';
import { RpcErrors } from '../protocol/errors.js';
import { ClientRequests, ServerNotifications } from '../protocol/registry.js';
import type { ThreadSettingsUpdateParams } from '../protocol/v2/thread-settings-update.js';
import { PermissionProfileError, selectPermissionProfile } from '../runtime/threads/permission-profiles.js';
import type { ThreadSettings } from '../runtime/threads/thread-settings.js';
import { threadSettingsView } from '../runtime/threads/thread-view.js';
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
    const table = services.config.table;
    const next = updatedSettings(thread.settings, params, table);
    try {
      services.threads.modelClientFor(next);
    } catch (error) {
      configurationError(error);
    }
    const apply = () => {
      const before = JSON.stringify(threadSettingsView(thread));
      thread.settings = updatedSettings(thread.settings, params, table);
      const after = threadSettingsView(thread);
      if (JSON.stringify(after) === before) return;
      thread.emit(ServerNotifications.threadSettingsUpdated, { threadId: thread.id, threadSettings: after });
    };
    // A running turn keeps the settings it started with; the update waits for it to end (turns started later
    // see it). Updates queue in the order they came, on the turn's end.
    const running = thread.activeTurn;
    const turnEnded = running === null ? null : running.done;
    context.afterResponse(() => {
      if (turnEnded === null) return apply();
      void turnEnded.then(apply).catch((error: unknown) => {
        context.log.warn({ err: error, threadId: thread.id }, 'a queued thread/settings/update could not be applied');
      });
    });
    return {};
  });
}

/** `settings` with the update's non-null fields applied (and `serviceTier: null` clearing the tier). */
function updatedSettings(
  settings: ThreadSettings,
  params: ThreadSettingsUpdateParams,
  configTable: Readonly<Record<string, unknown>>,
): ThreadSettings {
  let next: ThreadSettings = { ...settings };
  const environment = params.environments?.[0];
  if (environment !== undefined) {
    const cwd = resolve(settings.cwd, environment.cwd);
    next = { ...next, cwd, runtimeWorkspaceRoots: environment.runtimeWorkspaceRoots ?? [cwd] };
  } else if (params.cwd != null) {
    const cwd = resolve(settings.cwd, params.cwd);
    next = { ...next, cwd, runtimeWorkspaceRoots: [cwd] };
  }
  if (params.permissions != null) {
    try {
      next = { ...next, ...selectPermissionProfile(params.permissions, configTable, settings.config) };
    } catch (error) {
      if (error instanceof PermissionProfileError) {
        throw RpcErrors.badRequest(`failed to load configuration: ${error.message}`);
      }
      throw error;
    }
  }
  if (params.sandboxPolicy != null) {
    next = { ...next, sandboxPolicy: params.sandboxPolicy, activePermissionProfile: null };
  }
  const mode = params.collaborationMode?.settings;
  return {
    ...next,
    ...(params.approvalPolicy != null ? { approvalPolicy: params.approvalPolicy } : {}),
    ...(params.approvalsReviewer != null ? { approvalsReviewer: params.approvalsReviewer } : {}),
    ...(params.model != null ? { model: params.model } : {}),
    ...(mode !== undefined ? { model: mode.model } : {}),
    ...(params.serviceTier !== undefined ? { serviceTier: params.serviceTier } : {}),
    ...(params.effort != null ? { reasoningEffort: params.effort } : {}),
    ...(mode?.reasoning_effort != null ? { reasoningEffort: mode.reasoning_effort } : {}),
    ...(params.summary != null ? { reasoningSummary: params.summary } : {}),
    ...(params.personality != null ? { personality: params.personality } : {}),
  };
}
