import { ClientRequests } from '../../protocol/registry.js';
import type { CommandProcesses } from '../../runtime/command-exec/connection-commands.js';
import { bindHandler, type RequestHandler } from '../context.js';
import { resizeProcess, terminateProcess, writeToProcess } from '../command-exec/controls.js';

/**
 * `process/writeStdin`, `process/resizePty` and `process/kill`: controls of a running `process/spawn` process of the
 * caller's own connection, named by its `processHandle`, with `command/exec`'s checks in the reference's words for
 * this family (probed on 0.169.0).
 */

export function processWriteStdinHandler(
  processes: CommandProcesses,
): RequestHandler<typeof ClientRequests.processWriteStdin> {
  return bindHandler(ClientRequests.processWriteStdin, (params, context) =>
    writeToProcess(processes.of(context.channel), params.processHandle, params, 'process/writeStdin'),
  );
}

export function processResizePtyHandler(
  processes: CommandProcesses,
): RequestHandler<typeof ClientRequests.processResizePty> {
  return bindHandler(ClientRequests.processResizePty, (params, context) =>
    resizeProcess(processes.of(context.channel), params.processHandle, params.size, 'process'),
  );
}

export function processKillHandler(processes: CommandProcesses): RequestHandler<typeof ClientRequests.processKill> {
  return bindHandler(ClientRequests.processKill, (params, context) =>
    terminateProcess(processes.of(context.channel), params.processHandle),
  );
}
