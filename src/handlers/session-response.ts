import type { ThreadStartResponse } from '../protocol/v2/thread-methods.js';
import type { Turn } from '../protocol/v2/turn.js';
import type { LoadedThread } from '../runtime/threads/loaded-thread.js';
import { loadedThreadView } from '../runtime/threads/thread-view.js';

/**
 * The effective settings thread/start, thread/resume and thread/fork answer with; `instructionSources` are the
 * AGENTS.md files the thread's instructions come from.
 */
export function sessionResponse(
  thread: LoadedThread,
  turns: Turn[],
  instructionSources: readonly string[],
): ThreadStartResponse {
  const settings = thread.settings;
  return {
    thread: loadedThreadView(thread, turns),
    model: settings.model,
    modelProvider: settings.modelProvider,
    serviceTier: settings.serviceTier,
    disabledPluginIds: [],
    cwd: settings.cwd,
    runtimeWorkspaceRoots: [...settings.runtimeWorkspaceRoots],
    instructionSources: [...instructionSources],
    approvalPolicy: settings.approvalPolicy,
    approvalsReviewer: settings.approvalsReviewer,
    sandbox: settings.sandboxPolicy,
    activePermissionProfile: settings.activePermissionProfile,
    reasoningEffort: settings.reasoningEffort,
    multiAgentMode: 'explicitRequestOnly',
  };
}
