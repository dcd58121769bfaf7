import type { DeprecationNoticeNotification } from '../protocol/v2/thread-notifications.js';

/**
 * What the reference tells a client that asks for a paginated thread's whole history at once, sent before the
 * response [observed]. Resume and fork word it after their `excludeTurns`, thread/read after `includeTurns`.
 */
export const FULL_HISTORY_ON_RESUME: DeprecationNoticeNotification = {
  summary:
    'Full-history hydration is deprecated for paginated threads; use `excludeTurns: true`, then page with ' +
    '`thread/turns/list` and `thread/items/list`.',
  details: null,
};

export const FULL_HISTORY_ON_READ: DeprecationNoticeNotification = {
  summary:
    'Full-history hydration is deprecated for paginated threads; omit `includeTurns` or set it to `false`, ' +
    'then page with `thread/turns/list` and `thread/items/list`.',
  details: null,
};
