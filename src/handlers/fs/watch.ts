import { RpcErrors } from '../../protocol/errors.js';
import { ClientRequests } from '../../protocol/registry.js';
import type { FsWatches } from '../../runtime/fs/fs-watches.js';
import { FsRequestError } from '../../runtime/fs/fs-request-error.js';
import { bindHandler } from '../context.js';
import type { RequestHandler } from '../context.js';

/**
 * `fs/watch {watchId, path}` → `{path}`: the client names the watch; the answer echoes the normalized path (not
 * resolved through symlinks, whatever the schema's "canonicalized" says [observed]). Any path may be watched,
 * existing or not. Changes arrive as `fs/changed {watchId, changedPaths}` until `fs/unwatch` or the end of the
 * connection.
 */
export function fsWatchHandler(watches: FsWatches): RequestHandler {
  return bindHandler(ClientRequests.fsWatch, (params, context) => {
    try {
      watches.of(context.channel).watch(params.watchId, params.path);
    } catch (error) {
      if (error instanceof FsRequestError) throw RpcErrors.badRequest(error.message);
      throw error;
    }
    return { path: params.path };
  });
}

/** `fs/unwatch {watchId}` → `{}`; no `fs/changed` for the watch follows the answer. Unknown ids are fine [observed]. */
export function fsUnwatchHandler(watches: FsWatches): RequestHandler {
  return bindHandler(ClientRequests.fsUnwatch, (params, context) => {
    watches.of(context.channel).unwatch(params.watchId);
    return {};
  });
}
