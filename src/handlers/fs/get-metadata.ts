import { ClientRequests } from '../../protocol/registry.js';
import { readMetadata } from '../../runtime/fs/metadata.js';
import { bindHandler } from '../context.js';
import type { RequestHandler } from '../context.js';
import { withFsErrors } from './fs-errors.js';

/** `fs/getMetadata {path}` → `{isDirectory, isFile, isSymlink, createdAtMs, modifiedAtMs}` (runtime/fs/metadata.ts). */
export function fsGetMetadataHandler(): RequestHandler {
  return bindHandler(ClientRequests.fsGetMetadata, (params) => withFsErrors(() => readMetadata(params.path)));
}
