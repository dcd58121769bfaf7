import type { ResponseItem } from '../../model/events.js';
import type { RolloutItem } from '../../persistence/rollout-schema.js';
import type { Logger } from '../../util/logger.js';
import type { LoadedThread } from '../threads/loaded-thread.js';
import { modelFacts } from '../models/model-facts.js';
import { deferredNamespaces, deferredToolsText } from '../turn-tools/deferred-tools.js';
import { samplingControls } from '../models/sampling-controls.js';
import * as records from '../rollout/rollout-records.js';
import { historyInitializationOf } from '../agents/forked-history.js';
import { sessionIdOf } from '../agents/sub-agent-link.js';
import { installationId } from './installation-id.js';
import { withMessageId } from './item-ids.js';
import { changedCwdContext, openingContext, type ContextSources } from './opening-context.js';
import { contextWindowIdOf, turnIdentification, turnMetadata, workspaceState } from './turn-metadata.js';

/** The identification headers and `client_metadata` every request of a turn carries. */
export type TurnIdentification = ReturnType<typeof turnIdentification>;

/** The cwd each thread's context messages last described (a resumed thread's is taken to be its current one). */
const describedCwd = new WeakMap<LoadedThread, string>();

/**
 * Records the context messages into the thread's history and rollout: the opening developer and user messages on a
 * thread's first turn, and on a later turn whose cwd differs from the one last described, that cwd's AGENTS.md and
 * environment context.
 */
export async function recordTurnContext(
  thread: LoadedThread,
  deps: { readonly codexHome: string; readonly env: ContextSources['env']; readonly log: Logger },
  persist: (item: RolloutItem) => void,
): Promise<void> {
  const settings = thread.settings;
  const sources: ContextSources = {
    codexHome: deps.codexHome,
    env: deps.env,
    warn: (message, path, error) => deps.log.warn({ err: error, path }, message),
  };
  const described = describedCwd.get(thread) ?? (thread.contextRecorded ? settings.cwd : null);
  let items: ResponseItem[] = [];
  if (!thread.contextRecorded) {
    const deferred = deferredToolsText(deferredNamespaces(thread));
    items = await openingContext(settings, modelFacts(settings.model), sources, deferred);
  }
  else if (described !== settings.cwd) items = [await changedCwdContext(settings, sources)];
  for (const item of items.map(withMessageId)) {
    thread.history.push(item);
    persist(records.responseItem(item));
  }
  thread.contextRecorded = true;
  describedCwd.set(thread, settings.cwd);
}

/**
 * Works out a turn's identification headers and `client_metadata` once, when the turn starts: every request of the
 * turn (compaction included) carries them.
 */
export async function identifyTurn(
  thread: LoadedThread,
  turn: { readonly id: string; readonly rootTurnId: string; readonly parentTurnId?: string | undefined },
  startedAtMs: number,
  codexHome: string,
): Promise<TurnIdentification> {
  const settings = thread.settings;
  const effort = samplingControls(modelFacts(settings.model), settings).effort;
  const ids = {
    installationId: await installationId(codexHome),
    threadId: thread.id,
    turnId: turn.id,
    rootTurnId: turn.rootTurnId,
    sessionId: sessionIdOf(thread),
    parentThreadId: thread.subAgent?.parentThreadId ?? null,
    parentTurnId: turn.parentTurnId,
  };
  const metadata = turnMetadata({
    ...ids,
    historyInitialization: historyInitializationOf(thread),
    contextWindowId: contextWindowIdOf(thread),
    sandboxPolicy: settings.sandboxPolicy,
    approvalsReviewer: settings.approvalsReviewer,
    workspace: await workspaceState(settings.cwd),
    startedAtMs,
    config: settings.config,
    model: settings.model,
    effort,
  });
  return turnIdentification(ids, metadata);
}
