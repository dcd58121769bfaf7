import { ClientRequests } from '../../protocol/registry.js';
import { MAX_READ_FILE_BYTES, readFileBase64 } from '../../runtime/fs/read-file.js';
import { bindHandler } from '../context.js';
import type { RequestHandler } from '../context.js';
import { withFsErrors } from './fs-errors.js';

/**
 * `fs/readFile {path}` → `{dataBase64}`. Symlinks are followed; anything but a regular file is refused with
 * ``path `<path>` is not a file`` (-32600) [observed]; files whose response would not fit in one message are
 * refused too (see runtime/fs/read-file.ts).
 */
export function fsReadFileHandler(): RequestHandler {
  return bindHandler(ClientRequests.fsReadFile, (params, context) =>
    withFsErrors(async () => ({
      dataBase64: await readFileBase64(params.path, MAX_READ_FILE_BYTES, context.signal),
    })),
  );
}
