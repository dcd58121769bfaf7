import { ClientRequests } from '../../protocol/registry.js';
import { copyPath } from '../../runtime/fs/copy.js';
import { bindHandler } from '../context.js';
import type { RequestHandler } from '../context.js';
import { withFsErrors } from './fs-errors.js';

/** `fs/copy {sourcePath, destinationPath, recursive?}` → `{}` (rules in runtime/fs/copy.ts). */
export function fsCopyHandler(): RequestHandler {
  return bindHandler(ClientRequests.fsCopy, async (params) => {
    await withFsErrors(() => copyPath(params.sourcePath, params.destinationPath, params.recursive ?? false));
    return {};
  });
}
