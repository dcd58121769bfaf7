import { resolve } from 'node:path';
import { RpcErrors } from '../../protocol/errors.js';
import { ClientRequests, ServerNotifications } from '../../protocol/registry.js';
import type { CommandExecParams } from '../../protocol/v2/command-exec.js';
import { commandExecEnv } from '../../runtime/command-exec/command-env.js';
import { DEFAULT_TIMEOUT_MS } from '../../runtime/command-exec/command-run.js';
import type { CommandProcesses } from '../../runtime/command-exec/connection-commands.js';
import { DEFAULT_OUTPUT_BYTES_CAP } from '../../runtime/command-exec/output-cap.js';
import { spawnCommand, stdioChoice } from '../../runtime/command-exec/spawn-command.js';
import { resolveThreadSettings } from '../../runtime/threads/thread-settings.js';
import { SandboxSetupError, SandboxUnavailableError } from '../../tools/sandbox/errors.js';
import { sandboxCommand, type SandboxedCommand } from '../../tools/sandbox/sandbox-command.js';
import { bindHandler, DeferredResult, type RequestHandler } from '../context.js';
import type { ServerServices } from '../services.js';
import { commandExecRpcError, invalidParams } from './errors.js';
import { commandSandbox } from './sandbox.js';

/**
 * `command/exec` (docs/protocol.md#standalone-commands): validates the request in the reference's order of checks (each
 * with its text and code, probed on 0.169.0), wraps the argv for the sandbox, starts the process in the connection's
 * table and answers when it has exited — without holding the connection's other requests, so the client can write to,
 * resize and terminate it meanwhile.
 */
export function commandExecHandler(
  services: ServerServices,
  processes: CommandProcesses,
): RequestHandler<typeof ClientRequests.commandExec> {
  const serverCwd = services.threads.serverCwd;
  // config.toml is fixed for the server's life: the default policy is resolved once.
  const configuredPolicy = resolveThreadSettings(services.config.table, {}, serverCwd).sandboxPolicy;
  return bindHandler(ClientRequests.commandExec, async (params, context) => {
    const options = validate(params);
    const cwd = resolve(serverCwd, params.cwd ?? '.');
    const { policy, policyCwd } = commandSandbox(params, {
      cwd,
      serverCwd,
      configuredPolicy,
      permissionsTable: services.config.table['permissions'],
    });
    if (params.size !== undefined && params.size !== null && (params.size.rows === 0 || params.size.cols === 0)) {
      throw invalidParams('command/exec size rows and cols must be greater than 0');
    }
    const env = commandExecEnv(services.env, params.env, policy);
    const support = await services.threads.sandboxSupport;
    let sandboxed: SandboxedCommand;
    try {
      sandboxed = sandboxCommand(params.command, {
        policy,
        cwd,
        policyCwd,
        support,
        env,
        jail: services.threads.commandJail,
      });
    } catch (error) {
      // A restrictive policy never runs unsandboxed; the reference reports a failed exec request like this.
      if (error instanceof SandboxUnavailableError || error instanceof SandboxSetupError) {
        throw RpcErrors.internal(`exec failed: ${error.message}`, error);
      }
      throw error;
    }

    const processId = params.processId ?? null;
    const { tty, streamStdin, streamOutput, stdio } = stdioChoice(params);
    const spec = { file: sandboxed.file, args: sandboxed.args, cwd, env };
    try {
      if (processId === null && (tty || streamStdin || streamOutput)) {
        throw RpcErrors.badRequest('command/exec tty or streaming requires a client-supplied processId');
      }
      const { finished } = await processes.of(context.channel).start(processId, () => spawnCommand(spec, stdio), {
        streamStdin,
        streamOutput,
        ...options,
        // Streaming needs the client's processId (checked above).
        onDelta: (chunk) =>
          context.channel.notify(ServerNotifications.commandExecOutputDelta, { processId: processId ?? '', ...chunk }),
      });
      const response = finished.then(({ exitCode, stdout, stderr }) => ({ exitCode, stdout, stderr }));
      return new DeferredResult(response.finally(() => sandboxed.release()));
    } catch (error) {
      sandboxed.release();
      throw commandExecRpcError(error);
    }
  });
}

/** The checks the reference makes before anything else, and the cap and timeout they leave. */
function validate(params: CommandExecParams): { outputBytesCap: number | null; timeoutMs: number | null } {
  if (params.command.length === 0) throw RpcErrors.badRequest('command must not be empty');
  const given = <T>(value: T | null | undefined): value is T => value !== undefined && value !== null;
  if (given(params.sandboxPolicy) && given(params.permissionProfile)) {
    throw RpcErrors.badRequest('`permissionProfile` cannot be combined with `sandboxPolicy`');
  }
  if (given(params.size) && params.tty !== true) throw invalidParams('command/exec size requires tty: true');
  if (params.disableOutputCap === true && given(params.outputBytesCap)) {
    throw invalidParams('command/exec cannot set both outputBytesCap and disableOutputCap');
  }
  if (params.disableTimeout === true && given(params.timeoutMs)) {
    throw invalidParams('command/exec cannot set both timeoutMs and disableTimeout');
  }
  if (given(params.timeoutMs) && params.timeoutMs < 0) {
    throw invalidParams(`command/exec timeoutMs must be non-negative, got ${params.timeoutMs}`);
  }
  return {
    outputBytesCap: params.disableOutputCap === true ? null : (params.outputBytesCap ?? DEFAULT_OUTPUT_BYTES_CAP),
    timeoutMs: params.disableTimeout === true ? null : (params.timeoutMs ?? DEFAULT_TIMEOUT_MS),
  };
}
