import { InvalidCursorError } from '../persistence/errors.js';
import { readThreadRollout } from '../persistence/history-chain.js';
import { ErrorCode, RpcError, RpcErrors } from '../protocol/errors.js';
import { ClientRequests } from '../protocol/registry.js';
import type { Turn } from '../protocol/v2/turn.js';
import { ItemPageParamsError, pageItems } from '../runtime/paging/item-pages.js';
import { turnsFromRollout } from '../runtime/rollout/rollout-turns.js';
import { bindHandler } from './context.js';
import type { RequestHandler } from './context.js';
import type { ServerServices } from './services.js';
import { threadIdParam } from './thread-lookup.js';
import { copyTurns, TURN_LINES_ONLY } from './thread-read.js';
import { isMaterialized } from './thread-turns-list.js';

const METHOD = 'thread/items/list';

/**
 * `thread/items/list`: one page of a thread's items across its turns, oldest first by default, optionally of one
 * turn (see runtime/paging/item-pages.ts). Loaded threads page their live turns; stored ones, archived included, are
 * read from their rollout without being loaded. The reference serves item history only for threads whose
 * paginated history it holds, and answers every other thread (unknown, ephemeral, or loaded with nothing on
 * disk yet) `-32601 thread/items/list is not supported yet` [observed]; so do we. An unknown `turnId` is an
 * empty page, not an error [observed].
 */
export function threadItemsListHandler(services: ServerServices): RequestHandler {
  return bindHandler(ClientRequests.threadItemsList, async (params) => {
    const id = threadIdParam(params.threadId);
    const turns = await historyTurns(services, id);
    try {
      return pageItems(id, turns, params);
    } catch (error) {
      if (error instanceof InvalidCursorError) throw RpcErrors.badRequest(error.message);
      if (error instanceof ItemPageParamsError) throw new RpcError(ErrorCode.InvalidParams, error.message);
      throw error;
    }
  });
}

async function historyTurns(services: ServerServices, id: string): Promise<Turn[]> {
  const loaded = services.threads.get(id);
  if (loaded !== undefined) {
    if (loaded.ephemeral || !(await isMaterialized(loaded))) throw RpcErrors.notSupportedYet(METHOD);
    return copyTurns(loaded.turns);
  }
  const summary = await services.threads.index.get(id);
  if (summary === undefined) throw RpcErrors.notSupportedYet(METHOD);
  return turnsFromRollout((await readThreadRollout(services.threads.codexHome, summary.path, TURN_LINES_ONLY)).lines);
}
