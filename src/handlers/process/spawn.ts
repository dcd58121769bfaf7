import { RpcErrors } from '../../protocol/errors.js';
import { ClientRequests, ServerNotifications } from '../../protocol/registry.js';
import type { ProcessSpawnParams } from '../../protocol/v2/process.js';
import { withEnvOverrides } from '../../runtime/command-exec/command-env.js';
import { DEFAULT_TIMEOUT_MS, type OutputChunk, type RunOutcome } from '../../runtime/command-exec/command-run.js';
import type { CommandProcesses } from '../../runtime/command-exec/connection-commands.js';
import { DEFAULT_OUTPUT_BYTES_CAP } from '../../runtime/command-exec/output-cap.js';
import { spawnCommand, stdioChoice } from '../../runtime/command-exec/spawn-command.js';
import { sandboxCommand, type SandboxedCommand } from '../../tools/sandbox/sandbox-command.js';
import { SandboxSetupError, SandboxUnavailableError } from '../../tools/sandbox/errors.js';
import { bindHandler, type HandlerContext, type RequestHandler } from '../context.js';
import type { ServerServices } from '../services.js';
import { commandExecRpcError, invalidParams } from '../command-exec/errors.js';

/**
 * `process/spawn` (docs/methods.md#processes): starts the argv on the server's host, outside any Codex sandbox (a
 * tenant's jail still applies), in the connection's process table under the client's `processHandle`, and answers
 * `{}` as soon as it runs. Output follows as `process/outputDelta` (when streamed) and the end as one
 * `process/exited`, both after the response. Checks, texts and codes as probed on the reference 0.169.0.
 */
export function processSpawnHandler(
  services: ServerServices,
  processes: CommandProcesses,
): RequestHandler<typeof ClientRequests.processSpawn> {
  return bindHandler(ClientRequests.processSpawn, async (params, context) => {
    const limits = validate(params);
    const { streamStdin, streamOutput, stdio } = stdioChoice(params);
    const env = withEnvOverrides(services.env, params.env);
    const launch = await launchable(services, params.command, params.cwd, env);

    const handle = params.processHandle;
    const notifications = afterTheResponse(context);
    try {
      const { finished } = await processes.of(context.channel).start(
        handle,
        () => spawnCommand({ file: launch.file, args: launch.args, cwd: params.cwd, env }, stdio, 'process'),
        {
          streamStdin,
          streamOutput,
          ...limits,
          onDelta: (chunk: OutputChunk) =>
            notifications.send(() =>
              context.channel.notify(ServerNotifications.processOutputDelta, { processHandle: handle, ...chunk }),
            ),
        },
      );
      void finished.then((outcome: RunOutcome) => {
        launch.release();
        notifications.send(() =>
          context.channel.notify(ServerNotifications.processExited, { processHandle: handle, ...outcome }),
        );
      });
    } catch (error) {
      launch.release();
      throw commandExecRpcError(error);
    }
    return {};
  });
}

/** The reference's checks, in its order, and the cap and timeout they leave (an explicit null: none). */
function validate(params: ProcessSpawnParams): { outputBytesCap: number | null; timeoutMs: number | null } {
  if (params.command.length === 0) throw RpcErrors.badRequest('command must not be empty');
  const size = params.size ?? null;
  if (size !== null && params.tty !== true) throw invalidParams('process/spawn size requires tty: true');
  const { timeoutMs, outputBytesCap } = params;
  if (timeoutMs !== undefined && timeoutMs !== null && timeoutMs < 0) {
    throw invalidParams(`process/spawn timeoutMs must be non-negative, got ${timeoutMs}`);
  }
  if (size !== null && (size.rows === 0 || size.cols === 0)) {
    throw invalidParams('process size rows and cols must be greater than 0');
  }
  return {
    outputBytesCap: outputBytesCap === undefined ? DEFAULT_OUTPUT_BYTES_CAP : outputBytesCap,
    timeoutMs: timeoutMs === undefined ? DEFAULT_TIMEOUT_MS : timeoutMs,
  };
}

/**
 * The argv as it is started: unchanged on a server of its own; inside the tenant's jail on a tenant's server, as
 * the user's own commands are (the process skips the Codex sandbox, never a tenant's confinement).
 */
async function launchable(
  services: ServerServices,
  argv: readonly string[],
  cwd: string,
  env: Readonly<Record<string, string>>,
): Promise<SandboxedCommand> {
  const jail = services.threads.commandJail;
  if (jail === undefined) {
    const [file = '', ...args] = argv;
    return { file, args, sandboxed: false, release: () => {} };
  }
  try {
    return sandboxCommand(argv, {
      policy: { type: 'dangerFullAccess' },
      cwd,
      support: await services.threads.sandboxSupport,
      env,
      jail,
    });
  } catch (error) {
    if (error instanceof SandboxUnavailableError || error instanceof SandboxSetupError) {
      throw RpcErrors.internal(`failed to spawn process: ${error.message}`, error);
    }
    throw error;
  }
}

/**
 * Holds a spawn's notifications until its response is written: the reference answers `process/spawn` before it
 * reads any output, so no delta or exit may overtake the `{}`.
 */
function afterTheResponse(context: HandlerContext): { send(notify: () => void): void } {
  let held: (() => void)[] | null = [];
  context.afterResponse(() => {
    const queued = held ?? [];
    held = null;
    for (const notify of queued) notify();
  });
  return {
    send(notify) {
      if (held === null) notify();
      else held.push(notify);
    },
  };
}
