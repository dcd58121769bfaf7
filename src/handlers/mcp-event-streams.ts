import { RpcErrors } from '../protocol/errors.js';
import { ClientRequests } from '../protocol/registry.js';
import { bindHandler } from './context.js';
import type { RequestHandler } from './context.js';

/*
 * MCP event subscriptions (experimental), as the reference 0.169.0 answers them for servers configured in
 * config.toml: they exist only for the hosted apps of a ChatGPT workspace, which this server does not run, so a
 * start is refused and a stop, having nothing to end, succeeds.
 */
const HOSTED_APPS_ONLY = 'MCP event subscriptions are only supported for hosted apps';

export function mcpEventStreamHandlers(): RequestHandler[] {
  return [
    bindHandler(ClientRequests.mcpServerEventStreamStart, () => {
      throw RpcErrors.badRequest(HOSTED_APPS_ONLY);
    }),
    bindHandler(ClientRequests.mcpServerEventStreamStop, () => ({})),
  ];
}
