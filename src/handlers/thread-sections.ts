import { ErrorCode, RpcError } from '../protocol/errors.js';
import { ClientRequests } from '../protocol/registry.js';
import { ThreadSectionError, ThreadSectionStore } from '../runtime/thread-metadata/section-store.js';
import { bindHandler } from './context.js';
import type { RequestHandler } from './context.js';
import type { ServerServices } from './services.js';

/** `threadSection/list|create|update|delete` over the sections kept in CODEX_HOME (see ThreadSectionStore). */
export function threadSectionHandlers(services: ServerServices): RequestHandler[] {
  const store = new ThreadSectionStore(services.codexHome);
  return [
    bindHandler(ClientRequests.threadSectionList, (params) => store.list(params.cursor ?? null, params.limit ?? null)),
    bindHandler(ClientRequests.threadSectionCreate, async (params) => ({
      section: await invalidParamsOnRefusal(() => store.create(params.name, params.appearance)),
    })),
    bindHandler(ClientRequests.threadSectionUpdate, async (params) => ({
      section: await invalidParamsOnRefusal(() => store.update(params.sectionId, params.name, params.appearance)),
    })),
    bindHandler(ClientRequests.threadSectionDelete, async (params) => {
      await invalidParamsOnRefusal(() => store.delete(params.sectionId));
      return {};
    }),
  ];
}

/** Runs `action`, answering its refusals (thrown at once or later) as -32602 with the reference's text. */
async function invalidParamsOnRefusal<T>(action: () => Promise<T>): Promise<T> {
  try {
    return await action();
  } catch (error) {
    return asInvalidParams(error);
  }
}

function asInvalidParams(error: unknown): never {
  if (error instanceof ThreadSectionError) throw new RpcError(ErrorCode.InvalidParams, error.message);
  throw error;
}
