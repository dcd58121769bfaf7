import type { RolloutItem } from '../../persistence/rollout-schema.js';
import { ServerNotifications } from '../../protocol/registry.js';
import type { ThreadItem } from '../../protocol/v2/items.js';
import type { Turn } from '../../protocol/v2/turn.js';
import type { UserInput } from '../../protocol/v2/user-input.js';
import { uuidv7 } from '../../util/ids.js';
import { withMessageId } from '../context/item-ids.js';
import type { LoadedThread } from '../threads/loaded-thread.js';
import * as records from '../rollout/rollout-records.js';
import { modelFacts } from '../models/model-facts.js';
import { echoedInput, modelContent, previewOf } from './user-input-content.js';

/**
 * The user's input joins a turn: into the conversation the model sees and the rollout (tagged with its turn and
 * the kinds of its parts, as the reference tags it), and reported as a `userMessage` item of the turn.
 */
export async function recordUserMessage(
  thread: LoadedThread,
  turn: Turn,
  input: readonly UserInput[],
  clientId: string | null,
  persist: (line: RolloutItem) => void,
): Promise<void> {
  const images = { originalDetail: modelFacts(thread.settings.model).supportsImageDetailOriginal };
  const message = withMessageId({ type: 'message', role: 'user', content: await modelContent(input, images) });
  thread.history.push(message);
  persist(
    records.responseItem({
      ...message,
      internal_chat_message_metadata_passthrough: {
        turn_id: turn.id,
        content_item_kinds: input.map((part) => `user.${part.type}`),
      },
    }),
  );
  const now = Date.now();
  const item: ThreadItem = {
    type: 'userMessage',
    id: uuidv7(now),
    clientId,
    content: echoedInput(input),
    startedAtMs: now,
    completedAtMs: null,
  };
  thread.emit(ServerNotifications.itemStarted, { item, threadId: thread.id, turnId: turn.id, startedAtMs: now });
  const completed: ThreadItem = { ...item, completedAtMs: now };
  thread.emit(ServerNotifications.itemCompleted, {
    item: completed,
    threadId: thread.id,
    turnId: turn.id,
    contentTokenCount: null,
    completedAtMs: now,
  });
  turn.items.push(completed);
  const line = records.itemCompleted(thread.id, turn.id, completed);
  if (line !== null) persist(line);
  if (thread.preview === '') thread.preview = previewOf(input);
}
