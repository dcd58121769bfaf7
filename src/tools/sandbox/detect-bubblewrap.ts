import { execFile } from 'node:child_process';
import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { delimiter, isAbsolute, join } from 'node:path';
import { bwrapArguments, type BwrapFeatures } from './bwrap-arguments.js';
import { BWRAP_REMEDY, type ConfiguredBwrap } from './bwrap-setting.js';
import type { Environment } from './writable-roots.js';

/**
 * Whether commands can be sandboxed here. Finding bwrap is not enough — containers and hardened kernels often forbid
 * unprivileged user namespaces — so detection runs a trivial command with the very flags real commands use, and
 * reports bwrap's own complaint when that fails. The reference looks for bwrap on PATH and otherwise falls back to
 * the copy it bundles ("Codex could not find bubblewrap on PATH…"); we bundle none, so a missing bwrap makes the
 * sandbox unavailable and restrictive policies refuse to run commands. An operator can name the bwrap to use instead
 * (bwrap-setting.ts). Each reason says what is wrong and how to fix it: it reaches the start-up log, the model and
 * the client.
 */

export type SandboxSupport =
  | {
      readonly available: true;
      /** The bwrap executable. */
      readonly path: string;
      /** From `bwrap --version` (`0.8.0`), null when it would not say. */
      readonly version: string | null;
      readonly features: BwrapFeatures;
    }
  | { readonly available: false; readonly reason: string };

export interface DetectOptions {
  /** A configured bwrap, used instead of a PATH lookup; otherwise `bwrap` is looked up on PATH. */
  readonly configured?: ConfiguredBwrap | undefined;
  /** Environment for the PATH lookup and the probe (default `process.env`). */
  readonly env?: Environment | undefined;
  /** Bound on each bwrap invocation (default 10 s). */
  readonly timeoutMs?: number | undefined;
}


function isExecutableFile(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function findOnPath(name: string, env: Environment): string | null {
  for (const directory of (env.PATH ?? '').split(delimiter)) {
    if (directory === '' || !isAbsolute(directory)) continue;
    const candidate = join(directory, name);
    if (isExecutableFile(candidate)) return candidate;
  }
  return null;
}

interface RunResult {
  readonly ok: boolean;
  readonly output: string;
}

function run(file: string, args: readonly string[], env: Environment, timeoutMs: number): Promise<RunResult> {
  return new Promise((resolve) => {
    execFile(file, args, { env, timeout: timeoutMs, encoding: 'utf8', cwd: '/' }, (error, stdout, stderr) => {
      resolve({ ok: error === null, output: `${stdout}${stderr}`.trim() || (error?.message ?? '') });
    });
  });
}

/** bwrap's message when the container forbids a fresh procfs (the reference retries without `--proc` then). */
function isProcMountFailure(output: string): boolean {
  return output.includes("Can't mount proc");
}

/** A command that does nothing, for the probe. */
function trueCommand(): string {
  return ['/usr/bin/true', '/bin/true'].find((path) => existsSync(path)) ?? 'true';
}

/** Finds bwrap, reads its version and options, and proves it can build our sandbox here. */
export async function detectBubblewrap(options: DetectOptions = {}): Promise<SandboxSupport> {
  const env = options.env ?? process.env;
  const timeoutMs = options.timeoutMs ?? 10_000;
  let path: string;
  const { configured } = options;
  if (configured !== undefined) {
    if (!isAbsolute(configured.path) || !isExecutableFile(configured.path)) {
      const problem = `the bubblewrap set by ${configured.source} (${configured.path}) is not an absolute path to an executable file`;
      return { available: false, reason: `${problem}; to sandbox commands, ${BWRAP_REMEDY}` };
    }
    path = configured.path;
  } else {
    const found = findOnPath('bwrap', env);
    if (found === null) {
      return { available: false, reason: `bubblewrap (bwrap) was not found on PATH; to sandbox commands, ${BWRAP_REMEDY}` };
    }
    path = found;
  }

  const [versionRun, helpRun] = await Promise.all([
    run(path, ['--version'], env, timeoutMs),
    run(path, ['--help'], env, timeoutMs),
  ]);
  const version = /(\d+\.\d+(?:\.\d+)?)/.exec(versionRun.output)?.[1] ?? null;
  const help = helpRun.output;
  const hasOption = (option: string) => new RegExp(`(^|\\s)${option}(\\s|$)`, 'm').test(help);
  let features: BwrapFeatures = { perms: hasOption('--perms'), argv0: hasOption('--argv0'), mountProc: true };

  const probe = (probeFeatures: BwrapFeatures) =>
    run(
      path,
      bwrapArguments([trueCommand()], {
        policy: { type: 'readOnly', networkAccess: false },
        cwd: '/',
        env,
        features: probeFeatures,
      }).args,
      env,
      timeoutMs,
    );
  let result = await probe(features);
  if (!result.ok && isProcMountFailure(result.output)) {
    features = { ...features, mountProc: false };
    result = await probe(features);
  }
  if (!result.ok) {
    const problem = `bubblewrap at ${path} cannot create the sandbox here: ${result.output}`;
    // Nearly always the kernel or the container refusing unprivileged user namespaces (docs/sandbox.md).
    return {
      available: false,
      reason:
        `${problem}; this host (and container) must allow unprivileged user namespaces: in a container, run it with ` +
        '`--security-opt seccomp=unconfined --security-opt apparmor=unconfined` (compose: `-f deploy/compose.bubblewrap.yaml`), ' +
        'allow them on the host (`sysctl kernel.unprivileged_userns_clone=1`; Ubuntu 24.04+: ' +
        '`kernel.apparmor_restrict_unprivileged_userns=0`), or let the container be the sandbox with ' +
        '`sandbox_mode = "danger-full-access"` (docs/deployment.md)',
    };
  }
  return { available: true, path, version, features };
}
