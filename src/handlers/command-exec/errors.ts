import { ErrorCode, RpcError, RpcErrors } from '../../protocol/errors.js';
import { CommandExecRequestError, CommandSpawnError } from '../../runtime/command-exec/errors.js';

/**
 * The reference answers the semantic checks of `command/exec` params with -32602 (`invalid_params`), unlike most
 * of its handler-level refusals (-32600).
 */
export function invalidParams(message: string): RpcError {
  return new RpcError(ErrorCode.InvalidParams, message);
}

/** The wire error for what the process table or a running command refused; anything else is rethrown. */
export function commandExecRpcError(error: unknown): unknown {
  if (error instanceof CommandExecRequestError) return RpcErrors.badRequest(error.message);
  if (error instanceof CommandSpawnError) return RpcErrors.internal(error.message, error);
  return error;
}
