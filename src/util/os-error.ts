import { constants } from 'node:os';

/**
 * The reference reports filesystem failures with Rust's `io::Error` Display text, `<strerror> (os error <n>)`,
 * e.g. `No such file or directory (os error 2)` [observed]. Its Linux build links musl, whose strerror words many
 * errors differently from glibc (`Symbolic link loop`, `Filename too long` [observed]), and Node's own messages
 * (`ENOENT: no such file or directory, open '/x'`) are different again. These are musl's texts, checked against
 * the strings in the 0.169.0 binary.
 */
const MUSL_STRERROR: Readonly<Record<string, string>> = {
  EPERM: 'Operation not permitted',
  ENOENT: 'No such file or directory',
  ESRCH: 'No such process',
  EINTR: 'Interrupted system call',
  EIO: 'I/O error',
  ENXIO: 'No such device or address',
  E2BIG: 'Argument list too long',
  ENOEXEC: 'Exec format error',
  EBADF: 'Bad file descriptor',
  ECHILD: 'No child process',
  EAGAIN: 'Resource temporarily unavailable',
  ENOMEM: 'Out of memory',
  EACCES: 'Permission denied',
  EFAULT: 'Bad address',
  ENOTBLK: 'Block device required',
  EBUSY: 'Resource busy',
  EEXIST: 'File exists',
  EXDEV: 'Cross-device link',
  ENODEV: 'No such device',
  ENOTDIR: 'Not a directory',
  EISDIR: 'Is a directory',
  EINVAL: 'Invalid argument',
  ENFILE: 'Too many open files in system',
  EMFILE: 'No file descriptors available',
  ENOTTY: 'Not a tty',
  ETXTBSY: 'Text file busy',
  EFBIG: 'File too large',
  ENOSPC: 'No space left on device',
  ESPIPE: 'Invalid seek',
  EROFS: 'Read-only file system',
  EMLINK: 'Too many links',
  EPIPE: 'Broken pipe',
  EDEADLK: 'Resource deadlock would occur',
  ENAMETOOLONG: 'Filename too long',
  ENOLCK: 'No locks available',
  ENOSYS: 'Function not implemented',
  ENOTEMPTY: 'Directory not empty',
  ELOOP: 'Symbolic link loop',
  ENODATA: 'No data available',
  EOVERFLOW: 'Value too large for data type',
  EILSEQ: 'Illegal byte sequence',
  ENOTSUP: 'Not supported',
  EOPNOTSUPP: 'Not supported',
  ETIMEDOUT: 'Operation timed out',
  ESTALE: 'Stale file handle',
  EDQUOT: 'Quota exceeded',
  ECANCELED: 'Operation canceled',
};

const ERRNO_NUMBERS = constants.errno as Readonly<Record<string, number | undefined>>;

/** The errno name of a Node system error (`ENOENT`), if it is one. */
export function errnoCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !('code' in error)) return undefined;
  const { code } = error;
  return typeof code === 'string' && ERRNO_NUMBERS[code] !== undefined ? code : undefined;
}

/**
 * The reference's text for a Node system error (`Permission denied (os error 13)`), or undefined when `error` is
 * not an OS error we can word that way.
 */
export function rustIoErrorMessage(error: unknown): string | undefined {
  const code = errnoCode(error);
  if (code === undefined) return undefined;
  const text = MUSL_STRERROR[code];
  const errno = ERRNO_NUMBERS[code];
  return text === undefined || errno === undefined ? undefined : `${text} (os error ${errno})`;
}
