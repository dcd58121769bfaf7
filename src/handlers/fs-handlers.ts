import { FsWatches } from '../runtime/fs/fs-watches.js';
import type { RequestHandler } from './context.js';
import { fsCopyHandler } from './fs/copy.js';
import { fsCreateDirectoryHandler } from './fs/create-directory.js';
import { fsGetMetadataHandler } from './fs/get-metadata.js';
import { fsReadDirectoryHandler } from './fs/read-directory.js';
import { fsReadFileHandler } from './fs/read-file.js';
import { fsRemoveHandler } from './fs/remove.js';
import { fsUnwatchHandler, fsWatchHandler } from './fs/watch.js';
import { fsWriteFileHandler } from './fs/write-file.js';
import type { ServerServices } from './services.js';

/**
 * The `fs/*` handlers (docs/protocol.md#filesystem). They act on the server's filesystem with the server's permissions,
 * for any absolute path, as the reference does. Watches are per connection and end with it.
 */
export function fsHandlers(_services: ServerServices): RequestHandler[] {
  const watches = new FsWatches();
  return [
    fsReadFileHandler(),
    fsWriteFileHandler(),
    fsCreateDirectoryHandler(),
    fsGetMetadataHandler(),
    fsReadDirectoryHandler(),
    fsRemoveHandler(),
    fsCopyHandler(),
    fsWatchHandler(watches),
    fsUnwatchHandler(watches),
  ];
}
