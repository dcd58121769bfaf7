/**
 * When a thread is full enough to compact on its own.
 *
 * Observed from the reference 0.169.0: with `model_auto_compact_token_limit = 1000`, a response that reported
 * 90,000 input tokens made the *next* turn compact before its user message. Without that setting, the limit
 * comes from the model's context window: 90 % of it, and a configured limit never goes above that.
 */

/** The share of the context window a conversation may fill before it is compacted. */
const AUTO_COMPACT_WINDOW_PERCENT = 90;

/**
 * The token count at which a thread compacts, or null when nothing is known (no setting, no window).
 *
 * The context window is the seam with the model catalogue: today the caller passes config `model_context_window`
 * or the default window; once the catalogue knows each model's window (and its own auto-compact limit), the
 * caller passes that instead and this rule stays.
 */
export function autoCompactTokenLimit(
  configuredLimit: number | null | undefined,
  contextWindow: number | null | undefined,
): number | null {
  const fromWindow =
    contextWindow == null || contextWindow <= 0 ? null : Math.floor((contextWindow * AUTO_COMPACT_WINDOW_PERCENT) / 100);
  const configured = configuredLimit == null || configuredLimit <= 0 ? null : configuredLimit;
  if (fromWindow === null) return configured;
  return configured === null ? fromWindow : Math.min(configured, fromWindow);
}

/** Whether the conversation, as the last response measured it, has reached `limit`. */
export function contextIsFull(tokensInContext: number | null | undefined, limit: number | null): boolean {
  return limit !== null && tokensInContext != null && tokensInContext >= limit;
}
