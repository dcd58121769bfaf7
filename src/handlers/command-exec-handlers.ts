import type { RequestHandler } from './context.js';
import type { ServerServices } from './services.js';

/** The `command/exec*` handlers (PROTOCOL §3.2). */
export function commandExecHandlers(_services: ServerServices): RequestHandler[] {
  return [];
}
