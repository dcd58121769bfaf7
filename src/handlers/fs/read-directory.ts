import { ClientRequests } from '../../protocol/registry.js';
import { readDirectoryEntries } from '../../runtime/fs/read-directory.js';
import { bindHandler } from '../context.js';
import type { RequestHandler } from '../context.js';
import { withFsErrors } from './fs-errors.js';

/** `fs/readDirectory {path}` → `{entries: [{fileName, isDirectory, isFile}]}` (runtime/fs/read-directory.ts). */
export function fsReadDirectoryHandler(): RequestHandler {
  return bindHandler(ClientRequests.fsReadDirectory, (params) =>
    withFsErrors(async () => ({ entries: await readDirectoryEntries(params.path) })),
  );
}
