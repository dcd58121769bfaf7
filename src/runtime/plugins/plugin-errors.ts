/**
 * A plugin or marketplace request the reference refuses as an invalid request (-32600), with its wording
 * [observed on 0.169.0]. Anything else that fails (a git clone, the file system) is an internal error.
 */
export class PluginRequestError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PluginRequestError';
  }
}
