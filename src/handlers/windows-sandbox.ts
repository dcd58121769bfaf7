import { ClientRequests, ServerNotifications } from '../protocol/registry.js';
import type { WindowsSandboxSetupMode } from '../protocol/v2/windows-sandbox.js';
import { bindHandler } from './context.js';
import type { RequestHandler } from './context.js';

/** What the reference 0.169.0 reports for each setup mode off Windows [observed on Linux]. */
const NOT_WINDOWS: Readonly<Record<WindowsSandboxSetupMode, string>> = {
  elevated: 'elevated Windows sandbox setup is only supported on Windows',
  unelevated: 'legacy Windows sandbox setup is only supported on Windows',
};

/**
 * `windowsSandbox/readiness` and `windowsSandbox/setupStart` as the reference answers them on a platform without
 * the Windows sandbox (this server sandboxes with bubblewrap and runs on Linux and macOS): never configured; a
 * setup "starts" and then fails, told to the calling connection only by `windowsSandbox/setupCompleted` after the
 * answer.
 */
export function windowsSandboxHandlers(): RequestHandler[] {
  return [
    bindHandler(ClientRequests.windowsSandboxReadiness, () => ({ status: 'notConfigured' as const })),
    bindHandler(ClientRequests.windowsSandboxSetupStart, (params, context) => {
      context.afterResponse(() =>
        context.channel.notify(ServerNotifications.windowsSandboxSetupCompleted, {
          mode: params.mode,
          success: false,
          error: NOT_WINDOWS[params.mode],
        }),
      );
      return { started: true };
    }),
  ];
}
