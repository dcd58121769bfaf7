import type { LoadedThread } from '../threads/loaded-thread.js';
import { injectItems } from '../threads/inject-items.js';
import type { ThreadManager } from '../threads/thread-manager.js';
import { startTurn } from '../turns/turn-runner.js';
import { withRoleLayer } from './role-settings.js';
import type { SubAgentHost } from './sub-agents.js';

/** Identity for a sub-agent's model requests when its parent never ran a turn here (it always has, in practice). */
const FALLBACK_CALLER = { originator: 'codex_app_server', userAgent: 'codex_app_server' };

/**
 * Sub-agents as threads of `manager`. A child starts with its parent's settings (the spawn's model and effort
 * overrides applied, then its role's settings), is heard by its parent's subscribers (the reference routes a child's notifications to the
 * connections of its parent; observed), and its turns carry the identity of the client that ran its parent's turn.
 */
export function subAgentHost(manager: ThreadManager): SubAgentHost {
  const subscribeLikeParent = (child: LoadedThread) => {
    const parent = child.subAgent === null ? undefined : manager.get(child.subAgent.parentThreadId);
    for (const channel of parent?.subscriberChannels() ?? []) manager.subscribe(child, channel);
  };
  return {
    get codexHome() {
      return manager.codexHome;
    },
    createChild(parent, link, overrides, forkedHistory) {
      const caller = manager.lastCaller(parent.id) ?? FALLBACK_CALLER;
      const requested = {
        ...parent.settings,
        ...(overrides.model === undefined ? {} : { model: overrides.model }),
        ...(overrides.reasoningEffort === undefined ? {} : { reasoningEffort: overrides.reasoningEffort }),
      } as typeof parent.settings;
      // The role's settings go on top of the requested ones (role-settings.ts).
      const settings = overrides.role === undefined ? requested : withRoleLayer(requested, overrides.role.layer);
      const forkedFrom = forkedHistory === null ? undefined : { threadId: parent.id, history: forkedHistory };
      const child = manager.createThread({ settings, subAgent: link, forkedFrom }, { ...caller, channel: null });
      subscribeLikeParent(child);
      // Observed: the new child is announced `idle` (no thread/started) before the spawn call completes.
      child.setStatus({ type: 'idle' });
      return child;
    },
    startTurn(child, input, { rootTurnId, parentTurnId }, finished) {
      const parentId = child.subAgent?.parentThreadId;
      const caller = manager.lastCaller(child.id) ?? (parentId === undefined ? undefined : manager.lastCaller(parentId));
      const deps = manager.turnDependencies(child, caller ?? FALLBACK_CALLER);
      const turn = startTurn(
        child,
        { input, clientUserMessageId: null, rootTurnId, ...(parentTurnId === rootTurnId ? {} : { parentTurnId }) },
        {
          ...deps,
          onTurnFinished: (ended) => {
            deps.onTurnFinished(ended);
            finished(ended);
          },
        },
        // After the tool call that started it has answered, as the reference orders it.
        (task) => setImmediate(task),
      );
      return turn.id;
    },
    loaded: (id) => manager.get(id),
    async load(id) {
      const loadedBefore = manager.get(id) !== undefined;
      const child = await manager.load(id);
      if (child !== undefined && !loadedBefore) subscribeLikeParent(child);
      return child;
    },
    unload: (thread) => manager.unload(thread, { announceClosed: false }),
    addToConversation(thread, item) {
      const deps = manager.turnDependencies(thread, manager.lastCaller(thread.id) ?? FALLBACK_CALLER);
      injectItems(thread, [item], deps).catch((error: unknown) => {
        deps.log.error({ err: error, threadId: thread.id }, 'cannot record the sub-agent notification');
      });
    },
  };
}
