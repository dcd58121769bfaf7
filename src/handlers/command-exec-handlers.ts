import {
  commandExecResizeHandler,
  commandExecTerminateHandler,
  commandExecWriteHandler,
} from './command-exec/controls.js';
import { commandExecHandler } from './command-exec/exec.js';
import { COMMAND_EXEC_WORDING, CommandProcesses } from '../runtime/command-exec/connection-commands.js';
import type { RequestHandler } from './context.js';
import type { ServerServices } from './services.js';

/**
 * The `command/exec*` handlers (docs/protocol.md#standalone-commands), sharing the server's per-connection process
 * tables.
 */
export function commandExecHandlers(services: ServerServices): RequestHandler[] {
  const processes = new CommandProcesses(COMMAND_EXEC_WORDING);
  return [
    commandExecHandler(services, processes),
    commandExecWriteHandler(processes),
    commandExecResizeHandler(processes),
    commandExecTerminateHandler(processes),
  ];
}
