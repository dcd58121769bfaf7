import { ClientRequests } from '../protocol/registry.js';
import { bindHandler } from './context.js';
import type { RequestHandler } from './context.js';

/**
 * `collaborationMode/list` [experimental]: the presets a client may switch between. The reference offers `Plan`
 * and `Default` [observed]; this server's turns only run the default mode (it has no plan-mode instructions or
 * behaviour), so `Default` is the one preset it can honour. `model` and `reasoning_effort` are null: the preset
 * keeps the session's own.
 */
export function collaborationModeListHandler(): RequestHandler {
  return bindHandler(ClientRequests.collaborationModeList, () => ({
    data: [{ name: 'Default', mode: 'default' as const, model: null, reasoning_effort: null }],
  }));
}
