import { RpcErrors } from '../../protocol/errors.js';
import type { RpcError } from '../../protocol/errors.js';
import { FsRequestError } from '../../runtime/fs/fs-request-error.js';
import { errnoCode, rustIoErrorMessage } from '../../util/os-error.js';

/**
 * Runs a filesystem operation and words its failure as the reference does: the client's mistakes as -32600 with
 * the reference's text, OS failures as -32603 with Rust's io::Error text (`No such file or directory (os error
 * 2)` [observed]).
 */
export async function withFsErrors<T>(operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (error) {
    throw fsRpcError(error);
  }
}

function fsRpcError(error: unknown): RpcError {
  if (error instanceof FsRequestError) return RpcErrors.badRequest(error.message);
  // Rust's std refuses such a path before any system call, with an InvalidInput error that the reference
  // answers as -32600 [observed].
  if (isNulBytePathError(error)) return RpcErrors.badRequest('file name contained an unexpected NUL byte');
  const message = rustIoErrorMessage(error);
  if (message === undefined) return RpcErrors.internal(error instanceof Error ? error.message : String(error), error);
  // EINVAL is Rust's ErrorKind::InvalidInput, which the reference also counts as the client's mistake:
  // `-32600 Invalid argument (os error 22)` for an invalid value written to a /proc file [observed].
  return errnoCode(error) === 'EINVAL' ? RpcErrors.badRequest(message) : RpcErrors.internal(message, error);
}

/** Node's refusal of a path containing `\0` (it never reaches the OS). */
function isNulBytePathError(error: unknown): boolean {
  return (
    error instanceof TypeError &&
    (error as NodeJS.ErrnoException).code === 'ERR_INVALID_ARG_VALUE' &&
    error.message.includes('without null bytes')
  );
}
