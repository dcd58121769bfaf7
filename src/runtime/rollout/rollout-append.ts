import type { RolloutItem } from '../../persistence/rollout-schema.js';
import type { Logger } from '../../util/logger.js';
import type { LoadedThread } from '../threads/loaded-thread.js';

/*
 * How a turn writes to its thread's rollout, whatever kind of turn it is (model turn, `!` command, review).
 */

/** Appends without waiting: the writer keeps order and group-commits; `flushRollout` waits. No-op if ephemeral. */
export function appendToRollout(thread: LoadedThread, log: Logger, item: RolloutItem): void {
  thread.writer?.append(item).catch((error: unknown) => {
    log.error({ err: error, threadId: thread.id }, 'rollout append failed');
  });
}

/** Makes what was appended durable, then tells `onPersisted` (the thread index follows the rollout). */
export async function flushRollout(
  thread: LoadedThread,
  log: Logger,
  onPersisted: (thread: LoadedThread) => void,
): Promise<void> {
  const writer = thread.writer;
  if (writer === null) return;
  try {
    await writer.flush();
    onPersisted(thread);
  } catch (error) {
    log.error({ err: error, threadId: thread.id }, 'rollout flush failed');
  }
}
