import { access } from 'node:fs/promises';
import { InvalidCursorError } from '../persistence/errors.js';
import { readThreadRollout } from '../persistence/history-chain.js';
import { RpcErrors } from '../protocol/errors.js';
import { ClientRequests } from '../protocol/registry.js';
import type { Turn } from '../protocol/v2/turn.js';
import type { LoadedThread } from '../runtime/threads/loaded-thread.js';
import { turnsFromRollout } from '../runtime/rollout/rollout-turns.js';
import { pageTurns } from '../runtime/paging/turn-pages.js';
import { bindHandler } from './context.js';
import type { RequestHandler } from './context.js';
import type { ServerServices } from './services.js';
import { threadIdParam } from './thread-lookup.js';
import { copyTurns } from './thread-read.js';

/**
 * `thread/turns/list`: one page of a thread's turns, newest first by default, with `summary` items by default
 * (see runtime/paging/turn-pages.ts). Loaded threads page their live turns (a running one shows the items completed so
 * far); stored ones, archived included, are read from their rollout without being loaded. Refusals, in the
 * reference's words [observed]: `thread not loaded: <id>` (unknown), `ephemeral threads do not support
 * thread/turns/list`, `thread <id> is not materialized yet; …` (a loaded thread with nothing on disk yet),
 * `invalid cursor: <value>`.
 */
export function threadTurnsListHandler(services: ServerServices): RequestHandler {
  return bindHandler(ClientRequests.threadTurnsList, async (params) => {
    const id = threadIdParam(params.threadId);
    const loaded = services.threads.get(id);
    let turns: Turn[];
    if (loaded !== undefined) {
      if (loaded.ephemeral) throw RpcErrors.badRequest('ephemeral threads do not support thread/turns/list');
      if (!(await isMaterialized(loaded))) {
        throw RpcErrors.badRequest(
          `thread ${id} is not materialized yet; thread/turns/list is unavailable before first user message`,
        );
      }
      turns = copyTurns(loaded.turns);
    } else {
      const summary = await services.threads.index.get(id);
      if (summary === undefined) throw RpcErrors.badRequest(`thread not loaded: ${id}`);
      turns = turnsFromRollout((await readThreadRollout(services.threads.codexHome, summary.path)).lines);
    }
    try {
      return pageTurns(id, turns, params);
    } catch (error) {
      if (error instanceof InvalidCursorError) throw RpcErrors.badRequest(error.message);
      throw error;
    }
  });
}

/** Whether a loaded thread has a rollout: it has had a turn (whose lines may still be queued), or its file exists. */
export async function isMaterialized(thread: LoadedThread): Promise<boolean> {
  if (thread.turns.length > 0) return true;
  if (thread.rolloutPath === null) return false;
  try {
    await access(thread.rolloutPath);
    return true;
  } catch {
    return false;
  }
}
