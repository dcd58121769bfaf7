import type { ThreadIndex } from '../../persistence/thread-index.js';
import { ServerNotifications } from '../../protocol/registry.js';
import type { Broadcaster } from '../clients/broadcast.js';
import type { ClientChannel } from '../clients/client-channel.js';
import type { LoadedThread } from './loaded-thread.js';
import type { LoadedThreads } from './loaded-threads.js';
import { planRevert, revertRefusals, writeRevertedRollout } from './revert-rollout.js';

/** What reverting a thread needs from the thread manager. */
export interface RevertHost {
  readonly codexHome: string;
  readonly index: ThreadIndex;
  readonly loaded: LoadedThreads;
  readonly broadcaster: Broadcaster;
  /** Loads the thread again from its (new) rollout. */
  load(id: string): Promise<LoadedThread | undefined>;
}

/**
 * thread/revert: replaces a loaded thread's history with the part before `beforeTurnId` (see revert-rollout.ts)
 * and returns the thread as reloaded from its new file. As the reference does [observed], the thread is unloaded
 * (a running turn ends `interrupted`; every connection hears `notLoaded`) and loaded again (`idle`), and keeps
 * its subscribers; `caller` becomes one too.
 * @throws ThreadRequestError `thread not found: <id>` for a thread that is not loaded, `turn not found: <id>`,
 *   and the reference's refusals of an ephemeral thread and of one with no rollout yet.
 */
export async function revertThread(host: RevertHost, id: string, beforeTurnId: string, caller: ClientChannel): Promise<LoadedThread> {
  const thread = host.loaded.get(id);
  if (thread === undefined) throw revertRefusals.threadNotFound(id);
  if (thread.ephemeral || thread.writer === null || thread.rolloutPath === null) throw revertRefusals.ephemeral();
  // A thread whose first turn has not been written yet has nothing to revert [observed wording].
  if ((await host.index.get(id)) === undefined) throw revertRefusals.noRollout(id);
  if (!thread.turns.some((turn) => turn.id === beforeTurnId)) throw revertRefusals.turnNotFound(beforeTurnId);
  await thread.writer.flush();
  const plan = await planRevert(host.codexHome, id, thread.rolloutPath, beforeTurnId);
  const subscribers = thread.subscriberChannels();
  host.loaded.forgetIdle(id);
  await host.loaded.unload(thread, { announceClosed: false });
  const nowMs = Date.now();
  const path = await writeRevertedRollout(host.codexHome, plan, nowMs);
  host.index.update(id, { path, updatedAtMs: nowMs, preview: plan.preview });
  const reloaded = await host.load(id);
  if (reloaded === undefined) throw new Error(`reverted thread ${id} could not be loaded again`);
  host.broadcaster.broadcast(ServerNotifications.threadStatusChanged, { threadId: id, status: reloaded.status });
  for (const channel of [...subscribers, caller]) host.loaded.subscribe(reloaded, channel);
  return reloaded;
}
