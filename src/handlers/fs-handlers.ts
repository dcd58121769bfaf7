import type { RequestHandler } from './context.js';
import type { ServerServices } from './services.js';

/** The `fs/*` handlers (PROTOCOL §3.1). */
export function fsHandlers(_services: ServerServices): RequestHandler[] {
  return [];
}
