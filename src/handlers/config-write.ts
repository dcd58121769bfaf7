import { ConfigWriteError, writeUserConfig } from '../config/config-write.js';
import { ErrorCode, RpcError } from '../protocol/errors.js';
import { ClientRequests } from '../protocol/registry.js';
import type { ConfigEdit, ConfigWriteResponse } from '../protocol/v2/config.js';
import { bindHandler } from './context.js';
import type { RequestHandler } from './context.js';
import type { ServerServices } from './services.js';

/**
 * `config/value/write` (one edit) and `config/batchWrite` (several, all or nothing): see writeUserConfig for the
 * semantics. Writes run one at a time, so each sees the file the previous one left. Refusals are -32600 with
 * `data: {config_write_error_code}`, as the reference answers. `reloadUserConfig` needs no action: new threads
 * always read the configuration as last written, and loaded threads keep the settings they started with.
 */
export function configWriteHandlers(services: ServerServices): RequestHandler[] {
  let queue: Promise<unknown> = Promise.resolve();
  const write = (request: Parameters<typeof writeUserConfig>[1]): Promise<ConfigWriteResponse> => {
    const run = queue.then(() => writeUserConfig(services.config, request)).catch(rethrowAsRpc);
    queue = run.catch(() => {});
    return run;
  };
  return [
    bindHandler(ClientRequests.configValueWrite, (params) => {
      const edit: ConfigEdit = { keyPath: params.keyPath, value: params.value, mergeStrategy: params.mergeStrategy };
      return write({ edits: [edit], filePath: params.filePath, expectedVersion: params.expectedVersion });
    }),
    bindHandler(ClientRequests.configBatchWrite, (params) =>
      write({ edits: params.edits, filePath: params.filePath, expectedVersion: params.expectedVersion }),
    ),
  ];
}

function rethrowAsRpc(error: unknown): never {
  if (error instanceof ConfigWriteError) {
    throw new RpcError(ErrorCode.InvalidRequest, error.message, { config_write_error_code: error.code });
  }
  throw error;
}
