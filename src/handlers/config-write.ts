import { ConfigWriteError, writeUserConfig } from '../config/config-write.js';
import type { ConfigWriteRequest } from '../config/config-write.js';
import { ErrorCode, RpcError } from '../protocol/errors.js';
import { ClientRequests } from '../protocol/registry.js';
import type { ConfigEdit, ConfigWriteResponse } from '../protocol/v2/config.js';
import { bindHandler } from './context.js';
import type { RequestHandler } from './context.js';
import type { ServerServices } from './services.js';

/**
 * `config/value/write` (one edit) and `config/batchWrite` (several, all or nothing): see writeUserConfig for the
 * semantics (writes to the file run one at a time there, across connections). Refusals are -32600 with
 * `data: {config_write_error_code}`, as the reference answers. `reloadUserConfig` needs no action: new threads
 * always read the configuration as last written, and loaded threads keep the settings they started with.
 */
export function configWriteHandlers(services: ServerServices): RequestHandler[] {
  const write = (request: ConfigWriteRequest): Promise<ConfigWriteResponse> =>
    writeUserConfig(services.config, request).catch(rethrowAsRpc);
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

/** A ConfigWriteError as the reference answers it: -32600 with `data: {config_write_error_code}`. */
export function rethrowAsRpc(error: unknown): never {
  if (error instanceof ConfigWriteError) {
    throw new RpcError(ErrorCode.InvalidRequest, error.message, { config_write_error_code: error.code });
  }
  throw error;
}
