/**
 * Why a command that needs a sandbox could not get one. Never caught to run the command anyway: a restrictive policy
 * without a working sandbox is a refusal, not a downgrade.
 */

/** bubblewrap is missing or cannot create namespaces here; `message` says which and what to do. */
export class SandboxUnavailableError extends Error {
  constructor(reason: string, options?: ErrorOptions) {
    super(reason, options);
    this.name = 'SandboxUnavailableError';
  }
}

/**
 * The sandbox for this particular command cannot be built safely, e.g. a protected path inside a writable root is a
 * symlink the command could re-point (the reference refuses with the same wording).
 */
export class SandboxSetupError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'SandboxSetupError';
  }
}
