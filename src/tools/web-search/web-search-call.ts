import type { ResponsesApiWebSearchAction } from '../../protocol/v2/items-response-item.js';
import { ResponsesApiWebSearchActionSchema } from '../../protocol/v2/items-response-item.js';
import type { WebSearchAction } from '../../protocol/v2/items-agents.js';

/**
 * A `web_search_call` output item: the hosted search the API ran while answering. How it is shown and replayed,
 * as observed from the reference 0.169.0:
 * - when it starts, a `webSearch` item with an empty query and action `other`; when done, the query and the
 *   action (`search` → `{type: "search", query, queries: null}`);
 * - the next requests replay it as `{type, id, status, action}`, the action cut down to the fields the API
 *   defined for it (extras such as `sources` dropped).
 */

/** The call's action in the API's form, cut down to its defined fields (unset ones left out), or null. */
export function webSearchCallAction(raw: unknown): ResponsesApiWebSearchAction | null {
  const parsed = ResponsesApiWebSearchActionSchema.safeParse(raw);
  if (!parsed.success) return null;
  const action = parsed.data;
  const present = <K extends string>(key: K, value: unknown) =>
    value === null || value === undefined ? {} : ({ [key]: value } as Record<K, never>);
  switch (action.type) {
    case 'search':
      return { type: 'search', ...present('query', action.query), ...present('queries', action.queries) };
    case 'open_page':
      return { type: 'open_page', ...present('url', action.url) };
    case 'find_in_page':
      return { type: 'find_in_page', ...present('url', action.url), ...present('pattern', action.pattern) };
    case 'other':
      return { type: 'other' };
  }
}

/** The item as history keeps it and later requests replay it. */
export function webSearchCallForHistory(item: Readonly<Record<string, unknown>>): Record<string, unknown> & { type: string } {
  const action = webSearchCallAction(item['action']);
  return {
    type: 'web_search_call',
    ...(typeof item['id'] === 'string' ? { id: item['id'] } : {}),
    ...(typeof item['status'] === 'string' ? { status: item['status'] } : {}),
    ...(action === null ? {} : { action }),
  };
}

/** The protocol's form of an action (camelCase tags, every field present). */
export function wireWebSearchAction(action: ResponsesApiWebSearchAction | null): WebSearchAction {
  switch (action?.type) {
    case 'search':
      return { type: 'search', query: action.query ?? null, queries: action.queries ?? null };
    case 'open_page':
      return { type: 'openPage', url: action.url ?? null };
    case 'find_in_page':
      return { type: 'findInPage', url: action.url ?? null, pattern: action.pattern ?? null };
    default:
      return { type: 'other' };
  }
}

/** What a finished search item shows as its query: the search terms, or the page it opened or searched. */
export function webSearchQuery(action: ResponsesApiWebSearchAction | null): string {
  switch (action?.type) {
    case 'search':
      return action.query ?? action.queries?.join(', ') ?? '';
    case 'open_page':
      return action.url ?? '';
    case 'find_in_page':
      return action.pattern ?? action.url ?? '';
    default:
      return '';
  }
}

/** The API's form of a protocol action (unset fields left out), as the rollout's `WebSearch` item stores it. */
export function apiWebSearchAction(action: WebSearchAction): ResponsesApiWebSearchAction | null {
  switch (action.type) {
    case 'search':
      return webSearchCallAction({ type: 'search', query: action.query, queries: action.queries });
    case 'openPage':
      return webSearchCallAction({ type: 'open_page', url: action.url });
    case 'findInPage':
      return webSearchCallAction({ type: 'find_in_page', url: action.url, pattern: action.pattern });
    case 'other':
      return { type: 'other' };
  }
}
