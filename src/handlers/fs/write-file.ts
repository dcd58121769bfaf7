import { writeFile } from 'node:fs/promises';
import { RpcErrors } from '../../protocol/errors.js';
import { ClientRequests } from '../../protocol/registry.js';
import { Base64DecodeError, decodeBase64Strict } from '../../util/rust-base64.js';
import { bindHandler } from '../context.js';
import type { RequestHandler } from '../context.js';
import { withFsErrors } from './fs-errors.js';

/**
 * `fs/writeFile {path, dataBase64}` → `{}`: creates or truncates the file (mode 0666 before the umask), never its
 * parent directory (`No such file or directory (os error 2)` [observed]). The payload is decoded strictly
 * first, as the reference does: `fs/writeFile requires valid base64 dataBase64: Invalid padding` (-32600)
 * [observed].
 */
export function fsWriteFileHandler(): RequestHandler {
  return bindHandler(ClientRequests.fsWriteFile, async (params) => {
    let bytes: Buffer;
    try {
      bytes = decodeBase64Strict(params.dataBase64);
    } catch (error) {
      if (!(error instanceof Base64DecodeError)) throw error;
      throw RpcErrors.badRequest(`fs/writeFile requires valid base64 dataBase64: ${error.message}`);
    }
    await withFsErrors(() => writeFile(params.path, bytes));
    return {};
  });
}
