import type { SandboxPolicy } from '../../protocol/v2/policies.js';
import { bwrapArguments } from './bwrap-arguments.js';
import { jailedPolicy } from './command-jail.js';
import type { CommandJail } from './command-jail.js';
import type { SandboxSupport } from './detect-bubblewrap.js';
import { SandboxUnavailableError } from './errors.js';
import { acquireSyntheticMountPoint, releaseSyntheticMountPoint } from './synthetic-mount-points.js';
import type { Environment } from './writable-roots.js';

/**
 * How to launch a command under a sandbox policy: the command itself for danger-full-access and an external sandbox
 * (the reference runs those unwrapped too), bubblewrap for read-only and workspace-write (see bwrap-arguments.ts).
 */

export interface SandboxCommandOptions {
  readonly policy: SandboxPolicy;
  /** Where the command runs (absolute). */
  readonly cwd: string;
  /** The thread's cwd that anchors the workspace's writable roots; defaults to `cwd` (a `workdir` may differ). */
  readonly policyCwd?: string | undefined;
  /** What {@link detectBubblewrap} found. */
  readonly support: SandboxSupport;
  /** The command's environment; `TMPDIR` in it is a writable root under workspace-write (default `process.env`). */
  readonly env?: Environment | undefined;
  /** A tenant's jail: the command always runs in bubblewrap, seeing only the tenant's world (command-jail.ts). */
  readonly jail?: CommandJail | undefined;
}

export interface SandboxedCommand {
  /** The executable to spawn. */
  readonly file: string;
  /** Its arguments (argv without argv[0]). */
  readonly args: readonly string[];
  /** True when the command runs inside bubblewrap. */
  readonly sandboxed: boolean;
  /**
   * Must be called once the process has exited (or if it is never spawned): removes the placeholders bwrap created
   * for missing protected paths once no other running sandbox needs them. Idempotent; never throws.
   */
  release(): void;
}

/**
 * The file and arguments that run `argv` under `options.policy`. Throws {@link SandboxUnavailableError} when the
 * policy needs a sandbox and bubblewrap is not usable — a restrictive policy never runs a command unsandboxed — and
 * {@link SandboxSetupError} when this command's sandbox cannot be built safely.
 */
export function sandboxCommand(argv: readonly string[], options: SandboxCommandOptions): SandboxedCommand {
  const [file, ...rest] = argv;
  if (file === undefined) throw new TypeError('sandboxCommand needs a non-empty argv');
  const { support, jail } = options;
  const policy = jail ? jailedPolicy(options.policy) : options.policy;
  if (policy.type === 'dangerFullAccess' || policy.type === 'externalSandbox') {
    return { file, args: rest, sandboxed: false, release: () => {} };
  }
  if (!support.available) {
    throw new SandboxUnavailableError(
      `the command was not run: the ${policy.type} sandbox is unavailable because ${support.reason}`,
    );
  }
  const plan = bwrapArguments(argv, {
    policy,
    cwd: options.cwd,
    policyCwd: options.policyCwd,
    env: options.env ?? process.env,
    features: support.features,
    jail,
  });
  for (const path of plan.syntheticMountPoints) acquireSyntheticMountPoint(path);
  let released = false;
  return {
    file: support.path,
    args: plan.args,
    sandboxed: true,
    release: () => {
      if (released) return;
      released = true;
      for (const path of plan.syntheticMountPoints) releaseSyntheticMountPoint(path);
    },
  };
}
