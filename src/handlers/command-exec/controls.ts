import { ClientRequests } from '../../protocol/registry.js';
import type { CommandExecTerminalSize } from '../../protocol/v2/command-exec.js';
import type { CommandProcesses, ConnectionCommands } from '../../runtime/command-exec/connection-commands.js';
import { Base64DecodeError, decodeBase64Strict } from '../../util/rust-base64.js';
import { bindHandler, DeferredResult, type RequestHandler } from '../context.js';
import { commandExecRpcError, invalidParams } from './errors.js';

/**
 * `command/exec/write`, `command/exec/resize` and `command/exec/terminate`: controls of a running command of the
 * caller's own connection, named by the `processId` the client gave it. The params are checked before the process
 * is looked up, as the reference does (probed: a write without payload to an exited process is -32602, not
 * "no active command/exec"). The experimental `process/*` controls share the checks, in their own words.
 */

/**
 * A write to the stdin of process `id` of `table`: `deltaBase64` (if any), then EOF if `closeStdin`.
 * @param method names the request in the refusal of an empty write
 */
export function writeToProcess(
  table: ConnectionCommands,
  id: string,
  params: { readonly deltaBase64?: string | null | undefined; readonly closeStdin?: boolean | undefined },
  method: string,
): DeferredResult<Record<string, never>> {
  const closeStdin = params.closeStdin ?? false;
  const deltaBase64 = params.deltaBase64 ?? null;
  if (deltaBase64 === null && !closeStdin) throw invalidParams(`${method} requires deltaBase64 or closeStdin`);
  let bytes: Buffer = Buffer.alloc(0);
  if (deltaBase64 !== null) {
    try {
      bytes = decodeBase64Strict(deltaBase64);
    } catch (error) {
      if (error instanceof Base64DecodeError) throw invalidParams(`invalid deltaBase64: ${error.message}`);
      throw error;
    }
  }
  let written: Promise<void>;
  try {
    written = table.get(id).write(bytes, closeStdin);
  } catch (error) {
    throw commandExecRpcError(error);
  }
  // A program that does not read its stdin can keep a write waiting; a terminate or kill must still get through.
  return new DeferredResult(written.then(() => ({})));
}

/**
 * Resizes the terminal of process `id` of `table`.
 * @param subject names the process in the refusal of an empty size (`command/exec`, `process`)
 */
export function resizeProcess(
  table: ConnectionCommands,
  id: string,
  size: CommandExecTerminalSize,
  subject: string,
): Record<string, never> {
  if (size.rows === 0 || size.cols === 0) throw invalidParams(`${subject} size rows and cols must be greater than 0`);
  try {
    table.get(id).resize(size);
  } catch (error) {
    throw commandExecRpcError(error);
  }
  return {};
}

/** Kills the process group of process `id` of `table`. */
export function terminateProcess(table: ConnectionCommands, id: string): Record<string, never> {
  try {
    table.get(id).terminate();
  } catch (error) {
    throw commandExecRpcError(error);
  }
  return {};
}

export function commandExecWriteHandler(
  processes: CommandProcesses,
): RequestHandler<typeof ClientRequests.commandExecWrite> {
  return bindHandler(ClientRequests.commandExecWrite, (params, context) =>
    writeToProcess(processes.of(context.channel), params.processId, params, 'command/exec/write'),
  );
}

export function commandExecResizeHandler(
  processes: CommandProcesses,
): RequestHandler<typeof ClientRequests.commandExecResize> {
  return bindHandler(ClientRequests.commandExecResize, (params, context) =>
    resizeProcess(processes.of(context.channel), params.processId, params.size, 'command/exec'),
  );
}

export function commandExecTerminateHandler(
  processes: CommandProcesses,
): RequestHandler<typeof ClientRequests.commandExecTerminate> {
  return bindHandler(ClientRequests.commandExecTerminate, (params, context) =>
    terminateProcess(processes.of(context.channel), params.processId),
  );
}
