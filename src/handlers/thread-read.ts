import { readThreadRollout } from '../persistence/history-chain.js';
import { RpcErrors } from '../protocol/errors.js';
import { ClientRequests, ServerNotifications } from '../protocol/registry.js';
import type { Turn } from '../protocol/v2/turn.js';
import { turnsFromRollout } from '../runtime/rollout/rollout-turns.js';
import { loadedThreadView, storedThreadView } from '../runtime/threads/thread-view.js';
import { withClientMetadata } from '../runtime/thread-metadata/thread-with-metadata.js';
import { attachRawStrings, RawJsonStrings } from '../util/raw-json-strings.js';
import { bindHandler } from './context.js';
import { FULL_HISTORY_ON_READ } from './deprecation-notices.js';
import type { RequestHandler } from './context.js';
import type { ServerServices } from './services.js';
import { threadIdParam } from './thread-lookup.js';

/**
 * `thread/read`: a thread's metadata and, with `includeTurns`, its turns and items. Works on loaded threads
 * and on stored ones (archived included) without loading or subscribing. An unknown id is
 * `thread not loaded: <id>` [observed].
 */
export function threadReadHandler(services: ServerServices): RequestHandler {
  return bindHandler(ClientRequests.threadRead, async (params, context) => {
    const id = threadIdParam(params.threadId);
    // Sent before the response [observed]; every thread this server writes is paginated.
    if (params.includeTurns === true) {
      context.channel.notify(ServerNotifications.deprecationNotice, FULL_HISTORY_ON_READ);
    }
    const loaded = services.threads.get(id);
    const summary = await services.threads.index.get(id);
    const readState = await services.threads.readStates.get(id, summary !== undefined);
    // Long strings go out as bytes (util/raw-json-strings.ts): a loaded thread's encoded now, a stored thread's
    // straight from its rollout.
    const raw = new RawJsonStrings();
    if (loaded !== undefined) {
      const turns = params.includeTurns === true ? raw.withLongStringsEncoded(copyTurns(loaded.turns)) : [];
      const thread = loadedThreadView(loaded, turns);
      return attachRawStrings({ thread: await withClientMetadata(thread, services.codexHome), readState }, raw);
    }
    if (summary === undefined) throw RpcErrors.badRequest(`thread not loaded: ${id}`);
    const turns =
      params.includeTurns === true
        ? turnsFromRollout(
            (await readThreadRollout(services.threads.codexHome, summary.path, { ...TURN_LINES_ONLY, rawLongStrings: raw }))
              .lines,
            raw,
          )
        : [];
    const thread = storedThreadView(summary, services.threads.defaultModelProvider, turns);
    return attachRawStrings({ thread: await withClientMetadata(thread, services.codexHome), readState }, raw);
  });
}

/** Turns come from event_msg lines; the conversation's response items are not needed to show them. */
/** Rollout lines that turns are rebuilt from (the model's conversation is not needed). */
export const TURN_LINES_ONLY = { skip: new Set(['response_item']) };

/** Turns as a response carries them: a snapshot, so a running turn's later items do not leak into it. */
export function copyTurns(turns: readonly Turn[]): Turn[] {
  return turns.map((turn) => ({ ...turn, items: [...turn.items] }));
}
