import { RpcErrors } from '../protocol/errors.js';
import { ClientRequests, ServerNotifications } from '../protocol/registry.js';
import { threadSettingsView } from '../runtime/threads/thread-view.js';
import { startTurn, startedTurnView } from '../runtime/turns/turn-runner.js';
import { threadCaller } from './caller.js';
import { bindHandler } from './context.js';
import type { RequestHandler } from './context.js';
import type { ServerServices } from './services.js';
import { configurationError, loadedThread } from './thread-lookup.js';

/**
 * `turn/start`: runs the agent on the user's input. Answers at once with the turn (`inProgress`, no items);
 * the turn's notifications follow the response. Overrides (cwd, policies, model, effort, summary) persist
 * for later turns. A thread that is not loaded is `thread not found: <id>` [observed]. On a thread whose turn is
 * running, the input joins that turn as turn/steer's does.
 */
export function turnStartHandler(services: ServerServices): RequestHandler {
  return bindHandler(ClientRequests.turnStart, (params, context) => {
    const thread = loadedThread(services.threads, params.threadId, (id) => `thread not found: ${id}`);
    if (params.sandboxPolicy != null && params.permissions != null) {
      throw RpcErrors.badRequest('`permissions` cannot be combined with `sandboxPolicy`');
    }
    const active = thread.activeTurn;
    if (active?.notSteerable !== undefined) throw RpcErrors.notSteerableSubmission(active.notSteerable);
    if (active !== null) {
      // The reference joins the input to the running turn, as turn/steer would, and answers with that turn
      // (probed: five turn/start at once gave five answers with one turn id, and one turn holding all five inputs).
      services.threads.subscribe(thread, context.channel);
      active.pendingSteers.push({ input: params.input, clientUserMessageId: params.clientUserMessageId ?? null });
      return { turn: startedTurnView(active.turnId) };
    }
    const settings = thread.settings;
    const before = JSON.stringify(threadSettingsView(thread));
    thread.settings = {
      ...settings,
      ...(params.cwd != null ? { cwd: params.cwd } : {}),
      ...(params.approvalPolicy != null ? { approvalPolicy: params.approvalPolicy } : {}),
      ...(params.approvalsReviewer != null ? { approvalsReviewer: params.approvalsReviewer } : {}),
      ...(params.sandboxPolicy != null ? { sandboxPolicy: params.sandboxPolicy, activePermissionProfile: null } : {}),
      ...(params.model != null ? { model: params.model } : {}),
      ...(params.serviceTier != null ? { serviceTier: params.serviceTier } : {}),
      ...(params.effort != null ? { reasoningEffort: params.effort } : {}),
      ...(params.summary != null ? { reasoningSummary: params.summary } : {}),
      ...(params.personality != null ? { personality: params.personality } : {}),
      ...(params.runtimeWorkspaceRoots != null ? { runtimeWorkspaceRoots: params.runtimeWorkspaceRoots } : {}),
    };
    const caller = threadCaller(context);
    let deps;
    try {
      deps = services.threads.turnDependencies(thread, caller);
    } catch (error) {
      thread.settings = settings;
      configurationError(error);
    }
    // Whoever starts a turn hears it, even after unsubscribing earlier.
    services.threads.subscribe(thread, context.channel);
    // Before the response, and only when an override changed something [observed].
    const after = threadSettingsView(thread);
    if (JSON.stringify(after) !== before) {
      thread.emit(ServerNotifications.threadSettingsUpdated, { threadId: thread.id, threadSettings: after });
    }
    const turn = startTurn(
      thread,
      { input: params.input, clientUserMessageId: params.clientUserMessageId ?? null },
      deps,
      (task) => context.afterResponse(task),
    );
    return { turn };
  });
}
