import { ClientRequests } from '../../protocol/registry.js';
import { createDirectory } from '../../runtime/fs/create-directory.js';
import { bindHandler } from '../context.js';
import type { RequestHandler } from '../context.js';
import { withFsErrors } from './fs-errors.js';

/**
 * `fs/createDirectory {path, recursive?}` → `{}`. `recursive` defaults to true: missing parents are created and an
 * existing directory is fine; without it the parent must exist and the directory must not (`File exists (os
 * error 17)`) [observed].
 */
export function fsCreateDirectoryHandler(): RequestHandler {
  return bindHandler(ClientRequests.fsCreateDirectory, async (params) => {
    await withFsErrors(() => createDirectory(params.path, params.recursive ?? true));
    return {};
  });
}
