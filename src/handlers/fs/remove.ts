import { ClientRequests } from '../../protocol/registry.js';
import { removePath } from '../../runtime/fs/remove.js';
import { bindHandler } from '../context.js';
import type { RequestHandler } from '../context.js';
import { withFsErrors } from './fs-errors.js';

/** `fs/remove {path, recursive?, force?}` → `{}`; both flags default to true (runtime/fs/remove.ts). */
export function fsRemoveHandler(): RequestHandler {
  return bindHandler(ClientRequests.fsRemove, async (params) => {
    const options = { recursive: params.recursive ?? true, force: params.force ?? true };
    await withFsErrors(() => removePath(params.path, options));
    return {};
  });
}
