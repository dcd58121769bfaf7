import { constants } from 'node:os';
import { Utf8DecodeError } from './utf8.js';

/**
 * `std::io::Error`'s `Display` for an OS error, as the reference prints it to the model: `<strerror> (os error
 * <errno>)`. The texts are musl's (the published Linux binaries are built against musl, and probing 0.169.0 gave
 * e.g. `Symbolic link loop (os error 40)` and `Filename too long (os error 36)`, where glibc would say "Too many
 * levels of symbolic links" and "File name too long").
 */
const MUSL_STRERROR: Readonly<Record<string, string>> = {
  EPERM: 'Operation not permitted',
  ENOENT: 'No such file or directory',
  EIO: 'I/O error',
  EBADF: 'Bad file descriptor',
  EAGAIN: 'Resource temporarily unavailable',
  ENOMEM: 'Out of memory',
  EACCES: 'Permission denied',
  EBUSY: 'Resource busy',
  EEXIST: 'File exists',
  EXDEV: 'Cross-device link',
  ENOTDIR: 'Not a directory',
  EISDIR: 'Is a directory',
  EINVAL: 'Invalid argument',
  ENFILE: 'Too many open files in system',
  EMFILE: 'No file descriptors available',
  ETXTBSY: 'Text file busy',
  EFBIG: 'File too large',
  ENOSPC: 'No space left on device',
  EROFS: 'Read-only file system',
  ENAMETOOLONG: 'Filename too long',
  ENOTEMPTY: 'Directory not empty',
  ELOOP: 'Symbolic link loop',
  EOVERFLOW: 'Value too large for data type',
  EDQUOT: 'Quota exceeded',
};

/** The reference's rendering of an error met while reading or writing a file (Node error, or bad UTF-8). */
export function rustIoErrorText(error: unknown): string {
  if (error instanceof Utf8DecodeError) return error.message;
  const code = errorCode(error);
  if (code !== undefined) {
    const errno = (constants.errno as Readonly<Record<string, number | undefined>>)[code];
    const text = MUSL_STRERROR[code] ?? code;
    return errno === undefined ? text : `${text} (os error ${errno})`;
  }
  return error instanceof Error ? error.message : String(error);
}

/** The `code` of a Node system error (`ENOENT`, …), if `error` is one. */
export function errorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !('code' in error)) return undefined;
  const { code } = error;
  return typeof code === 'string' ? code : undefined;
}
