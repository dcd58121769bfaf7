import { RpcError, ErrorCode, RpcErrors } from '../protocol/errors.js';
import { ClientRequests } from '../protocol/registry.js';
import { type ModelCatalogue, UnknownModelProviderError } from '../runtime/models/model-catalogue.js';
import { bindHandler } from './context.js';
import type { RequestHandler } from './context.js';

/**
 * `model/list`: the catalogue, hidden models only on request, paged by an offset cursor. The cursor and limit rules
 * and error texts are the reference's [observed]: the cursor is the decimal index of the next model, a cursor past
 * the end is an error, `limit: 0` means 1, no limit means everything.
 */
export function modelListHandler(catalogue: ModelCatalogue): RequestHandler {
  return bindHandler(ClientRequests.modelList, async (params, context) => {
    let models;
    try {
      models = await catalogue.list(params.modelProvider, context.signal);
    } catch (error) {
      throw asProviderNotConfigured(error);
    }
    const visible = params.includeHidden === true ? models : models.filter((model) => !model.hidden);
    const start = parseCursor(params.cursor ?? null);
    if (start > visible.length) throw RpcErrors.badRequest(`cursor ${start} exceeds total models ${visible.length}`);
    const limit = params.limit === undefined || params.limit === null ? visible.length : Math.max(1, params.limit);
    const data = visible.slice(start, start + limit);
    const end = start + data.length;
    return { data, nextCursor: end < visible.length ? String(end) : null };
  });
}

function parseCursor(cursor: string | null): number {
  if (cursor === null) return 0;
  if (!/^\d+$/.test(cursor)) throw RpcErrors.badRequest(`invalid cursor: ${cursor}`);
  return Number(cursor);
}

/** The reference's `modelProviderNotConfigured` refusal for a provider that is not configured; other errors as they are. */
export function asProviderNotConfigured(error: unknown): unknown {
  if (!(error instanceof UnknownModelProviderError)) return error;
  return new RpcError(ErrorCode.InvalidRequest, error.message, {
    type: 'modelProviderNotConfigured',
    modelProvider: error.modelProvider,
  });
}
