import type { ConfigToml } from '../../config/schema.js';

/**
 * The Responses API's hosted web search. The API runs the searches itself; the model's `web_search_call` output
 * items only report them. Which form is offered follows the configuration, as observed from the reference 0.169.0:
 * - `web_search = "live" | "cached" | "disabled"` (top level or in the selected profile) decides;
 * - else the older `[features]` flags: `web_search_request = true` means live, `web_search_cached = true` cached;
 * - else live when commands run without a sandbox (`danger-full-access`), cached otherwise.
 * Live sets `external_web_access: true`; cached searches only the API's cache (`false`); disabled offers no tool.
 * The older `[tools] web_search` key changes nothing (probed with true and false).
 */

export const WEB_SEARCH_TOOL_NAME = 'web_search';

export type WebSearchMode = 'live' | 'cached' | 'disabled';

/** The web search mode of a thread's configuration; `fullAccess` says its commands run unsandboxed. */
export function webSearchMode(config: ConfigToml, fullAccess: boolean): WebSearchMode {
  const profile = config.profile === undefined ? undefined : config.profiles?.[config.profile];
  const explicit = profile?.web_search ?? config.web_search;
  if (explicit !== undefined) return explicit;
  const features = { ...config.features, ...profile?.features };
  if (features['web_search_request'] === true) return 'live';
  if (features['web_search_cached'] === true) return 'cached';
  return fullAccess ? 'live' : 'cached';
}

/**
 * The hosted tool's spec, or null when web search is disabled. `images` adds the content types a model that can
 * look at image results asks for.
 */
export function webSearchToolSpec(mode: WebSearchMode, images: boolean): Record<string, unknown> | null {
  if (mode === 'disabled') return null;
  return {
    type: 'web_search',
    external_web_access: mode === 'live',
    ...(images ? { search_content_types: ['text', 'image'] } : {}),
  };
}
