import type { RequestHandler } from './context.js';
import type { ServerServices } from './services.js';

/** What clients call at start-up besides threads (PROTOCOL §4): models, config, skills, account, … */
export function clientSurfaceHandlers(_services: ServerServices): RequestHandler[] {
  return [];
}
