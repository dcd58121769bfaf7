import { CommandProcesses, type ProcessTableWording } from '../runtime/command-exec/connection-commands.js';
import type { RequestHandler } from './context.js';
import { processKillHandler, processResizePtyHandler, processWriteStdinHandler } from './process/controls.js';
import { processSpawnHandler } from './process/spawn.js';
import type { ServerServices } from './services.js';

/** `process/*`'s texts, probed on 0.169.0. */
const PROCESS_WORDING: ProcessTableWording = {
  noun: 'process',
  duplicate: (handle) => `duplicate active process handle: ${handle}`,
  unknown: (handle) => `no active process for process handle ${handle}`,
};

/**
 * The experimental `process/*` handlers (docs/methods.md#processes), sharing the server's per-connection process
 * tables (apart from `command/exec`'s: a handle and a processId never meet).
 */
export function processHandlers(services: ServerServices): RequestHandler[] {
  const processes = new CommandProcesses(PROCESS_WORDING);
  return [
    processSpawnHandler(services, processes),
    processWriteStdinHandler(processes),
    processResizePtyHandler(processes),
    processKillHandler(processes),
  ];
}
