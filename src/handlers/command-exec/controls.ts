import { ClientRequests } from '../../protocol/registry.js';
import type { CommandProcesses } from '../../runtime/command-exec/connection-commands.js';
import { Base64DecodeError, decodeBase64Strict } from '../../util/rust-base64.js';
import { bindHandler, DeferredResult, type RequestHandler } from '../context.js';
import { commandExecRpcError, invalidParams } from './errors.js';

/**
 * `command/exec/write`, `command/exec/resize` and `command/exec/terminate`: controls of a running command of the
 * caller's own connection, named by the `processId` the client gave it. The params are checked before the process
 * is looked up, as the reference does (probed: a write without payload to an exited process is -32602, not
 * "no active command/exec").
 */

export function commandExecWriteHandler(
  processes: CommandProcesses,
): RequestHandler<typeof ClientRequests.commandExecWrite> {
  return bindHandler(ClientRequests.commandExecWrite, (params, context) => {
    const closeStdin = params.closeStdin ?? false;
    const deltaBase64 = params.deltaBase64 ?? null;
    if (deltaBase64 === null && !closeStdin) {
      throw invalidParams('command/exec/write requires deltaBase64 or closeStdin');
    }
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
      written = processes.of(context.channel).get(params.processId).write(bytes, closeStdin);
    } catch (error) {
      throw commandExecRpcError(error);
    }
    // A program that does not read its stdin can keep a write waiting; a `terminate` must still get through.
    return new DeferredResult(written.then(() => ({})));
  });
}

export function commandExecResizeHandler(
  processes: CommandProcesses,
): RequestHandler<typeof ClientRequests.commandExecResize> {
  return bindHandler(ClientRequests.commandExecResize, (params, context) => {
    if (params.size.rows === 0 || params.size.cols === 0) {
      throw invalidParams('command/exec size rows and cols must be greater than 0');
    }
    try {
      processes.of(context.channel).get(params.processId).resize(params.size);
    } catch (error) {
      throw commandExecRpcError(error);
    }
    return {};
  });
}

export function commandExecTerminateHandler(
  processes: CommandProcesses,
): RequestHandler<typeof ClientRequests.commandExecTerminate> {
  return bindHandler(ClientRequests.commandExecTerminate, (params, context) => {
    try {
      processes.of(context.channel).get(params.processId).terminate();
    } catch (error) {
      throw commandExecRpcError(error);
    }
    return {};
  });
}
