/**
 * A filesystem request the reference refuses as the client's mistake (-32600, worded without the `Invalid
 * request:` prefix), e.g. ``path `/d/sub` is not a file`` or `watchId already exists: w1` [observed]. Failures of
 * the operating system itself are thrown as Node's own errors and worded by util/os-error.ts.
 */
export class FsRequestError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FsRequestError';
  }
}
